"""Salesforce events → canonical events: Event Relay deliveries, Change Data Capture and ``Lead_Activity__e``.

:func:`parse_salesforce_event` accepts the documented envelope variations:

* Event Relay on EventBridge: ``detail-type`` is the event's API name and the record is under
  ``detail.payload`` (an object, or the same as a JSON string);
* the older AppFlow shape, where the record is ``detail`` itself;
* a raw streaming message (Pub/Sub API / CometD: ``data.payload`` with ``channel``), as replayed
  from a capture.

Change events (``LeadChangeEvent``, ``ContactChangeEvent``, ``TaskChangeEvent``) become record
changes; the MA-activity platform event becomes an activity. Gap and overflow events (and wildcard
``recordIds``) are *notices* plus the events that heal them (:mod:`leadrelay.ingress.salesforce_gaps`);
entities and platform events leadrelay does not process, and Task changes that complete nothing, are
notices only (logged and counted, never errors). Anything that cannot be read raises
:class:`~leadrelay.ingress.results.IngressError` naming the JSON path.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from msgspec import Struct

from leadrelay.domain.events import (
    COMPLETED_TASK_STATUSES,
    ActivityType,
    CanonicalEvent,
    EventKind,
    EventSource,
    Identity,
)
from leadrelay.ingress.json_body import settled
from leadrelay.ingress.results import IngressError, IngressResult, Notice, NoticeKind
from leadrelay.ingress.salesforce_cdc import parse_change_event
from leadrelay.ingress.salesforce_envelope import Envelope, unwrap
from leadrelay.ingress.salesforce_gaps import DEFAULT_RESYNC_MARGIN
from leadrelay.ingress.values import (
    build_event,
    jpath,
    normalised_label,
    optional_salesforce_id,
    optional_text,
    parse_instant,
    required_text,
)

ACTIVITY_EVENTS = frozenset({"Lead_Activity__e"})
"""Platform events that carry MA activity (fields ``Email__c``, ``Activity_Type__c`` …)."""


class SalesforceOptions(Struct, frozen=True):
    """What the parser treats as MA activity and as a completed task, and how wide a re-sync window is."""

    activity_events: frozenset[str] = ACTIVITY_EVENTS
    completed_task_statuses: frozenset[str] = COMPLETED_TASK_STATUSES
    resync_margin: timedelta = DEFAULT_RESYNC_MARGIN
    """An overflow or wildcard event re-reads the records modified within this of its commit time."""


def parse_salesforce_event(
    raw: Any, *, options: SalesforceOptions | None = None, received_at: datetime | None = None
) -> IngressResult:
    """Canonical events and notices for one Salesforce delivery; raises ``IngressError`` if unreadable."""
    options = options or SalesforceOptions()
    envelope = unwrap(settled(raw))
    if "ChangeEventHeader" in envelope.payload:
        return parse_change_event(
            envelope, options.completed_task_statuses, received_at, options.resync_margin
        )
    if envelope.name.endswith("ChangeEvent"):
        raise IngressError("a change event needs a ChangeEventHeader", path=envelope.path)
    if envelope.name in options.activity_events:
        return IngressResult.of([_activity(envelope, received_at)])
    if envelope.name.endswith("__e"):
        reason = f"platform event {envelope.name} is not one leadrelay processes"
        return IngressResult.of(notices=[Notice(NoticeKind.NOT_PROCESSED, reason, envelope.name)])
    shown = json.dumps(envelope.name, ensure_ascii=False)[:120]
    raise IngressError(
        f"event {shown} is neither a platform event (…__e) nor a change event (…ChangeEvent)",
        path=jpath("$", "detail-type") if envelope.path.startswith("$.detail") else "$.channel",
    )


def _activity(envelope: Envelope, received_at: datetime | None) -> CanonicalEvent:
    """``Lead_Activity__e`` → an activity event."""
    payload, base = envelope.payload, envelope.path

    def text(name: str) -> str | None:
        return optional_text(payload.get(name), jpath(base, name))

    key = text("Event_Key__c") or text("EventUuid") or envelope.delivery_id
    if key is None:
        raise IngressError("is required (the idempotency key)", path=jpath(base, "EventUuid"))
    salesforce_id = optional_salesforce_id(payload.get("Lead_Id__c"), jpath(base, "Lead_Id__c"))
    email, ma_id = text("Email__c"), text("MA_Id__c")
    if not (email or salesforce_id or ma_id):
        raise IngressError("needs at least one of Email__c, Lead_Id__c, MA_Id__c", path=base)
    label = required_text(payload.get("Activity_Type__c"), jpath(base, "Activity_Type__c"))
    activity_type = activity_type_of(label)
    source_system = text("Source__c")
    attributes = {
        "url": text("Url__c"),
        "asset": text("Asset__c"),
        "campaign": text("Campaign__c"),
        "source_system": source_system,
        "activity_label": label if activity_type is ActivityType.OTHER else None,
        "salesforce_event": envelope.name,
    }
    return build_event(
        base,
        idempotency_key=key,
        kind=EventKind.ACTIVITY,
        type=activity_type,
        source=_source_of(source_system),
        occurred_at=_activity_time(envelope, received_at),
        received_at=received_at,
        identity=Identity(email=email, salesforce_id=salesforce_id, ma_id=ma_id),
        attributes={name: value for name, value in attributes.items() if value is not None},
    )


def _activity_time(envelope: Envelope, received_at: datetime | None) -> datetime:
    for name in ("Occurred_At__c", "CreatedDate"):
        if envelope.payload.get(name) not in (None, ""):
            return parse_instant(envelope.payload[name], jpath(envelope.path, name))
    moment = envelope.time or received_at
    if moment is None:
        raise IngressError("is required (no CreatedDate or envelope time either)", path=envelope.path)
    return moment


def activity_type_of(label: str) -> ActivityType:
    """The :class:`ActivityType` a label names; ``other`` for labels that name none."""
    value = normalised_label(label)
    return ActivityType(value) if value in ActivityType._value2member_map_ else ActivityType.OTHER


def _source_of(source_system: str | None) -> EventSource:
    """``Source__c`` names the MA tool behind the event (``account_engagement``); Salesforce otherwise."""
    value = normalised_label(source_system or "")
    return EventSource(value) if value in EventSource._value2member_map_ else EventSource.SALESFORCE


__all__ = [
    "ACTIVITY_EVENTS",
    "COMPLETED_TASK_STATUSES",
    "Envelope",
    "SalesforceOptions",
    "activity_type_of",
    "parse_salesforce_event",
    "unwrap",
]
