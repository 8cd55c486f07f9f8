"""Reading a ``ChangeEventHeader``: record ids (and their wildcard form), names, numbers, commit time.

Shared by the record changes (:mod:`leadrelay.ingress.salesforce_cdc`) and the gap, overflow and
wildcard events (:mod:`leadrelay.ingress.salesforce_gaps`). Every problem raises
:class:`~leadrelay.ingress.results.IngressError` naming the JSON path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from leadrelay.domain.events import ChangeHeader
from leadrelay.ingress.results import IngressError
from leadrelay.ingress.salesforce_envelope import Envelope
from leadrelay.ingress.values import (
    jpath,
    optional_salesforce_id,
    optional_text,
    parse_instant,
    required_text,
    type_name,
)

_WILDCARD = re.compile(r"^[0-9A-Za-z]{3}\*$")


def change_header(
    header: Mapping[str, Any], path: str, change_type: str, record_id: str | None
) -> ChangeHeader:
    """The header facts downstream code needs, for ``record_id`` (``None``: a re-sync window)."""
    return ChangeHeader(
        record_id=record_id,
        change_type=change_type,
        change_origin=optional_text(header.get("changeOrigin"), jpath(path, "changeOrigin")) or "",
        commit_user=optional_salesforce_id(header.get("commitUser"), jpath(path, "commitUser")),
        transaction_key=required_text(header.get("transactionKey"), jpath(path, "transactionKey")),
        sequence_number=integer(header.get("sequenceNumber"), jpath(path, "sequenceNumber")),
    )


def event_key(change: ChangeHeader) -> str:
    """``transactionKey:sequenceNumber``: the idempotency key of a change (before any suffix)."""
    return f"{change.transaction_key}:{change.sequence_number}"


def commit_time(
    envelope: Envelope, header: Mapping[str, Any], path: str, received_at: datetime | None
) -> datetime:
    """``commitTimestamp``, else the record's ``LastModifiedDate``/``CreatedDate``, else the delivery time."""
    if header.get("commitTimestamp") is not None:
        return parse_instant(header["commitTimestamp"], jpath(path, "commitTimestamp"), fmt="epoch_millis")
    for name in ("LastModifiedDate", "CreatedDate"):
        if envelope.payload.get(name):
            return parse_instant(envelope.payload[name], jpath(envelope.path, name))
    moment = envelope.time or received_at
    if moment is None:
        raise IngressError(
            "is required (no other time in the event either)", path=jpath(path, "commitTimestamp")
        )
    return moment


def wildcard_record_ids(value: Any) -> tuple[str, ...]:
    """The wildcard ``recordIds`` (``("00Q*",)``) of a field type conversion event, else ``()``."""
    if not isinstance(value, list) or not value:
        return ()
    if all(isinstance(item, str) and _WILDCARD.match(item) for item in value):
        return tuple(value)
    return ()


def record_ids(value: Any, path: str) -> tuple[str, ...]:
    """The record ids of ``recordIds`` (15 or 18 characters each)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise IngressError(f"expected an array of record ids, got {type_name(value)}", path=path)
    ids = (optional_salesforce_id(item, jpath(path, index)) for index, item in enumerate(value))
    return tuple(record_id for record_id in ids if record_id)


def names(value: Any, path: str) -> tuple[str, ...]:
    """A list of field names (``changedFields``, ``nulledFields``, ``diffFields``)."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise IngressError("expected an array of field names", path=path)
    return tuple(value)


def integer(value: Any, path: str) -> int:
    """An integer, also given as a string (``sequenceNumber``)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise IngressError(f"expected an integer, got {type_name(value)}", path=path)
    try:
        return int(value)
    except ValueError as exc:
        raise IngressError("expected an integer", path=path) from exc
