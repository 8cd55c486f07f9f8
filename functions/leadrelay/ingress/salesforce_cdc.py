"""Change Data Capture for Lead, Contact, Task and Event → record-change events.

* Lead/Contact ``CREATE`` → ``lead_created`` / ``contact_created``.
* Lead/Contact ``UPDATE`` → ``owner_changed`` when ``OwnerId`` changed, ``status_changed`` when a
  Lead's ``Status`` changed (both, as two events, when both did), else ``lead_updated`` /
  ``contact_updated``.
* Task ``CREATE``/``UPDATE`` that completes the task (``Status`` a completed status or ``IsClosed``
  true, and on an update ``Status``/``IsClosed`` among the changed fields) → ``task_completed``
  about the task's ``WhoId`` — the first-contact signal. Enrich Task change events with ``WhoId``
  (the channel member's enriched fields): an update event otherwise carries only changed fields.
* Event ``CREATE`` (a meeting or call logged) → ``event_logged`` about its ``WhoId``: first contact too.
* Account ``CREATE``, and an ``UPDATE`` of its ``Name``, ``Website``, ``Phone`` or 法人番号
  (``LR_Corporate_Number__c``) → ``account_changed``
  (the processor stamps the Account's match keys); other Account updates and Account gaps → notices
  (gaps are healed by the backfill).
* Gap events, ``GAP_OVERFLOW`` and changes whose ``recordIds`` is a wildcard (``00Q*``) → a notice,
  and the events that heal them (:mod:`leadrelay.ingress.salesforce_gaps`).
* Deletes, undeletes and other entities → notices.

The idempotency key is ``transactionKey:sequenceNumber``, with ``:<recordId>`` when the change names
several records and ``:<type>`` when one record change yields two events.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from leadrelay.domain.events import CanonicalEvent, ChangeHeader, EventKind, EventSource, Identity
from leadrelay.domain.events import RecordChangeType as T
from leadrelay.ingress.cdc_header import commit_time, integer, names, record_ids, wildcard_record_ids
from leadrelay.ingress.loops import ENTERED_KEY_FIELDS
from leadrelay.ingress.results import IngressError, IngressResult, Notice, NoticeKind
from leadrelay.ingress.salesforce_envelope import Envelope
from leadrelay.ingress.salesforce_gaps import DEFAULT_RESYNC_MARGIN, GAP_CHANGE_TYPES, OVERFLOW, parse_gap
from leadrelay.ingress.values import (
    build_event,
    jpath,
    optional_salesforce_id,
    optional_text,
    require_object,
    required_text,
)

PROCESSED_ENTITIES = ("Lead", "Contact", "Task", "Event", "Account")
ACTIVITIES = ("Task", "Event")
ACCOUNT_MATCH_FIELDS = frozenset(
    {"name", "website", "phone", *(name.casefold() for name in ENTERED_KEY_FIELDS)}
)
"""Account fields its match keys are made of (case-folded): an update of another field changes none."""
CHANGE_TYPES = frozenset({"CREATE", "UPDATE", "DELETE", "UNDELETE", OVERFLOW, *GAP_CHANGE_TYPES})
_NAME_PARTS = ("Salutation", "FirstName", "MiddleName", "LastName", "Suffix", "InformalName")
_CREATED = {"Lead": T.LEAD_CREATED, "Contact": T.CONTACT_CREATED}
_UPDATED = {"Lead": T.LEAD_UPDATED, "Contact": T.CONTACT_UPDATED}


def parse_change_event(
    envelope: Envelope,
    completed_statuses: frozenset[str],
    received_at: datetime | None,
    resync_margin: timedelta = DEFAULT_RESYNC_MARGIN,
) -> IngressResult:
    """Record-change events (or notices) for one change event."""
    path = jpath(envelope.path, "ChangeEventHeader")
    header = require_object(envelope.payload["ChangeEventHeader"], path)
    entity = required_text(header.get("entityName"), jpath(path, "entityName"))
    change_type = required_text(header.get("changeType"), jpath(path, "changeType"))
    if change_type not in CHANGE_TYPES:
        raise IngressError(
            f"is not a change type (one of {', '.join(sorted(CHANGE_TYPES))})", path=jpath(path, "changeType")
        )
    wildcard = wildcard_record_ids(header.get("recordIds"))
    ids = () if wildcard else record_ids(header.get("recordIds"), jpath(path, "recordIds"))
    name = envelope.name or f"{entity}ChangeEvent"

    def notice(kind: NoticeKind, reason: str) -> IngressResult:
        return IngressResult.of(notices=[Notice(kind, reason, name, wildcard or ids)])

    if entity not in PROCESSED_ENTITIES:
        return notice(
            NoticeKind.NOT_PROCESSED,
            f"{entity} changes are not processed (only Lead, Contact, Task, Event, Account)",
        )
    if entity == "Account" and (wildcard or change_type in GAP_CHANGE_TYPES or change_type == OVERFLOW):
        return notice(NoticeKind.NOT_PROCESSED, f"{change_type} on Account is healed by the backfill")
    if wildcard or change_type in GAP_CHANGE_TYPES or change_type == OVERFLOW:
        return parse_gap(
            envelope,
            header,
            path,
            record_ids=ids,
            wildcard=wildcard,
            margin=resync_margin,
            received_at=received_at,
        )
    if change_type in {"DELETE", "UNDELETE"}:
        return notice(NoticeKind.NOT_PROCESSED, f"{change_type} on {entity} is not processed")
    if not ids:
        raise IngressError("must name at least one record", path=jpath(path, "recordIds"))
    return _record_changes(envelope, header, path, entity, change_type, ids, completed_statuses, received_at)


def _record_changes(
    envelope: Envelope,
    header: Mapping[str, Any],
    path: str,
    entity: str,
    change_type: str,
    ids: tuple[str, ...],
    completed_statuses: frozenset[str],
    received_at: datetime | None,
) -> IngressResult:
    transaction_key = required_text(header.get("transactionKey"), jpath(path, "transactionKey"))
    sequence = integer(header.get("sequenceNumber"), jpath(path, "sequenceNumber"))
    changed = names(header.get("changedFields"), jpath(path, "changedFields"))
    fields = record_fields(envelope.payload, header, path)
    occurred_at = commit_time(envelope, header, path, received_at)
    types = _types(entity, change_type, changed, fields, completed_statuses)
    if isinstance(types, str):
        return IngressResult.of(notices=[Notice(NoticeKind.NOT_PROCESSED, types, envelope.name, ids)])
    who = optional_salesforce_id(fields.get("WhoId"), jpath(envelope.path, "WhoId"))
    if entity in ACTIVITIES and who is None:
        reason = (
            f"{entity} change carries no WhoId (enrich {entity}ChangeEvent with WhoId, "
            f"or the {entity.lower()} is about no person)"
        )
        return IngressResult.of(notices=[Notice(NoticeKind.NOT_PROCESSED, reason, envelope.name, ids)])
    email = optional_text(fields.get("Email"), jpath(envelope.path, "Email"))
    events: list[CanonicalEvent] = []
    for record_id in ids:
        for event_type in types:
            key = f"{transaction_key}:{sequence}"
            key += f":{record_id}" if len(ids) > 1 else ""
            key += f":{event_type.value}" if len(types) > 1 else ""
            change = ChangeHeader(
                record_id=record_id,
                change_type=change_type,
                change_origin=optional_text(header.get("changeOrigin"), jpath(path, "changeOrigin")) or "",
                commit_user=optional_salesforce_id(header.get("commitUser"), jpath(path, "commitUser")),
                transaction_key=transaction_key,
                sequence_number=sequence,
            )
            events.append(
                build_event(
                    envelope.path,
                    idempotency_key=key,
                    kind=EventKind.RECORD_CHANGE,
                    type=event_type,
                    source=EventSource.SALESFORCE,
                    occurred_at=occurred_at,
                    received_at=received_at,
                    identity=Identity(salesforce_id=who)
                    if who
                    else Identity(email=email, salesforce_id=record_id),
                    fields=fields,
                    entity=entity,
                    changed_fields=changed,
                    change=change,
                )
            )
    return IngressResult.of(events)


def _types(
    entity: str,
    change_type: str,
    changed: tuple[str, ...],
    fields: Mapping[str, Any],
    completed_statuses: frozenset[str],
) -> list[T] | str:
    """The event types of a change, or why it yields none."""
    folded = {name.casefold() for name in changed}
    if entity == "Event":
        return [T.EVENT_LOGGED] if change_type == "CREATE" else "Event update is not a new contact"
    if entity == "Account":
        if change_type == "UPDATE" and not folded & ACCOUNT_MATCH_FIELDS:
            return "Account update does not change its Name, Website, Phone or 法人番号"
        return [T.ACCOUNT_CHANGED]
    if entity == "Task":
        if change_type == "UPDATE" and not folded & {"status", "isclosed"}:
            return "Task update does not change Status"
        status = fields.get("Status")
        if fields.get("IsClosed") is True or (isinstance(status, str) and status in completed_statuses):
            return [T.TASK_COMPLETED]
        return "Task change does not complete the task"
    if change_type == "CREATE":
        return [_CREATED[entity]]
    types = [T.OWNER_CHANGED] if "ownerid" in folded else []
    if entity == "Lead" and "status" in folded:
        types.append(T.STATUS_CHANGED)
    return types or [_UPDATED[entity]]


def record_fields(payload: Mapping[str, Any], header: Mapping[str, Any], path: str) -> dict[str, Any]:
    """The record's field values: compound ``Name`` flattened, nulled fields as ``None``, diffs left out.

    A field absent from the event, or ``null`` without being in ``nulledFields``, is not included, so
    the processor never mistakes "not sent" for "cleared".
    """
    nulled = {n.rsplit(".", 1)[-1] for n in names(header.get("nulledFields"), jpath(path, "nulledFields"))}
    diffs = {n.rsplit(".", 1)[-1] for n in names(header.get("diffFields"), jpath(path, "diffFields"))}
    fields: dict[str, Any] = {}
    for name, value in payload.items():
        if name == "ChangeEventHeader" or name in diffs:
            continue
        if name == "Name" and isinstance(value, Mapping):
            fields.update({part: value[part] for part in _NAME_PARTS if value.get(part) is not None})
        elif value is not None:
            fields[name] = value
    fields.update(dict.fromkeys(nulled - diffs))
    return fields
