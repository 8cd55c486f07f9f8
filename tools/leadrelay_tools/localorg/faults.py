"""Fault injection: Salesforce failures at set rates (seeded, so runs repeat) and on chosen records."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from leadrelay_tools.localorg.errors import ApiError, RecordError

_LOCK_MESSAGE = "unable to obtain exclusive access to this record or 1 records: {id}"
_FLOW_MESSAGE = (
    "We can't save this record because the “Lead Assignment” process failed. Give your Salesforce admin "
    "these details. UNABLE_TO_LOCK_ROW: " + _LOCK_MESSAGE + " Error ID: 1234567890-12345 (-1234567890)"
)
_REQUEST_FAULTS = {
    "REQUEST_LIMIT_EXCEEDED": (403, "TotalRequests Limit exceeded."),
    "SERVER_UNAVAILABLE": (
        503,
        "Server unavailable: the service is temporarily unable to handle the request.",
    ),
    "INVALID_SESSION_ID": (401, "Session expired or invalid"),
}
SPEC_KEYS = {
    "lock": "lock_rate",
    "flow": "flow_share",
    "validation": "validation_rate",
    "limit": "request_limit_rate",
    "unavailable": "unavailable_rate",
    "session": "invalid_session_rate",
    "latency": "latency",
    "seed": "seed",
}


_NOT_SETTINGS = ("targets", "injected", "refused_values")


def request_fault(code: str) -> ApiError:
    """The request-level error Salesforce returns for ``code`` (403 / 503 / 401)."""
    status, message = _REQUEST_FAULTS[code]
    return ApiError(status, code, message)


@dataclass
class FaultTarget:
    """Writes to records whose ``field`` equals ``value`` fail with ``code`` (always, or ``times`` times)."""

    field: str
    value: Any
    code: str = "FIELD_CUSTOM_VALIDATION_EXCEPTION"
    message: str = "This record is blocked by a validation rule."
    sobject: str | None = None
    times: int | None = None  # None: permanent; n: the first n writes fail, later ones succeed
    fields: tuple[str, ...] = ()
    hits: int = 0

    def matches(self, sobject: str, values: Mapping[str, Any]) -> bool:
        """Whether a write of ``values`` (canonical names, stored + new) to ``sobject`` is targeted."""
        if self.sobject and self.sobject.lower() != sobject.lower():
            return False
        if self.times is not None and self.hits >= self.times:
            return False
        current = next((v for k, v in values.items() if k.lower() == self.field.lower()), None)
        if isinstance(current, str) and isinstance(self.value, str):
            return current.lower() == self.value.lower()
        return bool(current == self.value)


@dataclass
class Faults:
    """What to inject. Rates are probabilities per record (lock, validation) or per request (the rest)."""

    seed: int = 0
    lock_rate: float = 0.0
    flow_share: float = 0.3  # share of lock faults reported inside a flow/trigger error
    validation_rate: float = 0.0
    validation_message: str = "Company must not be blank for an MQL."
    request_limit_rate: float = 0.0
    unavailable_rate: float = 0.0
    invalid_session_rate: float = 0.0
    latency: float = 0.0
    """Seconds every API request takes (passed to ``sleep``; a test hands in its fake clock's)."""
    sleep: Callable[[float], None] = time.sleep
    targets: list[FaultTarget] = field(default_factory=list)
    refused_values: dict[str, ApiError] = field(default_factory=dict)
    injected: Counter[str] = field(default_factory=Counter)
    _queued: list[str] = field(default_factory=list)
    _rng: random.Random = field(default_factory=random.Random, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self._rng.seed(self.seed)

    def configure(self, **settings: Any) -> Faults:
        """Set rates (``lock_rate=0.1``, ``seed=7`` …); a new ``seed`` restarts the random sequence."""
        with self._lock:
            for key, value in settings.items():
                if not hasattr(self, key) or key.startswith("_") or key in _NOT_SETTINGS:
                    raise ValueError(f"unknown fault setting: {key}")
                setattr(self, key, value)
            if "seed" in settings:
                self._rng.seed(self.seed)
        return self

    def apply_spec(self, spec: str) -> Faults:
        """Apply a CLI spec such as ``lock=0.1,validation=0.02,unavailable=0.01,seed=7``."""
        settings: dict[str, Any] = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            key, sep, raw = part.partition("=")
            if not sep or key.strip() not in SPEC_KEYS:
                raise ValueError(f"fault spec {part!r}: expected one of {', '.join(SPEC_KEYS)} as key=value")
            attr = SPEC_KEYS[key.strip()]
            try:
                settings[attr] = int(raw) if attr == "seed" else float(raw)
            except ValueError:
                raise ValueError(f"fault spec {part!r}: {raw!r} is not a number") from None
        return self.configure(**settings)

    def target(
        self, field_name: str, value: Any, code: str = "FIELD_CUSTOM_VALIDATION_EXCEPTION", **kw: Any
    ) -> FaultTarget:
        """Make writes to the record whose ``field_name`` is ``value`` fail with ``code``."""
        target = FaultTarget(field_name, value, code, **kw)
        with self._lock:
            self.targets.append(target)
        return target

    def refuse_queries_with(
        self, value: str, code: str = "INVALID_QUERY_FILTER_OPERATOR", message: str | None = None
    ) -> None:
        """Queries that mention ``value`` (a quoted literal) fail with 400 ``code``, as Salesforce refuses
        a filter value it cannot use."""
        text = message or f"invalid filter value: {value}"
        with self._lock:
            self.refused_values[value] = ApiError(400, code, text)

    def for_query(self, soql: str) -> ApiError | None:
        """The refusal of a query that mentions a refused value, if it does."""
        with self._lock:
            for value, error in self.refused_values.items():
                if f"'{value}'" in soql:
                    self.injected[error.code] += 1
                    return error
        return None

    def delay(self) -> None:
        """Take ``latency`` seconds, as a slow org would, before answering a request."""
        if self.latency > 0:
            self.sleep(self.latency)

    def fail_next_requests(self, code: str, count: int = 1) -> None:
        """The next ``count`` API requests fail with ``code`` (REQUEST_LIMIT_EXCEEDED, SERVER_UNAVAILABLE,
        INVALID_SESSION_ID)."""
        if code not in _REQUEST_FAULTS:
            raise ValueError(f"not a request-level fault: {code}")
        with self._lock:
            self._queued.extend([code] * count)

    def clear(self) -> None:
        """No faults at all (rates 0, no targets, nothing queued); counts restart; the seed is kept."""
        with self._lock:
            self.lock_rate = self.validation_rate = 0.0
            self.request_limit_rate = self.unavailable_rate = self.invalid_session_rate = 0.0
            self.latency, self.sleep = 0.0, time.sleep
            self.targets.clear()
            self.refused_values.clear()
            self._queued.clear()
            self.injected.clear()
            self._rng.seed(self.seed)

    def for_request(self) -> ApiError | None:
        """A request-level fault to answer this API request with, if one is due."""
        with self._lock:
            code = self._queued.pop(0) if self._queued else None
            for rate, candidate in (
                (self.request_limit_rate, "REQUEST_LIMIT_EXCEEDED"),
                (self.unavailable_rate, "SERVER_UNAVAILABLE"),
                (self.invalid_session_rate, "INVALID_SESSION_ID"),
            ):
                if code is None and rate > 0 and self._rng.random() < rate:
                    code = candidate
            if code is None:
                return None
            self.injected[code] += 1
        return request_fault(code)

    def for_record(
        self, sobject: str, record_id: str | None, values: Mapping[str, Any]
    ) -> RecordError | None:
        """A per-record fault for writing ``values`` to ``sobject``; the caller must not apply the write."""
        with self._lock:
            for target in self.targets:
                if target.matches(sobject, values):
                    target.hits += 1
                    self.injected[target.code] += 1
                    return RecordError(target.code, target.message, target.fields)
            if self.lock_rate > 0 and self._rng.random() < self.lock_rate:
                flow = self._rng.random() < self.flow_share
                code = "CANNOT_EXECUTE_FLOW_TRIGGER" if flow else "UNABLE_TO_LOCK_ROW"
                self.injected[code] += 1
                return RecordError(
                    code, (_FLOW_MESSAGE if flow else _LOCK_MESSAGE).format(id=record_id or "")
                )
            if self.validation_rate > 0 and self._rng.random() < self.validation_rate:
                self.injected["FIELD_CUSTOM_VALIDATION_EXCEPTION"] += 1
                return RecordError("FIELD_CUSTOM_VALIDATION_EXCEPTION", self.validation_message)
        return None
