"""Reading untrusted JSON values with precise complaints: JSON paths, strings, ids and instants.

Every reader raises :class:`~leadrelay.ingress.results.IngressError` naming the JSON path and the
expected shape, and never echoes the offending value (it may be personal data).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any, Literal

from pydantic import ValidationError

from leadrelay.domain.events import SALESFORCE_ID_PATTERN, CanonicalEvent
from leadrelay.ingress.results import IngressError

TimeFormat = Literal["auto", "epoch_millis", "epoch_seconds", "iso8601"]
"""How an instant is written: ``auto`` takes numbers ≥ 10¹¹ as milliseconds, smaller ones as
seconds, digit strings as numbers, and other strings as ISO-8601 (``2024-06-12 10:42:31`` too)."""

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SALESFORCE_ID = re.compile(SALESFORCE_ID_PATTERN)
_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")
_DIGITS = re.compile(r"^-?\d{1,20}$")
_MILLIS_THRESHOLD = 10**11
_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
_LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def jpath(base: str, key: str | int) -> str:
    """Extend a JSON path: ``jpath("$.detail", "payload")`` → ``$.detail.payload``, ``$["detail-type"]``."""
    if isinstance(key, int):
        return f"{base}[{key}]"
    if _PLAIN_KEY.match(key):
        return f"{base}.{key}"
    return f"{base}[{json.dumps(key, ensure_ascii=False)}]"


def type_name(value: Any) -> str:
    """The JSON type of ``value`` (``object``, ``array``, ``string``, ``number``, ``boolean``, ``null``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    return type(value).__name__


def require_object(value: Any, path: str) -> Mapping[str, Any]:
    """``value`` as a JSON object, or a rejection naming ``path``."""
    if not isinstance(value, Mapping):
        raise IngressError(f"expected an object, got {type_name(value)}", path=path)
    return value


def optional_text(value: Any, path: str) -> str | None:
    """A string (trimmed; blank → ``None``); numbers become their text; other types are rejected."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise IngressError(f"expected a string, got {type_name(value)}", path=path)
    text = value.strip() if isinstance(value, str) else json.dumps(value)
    return text or None


def required_text(value: Any, path: str) -> str:
    """A non-blank string (numbers become their text), or a rejection naming ``path``."""
    text = optional_text(value, path)
    if text is None:
        raise IngressError("is required" if value is None else "must not be blank", path=path)
    return text


def optional_salesforce_id(value: Any, path: str) -> str | None:
    """A 15- or 18-character Salesforce id, or ``None`` when blank."""
    text = optional_text(value, path)
    if text is not None and not _SALESFORCE_ID.match(text):
        raise IngressError("is not a Salesforce id (15 or 18 letters and digits)", path=path)
    return text


def normalised_label(value: str) -> str:
    """``"Page View"`` / ``"page-view"`` / ``"PAGE_VIEW"`` → ``page_view``."""
    return "_".join(value.replace("-", " ").replace("_", " ").lower().split())


def parse_timezone(value: str) -> tzinfo:
    """``UTC``, a fixed offset (``+09:00``) or an IANA name (``Asia/Tokyo``, needs the system tz data)."""
    if value.upper() in {"UTC", "Z"}:
        return UTC
    match = _OFFSET.match(value)
    if match:
        sign = -1 if match.group(1) == "-" else 1
        return timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3))))
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {value!r}: use UTC, a fixed offset such as +09:00, or an IANA name"
        ) from exc


def parse_instant(value: Any, path: str, *, fmt: TimeFormat = "auto", tz: tzinfo = UTC) -> datetime:
    """An aware datetime from epoch milliseconds/seconds or ISO-8601 text; naive text is in ``tz``.

    Instants before 1990 or after 2200 are rejected: they are unit mistakes (seconds sent as
    milliseconds), not real events.
    """
    if value is None or value == "":
        raise IngressError("is required (a time)", path=path)
    if isinstance(value, str) and _DIGITS.match(value.strip()) and fmt != "iso8601":
        value = int(value.strip())
    if isinstance(value, bool):
        raise IngressError("expected a time, got boolean", path=path)
    if isinstance(value, int | float):
        moment = _from_epoch(value, path, fmt)
    elif isinstance(value, str) and fmt in {"auto", "iso8601"}:
        moment = _from_iso(value.strip(), path, tz)
    else:
        expected = "epoch milliseconds" if fmt == "epoch_millis" else f"a {fmt.replace('_', ' ')} time"
        raise IngressError(f"expected {expected}, got {type_name(value)}", path=path)
    if not _EARLIEST <= moment < _LATEST:
        raise IngressError(
            "is not a plausible time (before 1990 or after 2200; seconds vs milliseconds?)", path=path
        )
    return moment


def _from_epoch(value: float, path: str, fmt: TimeFormat) -> datetime:
    if fmt == "iso8601":
        raise IngressError("expected an ISO-8601 time, got number", path=path)
    if not math.isfinite(value):
        raise IngressError("is not a finite number", path=path)
    millis = fmt == "epoch_millis" or (fmt == "auto" and abs(value) >= _MILLIS_THRESHOLD)
    seconds = value / 1000 if millis else value
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise IngressError("is out of the range of times", path=path) from exc


def _from_iso(text: str, path: str, tz: tzinfo) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise IngressError("is not an ISO-8601 time (2024-06-12T10:42:31+09:00)", path=path) from exc
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


def build_event(path: str, **values: Any) -> CanonicalEvent:
    """A :class:`CanonicalEvent`, or a rejection naming the first invalid part (under ``path``)."""
    try:
        return CanonicalEvent(**values)
    except ValidationError as exc:
        error = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in error["loc"])
        raise IngressError(
            f"the canonical event's {where or 'value'} is invalid: {error['msg']}", path=path
        ) from exc
