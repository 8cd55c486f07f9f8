"""First contact: a completed Task or a logged Event about a routed lead stops its first-contact clock.

Change Data Capture through Event Relay brings ``task_completed`` (a Task whose status became a
completed one) and ``event_logged`` (an Event created: a meeting or call) about the record its ``WhoId``
names (:mod:`leadrelay.ingress.salesforce_cdc`); or a change of the Lead itself that sets one of
``sla.json``'s ``first_contact_fields`` (a date field the org already fills, such as 初回架電日: the
field's time when it is a date-time, else the change's). When that record is a Lead whose SLA clock runs (its
status ``On Track``, ``Breached`` or ``Escalated``) and that has no first-contact time yet, the lead's
write gets the first-contact time (the event's) and, when the clock was on track, the status ``Met``: a
late contact stops the clock and keeps the breach on record. The SLA monitor then leaves the
first-contact policy of that lead alone (:mod:`leadrelay.domain.sla_watch`). The time from the clock's
start (the lead's routing, in the MQL hand-off's write) to the contact is kept on the batch for the
``TimeToFirstContact`` metric, published once the write is applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from msgspec.structs import replace

from leadrelay.domain.decision_outputs import SlaOutput
from leadrelay.domain.events import CanonicalEvent, EventKind, RecordChangeType
from leadrelay.domain.sfvalues import is_blank
from leadrelay.engine.values import as_timestamp
from leadrelay.pipeline.state import BatchState

FIRST_CONTACT = frozenset({RecordChangeType.TASK_COMPLETED.value, RecordChangeType.EVENT_LOGGED.value})


def mark_first_contacts(batch: BatchState, sla: SlaOutput | None, contact_fields: Sequence[str] = ()) -> int:
    """Add the first-contact fields to the writes of leads first contacted in this batch (a Task, an
    Event, or a change setting one of ``contact_fields``); how many."""
    if sla is None or sla.first_contact_at is None:
        return 0
    marked: set[tuple[str | None, str | None]] = set()
    for intent in list(batch.intents):
        person = (intent.record_id, intent.external_key)
        events = [batch.working[key] for key in intent.event_keys if key in batch.working]
        contacts = [
            (when, event) for event in events if (when := contact_time(event, contact_fields)) is not None
        ]
        if intent.sobject != "Lead" or not contacts or person in marked:
            continue
        status = intent.current.get(sla.status)
        running = status in (sla.open_value, sla.breached_value, sla.escalated_value)
        if not running or not is_blank(intent.current.get(sla.first_contact_at)):
            continue
        marked.add(person)
        first, event = min(contacts, key=lambda contact: contact[0])
        started = as_timestamp(intent.current.get(sla.started_at)) if sla.started_at else None
        if started is not None:
            batch.first_contacts[event.idempotency_key] = max(first.timestamp() - started, 0.0)
        desired: dict[str, object] = {sla.first_contact_at: first}
        if status == sla.open_value:
            desired[sla.status] = sla.met_value
        batch.intents.append(replace(intent, desired=desired, routed=False))
    return len(marked)


def contact_time(event: CanonicalEvent, contact_fields: Sequence[str] = ()) -> datetime | None:
    """When ``event`` says the lead was first contacted: a completed Task's or logged Event's time; for
    a record change that sets a first-contact field, the field's date-time (a date: the change's time);
    else None."""
    if event.type in FIRST_CONTACT:
        return event.occurred_at
    if event.kind is not EventKind.RECORD_CHANGE:
        return None
    for name in contact_fields:
        value = event.fields.get(name)
        if is_blank(value):
            continue
        try:
            when = datetime.fromisoformat(str(value))
        except ValueError:
            return event.occurred_at
        return when if when.tzinfo is not None and "T" in str(value) else event.occurred_at
    return None
