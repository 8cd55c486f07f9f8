"""Apply a provider's mapping (``rules/mappings/<provider>.json``) to a decoded webhook body.

:func:`compile_mapping` turns a :class:`~leadrelay.ingress.mapping_model.MappingFile` into
compiled JMESPath expressions once; :func:`map_payload` applies them to each event of a body and
returns canonical activity events (and a ``skipped`` notice per event the ``filter`` leaves out), or
raises :class:`~leadrelay.ingress.results.IngressError` naming the event and the value at fault
(``$[3].occurredAt: expected a time, got boolean [occurred_at]``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

import jmespath
from jmespath.parser import ParsedResult
from msgspec import Struct

from leadrelay.domain.events import (
    MAX_EMAIL_LENGTH,
    MAX_MA_ID_LENGTH,
    ActivityType,
    CanonicalEvent,
    EventKind,
    Identity,
)
from leadrelay.ingress.mapping_model import MappingFile
from leadrelay.ingress.results import IngressError, IngressResult, Notice, NoticeKind
from leadrelay.ingress.values import (
    build_event,
    jpath,
    normalised_label,
    optional_salesforce_id,
    optional_text,
    parse_instant,
    parse_timezone,
    require_object,
    type_name,
)

_SIMPLE_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
MAX_EVENT_KEY_BYTES = 400
"""The longest event id a mapping's ``idempotency_key`` may find, in UTF-8 bytes (``<provider>:``
is prefixed to it; see ``MAX_IDEMPOTENCY_KEY_BYTES``)."""
_IDENTITY_LIMITS = {"email": MAX_EMAIL_LENGTH, "ma_id": MAX_MA_ID_LENGTH}


class Expression(Struct, frozen=True):
    """A compiled JMESPath expression that remembers its text and the mapping key it came from."""

    text: str
    key: str
    parsed: ParsedResult

    @classmethod
    def of(cls, text: str, key: str) -> Expression:
        """Compile ``text`` (already validated by the model)."""
        return cls(text, key, jmespath.compile(text))

    def search(self, data: Any) -> Any:
        """The expression's value on ``data`` (``None`` when nothing matches)."""
        return self.parsed.search(data)

    def where(self, base: str) -> str:
        """The JSON path of the value when the expression is a plain path, else ``base``."""
        if _SIMPLE_PATH.match(self.text):
            path = base
            for part in self.text.split("."):
                path = jpath(path, part)
            return path
        return base


def _maybe(text: str | None, key: str) -> Expression | None:
    return None if text is None else Expression.of(text, key)


class CompiledMapping(Struct, frozen=True):
    """A mapping file ready to apply: every expression compiled once."""

    spec: MappingFile
    events: Expression
    filter: Expression | None
    idempotency_key: Expression
    occurred_at: Expression | None
    timezone: tzinfo
    type: Expression | None
    identity: tuple[tuple[str, Expression], ...]
    attributes: tuple[tuple[str, Expression], ...]
    attributes_from: Expression | None
    fields: tuple[tuple[str, Expression], ...]
    fields_from: Expression | None

    @property
    def provider(self) -> str:
        """The provider name (``hubspot``)."""
        return self.spec.provider


def compile_mapping(spec: MappingFile) -> CompiledMapping:
    """Compile every expression of ``spec``."""
    identity = [(name, getattr(spec.identity, name)) for name in ("email", "salesforce_id", "ma_id")]
    return CompiledMapping(
        spec=spec,
        events=Expression.of(spec.events, "events"),
        filter=_maybe(spec.filter, "filter"),
        idempotency_key=Expression.of(spec.idempotency_key, "idempotency_key"),
        occurred_at=_maybe(spec.occurred_at.path, "occurred_at.path"),
        timezone=parse_timezone(spec.occurred_at.timezone),
        type=_maybe(spec.type.path, "type.path"),
        identity=tuple((name, Expression.of(text, f"identity.{name}")) for name, text in identity if text),
        attributes=tuple(
            (name, Expression.of(text, f"attributes.{name}")) for name, text in spec.attributes.items()
        ),
        attributes_from=_maybe(spec.attributes_from, "attributes_from"),
        fields=tuple((name, Expression.of(text, f"fields.{name}")) for name, text in spec.fields.items()),
        fields_from=_maybe(spec.fields_from, "fields_from"),
    )


def map_payload(mapping: CompiledMapping, payload: Any, *, received_at: datetime) -> IngressResult:
    """Canonical events for every event of ``payload``; raises ``IngressError`` for the first bad one."""
    found = mapping.events.search(payload)
    base = mapping.events.where("$")
    if isinstance(found, Mapping):
        found, single = [found], True
    else:
        single = False
    if not isinstance(found, list):
        raise IngressError(
            f"expected a list of events, got {type_name(found)} [{mapping.events.key}]", path=base
        )
    if len(found) > mapping.spec.max_events:
        raise IngressError(
            f"has {len(found)} events; at most {mapping.spec.max_events} per request", path=base
        )
    events: list[CanonicalEvent] = []
    notices: list[Notice] = []
    for index, item in enumerate(found):
        path = base if single else jpath(base, index)
        require_object(item, path)
        if mapping.filter is not None and not _truthy(mapping.filter.search(item)):
            notices.append(
                Notice(NoticeKind.SKIPPED, f"{path} left out by the mapping's filter", mapping.provider)
            )
            continue
        events.append(_event(mapping, item, path, received_at))
    return IngressResult.of(events, notices)


def _truthy(value: Any) -> bool:
    """JMESPath truthiness: false, null, empty strings, lists and objects are false."""
    return value not in (None, False, "", [], {})


def _event(
    mapping: CompiledMapping, item: Mapping[str, Any], path: str, received_at: datetime
) -> CanonicalEvent:
    key = _text(mapping.idempotency_key, item, path)
    if key is None:
        raise _error(mapping.idempotency_key, path, "is required (the event's idempotency key)")
    if len(key.encode("utf-8", "surrogatepass")) > MAX_EVENT_KEY_BYTES:
        raise _error(mapping.idempotency_key, path, f"is longer than {MAX_EVENT_KEY_BYTES} bytes (UTF-8)")
    return build_event(
        path,
        idempotency_key=f"{mapping.provider}:{key}",
        kind=EventKind.ACTIVITY,
        type=_type(mapping, item, path),
        source=mapping.spec.source,
        occurred_at=_occurred_at(mapping, item, path, received_at),
        received_at=received_at,
        identity=_identity(mapping, item, path),
        attributes=_attributes(mapping, item, path),
        fields=_fields(mapping, item, path),
    )


def _error(expression: Expression, base: str, reason: str) -> IngressError:
    return IngressError(f"{reason} [{expression.key}]", path=expression.where(base))


def _text(expression: Expression, item: Any, path: str) -> str | None:
    try:
        return optional_text(expression.search(item), expression.where(path))
    except IngressError as exc:
        raise _error(expression, path, exc.reason) from exc


def _occurred_at(mapping: CompiledMapping, item: Any, path: str, received_at: datetime) -> datetime:
    spec, expression = mapping.spec.occurred_at, mapping.occurred_at
    value = None if expression is None else expression.search(item)
    if expression is None or (value in (None, "") and spec.fallback_to_received):
        return received_at
    try:
        return parse_instant(value, expression.where(path), fmt=spec.format, tz=mapping.timezone)
    except IngressError as exc:
        raise _error(expression, path, exc.reason) from exc


def _type(mapping: CompiledMapping, item: Any, path: str) -> ActivityType:
    spec, expression = mapping.spec.type, mapping.type
    raw = None if expression is None else _text(expression, item, path)
    if raw is not None:
        if raw in spec.values:
            return spec.values[raw]
        label = normalised_label(raw)
        if label in ActivityType._value2member_map_:
            return ActivityType(label)
    if spec.default is not None or expression is None:
        return spec.default or ActivityType.OTHER
    shown = "nothing" if raw is None else f"{raw[:60]!r}"
    raise _error(expression, path, f"found {shown}, which is not an activity type nor in type.values")


def _identity(mapping: CompiledMapping, item: Any, path: str) -> Identity:
    values: dict[str, str | None] = {}
    for name, expression in mapping.identity:
        if name == "salesforce_id":
            try:
                values[name] = optional_salesforce_id(expression.search(item), expression.where(path))
            except IngressError as exc:
                raise _error(expression, path, exc.reason) from exc
        else:
            values[name] = _text(expression, item, path)
        limit = _IDENTITY_LIMITS.get(name)
        if limit is not None and len(values[name] or "") > limit:
            raise _error(expression, path, f"is longer than {limit} characters")
    if not any(values.values()):
        names = ", ".join(expression.where(path) for _, expression in mapping.identity)
        raise IngressError(
            f"names nobody: no e-mail, Salesforce id or MA id found ({names}) [identity]", path=path
        )
    return Identity(**values)


def _merged(expression: Expression, item: Any, path: str) -> Mapping[str, Any]:
    """The object an ``…_from`` expression finds (empty when it finds nothing)."""
    found = expression.search(item)
    if found is None:
        return {}
    if not isinstance(found, Mapping):
        raise _error(expression, path, f"expected an object, got {type_name(found)}")
    return found


def _attributes(mapping: CompiledMapping, item: Any, path: str) -> dict[str, Any]:
    attributes = dict(_merged(mapping.attributes_from, item, path)) if mapping.attributes_from else {}
    for name, expression in mapping.attributes:
        value = expression.search(item)
        if value is not None:
            attributes[name] = value
    return attributes


def _fields(mapping: CompiledMapping, item: Any, path: str) -> dict[str, Any]:
    fields = _fields_from(mapping.fields_from, item, path) if mapping.fields_from else {}
    for name, expression in mapping.fields:
        fields[name] = _scalar(expression.search(item), expression.where(path), expression.key)
    return {name: value for name, value in fields.items() if value is not None}


def _fields_from(expression: Expression, item: Any, path: str) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, value in _merged(expression, item, path).items():
        where = jpath(expression.where(path), str(name))
        if not isinstance(name, str) or not _FIELD_NAME.match(name) or len(name) > 80:
            raise IngressError(f"is not a Salesforce field name [{expression.key}]", path=where)
        fields[name] = _scalar(value, where, expression.key)
    return fields


def _scalar(value: Any, where: str, key: str) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise IngressError(
        f"expected a text, number or boolean for a Salesforce field, got {type_name(value)} [{key}]",
        path=where,
    )
