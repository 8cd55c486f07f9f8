"""First contact: a completed Task or a logged Event about a routed lead stops its first-contact clock.

Change Data Capture through Event Relay brings ``task_completed`` (a Task whose status became a
completed one) and ``event_logged`` (an Event created: a meeting or call) about the record its ``WhoId``
names (:mod:`leadrelay.ingress.salesforce_cdc`). When that record is a Lead whose SLA clock runs (its
status ``On Track``, ``Breached`` or ``Escalated``) and that has no first-contact time yet, the lead's
write gets the first-contact time (the event's) and, when the clock was on track, the status ``Met``: a
late contact stops the clock and keeps the breach on record. The SLA monitor then leaves the
first-contact policy of that lead alone (:mod:`leadrelay.domain.sla_watch`). The time from the clock's
start (the lead's routing, in the MQL hand-off's write) to the contact is kept on the batch for the
``TimeToFirstContact`` metric, published once the write is applied.
"""

from __future__ import annotations

from dataclasses import replace

from leadrelay.domain.events import RecordChangeType
from leadrelay.domain.ownership import SlaOutput
from leadrelay.domain.sfvalues import is_blank
from leadrelay.engine.values import as_timestamp
from leadrelay.pipeline.state import BatchState

FIRST_CONTACT = frozenset({RecordChangeType.TASK_COMPLETED.value, RecordChangeType.EVENT_LOGGED.value})


def mark_first_contacts(batch: BatchState, sla: SlaOutput | None) -> int:
    """Add the first-contact fields to the writes of leads first contacted in this batch; how many."""
    if sla is None or sla.first_contact_at is None:
        return 0
    marked: set[tuple[str | None, str | None]] = set()
    for intent in list(batch.intents):
        person = (intent.record_id, intent.external_key)
        events = [batch.working[key] for key in intent.event_keys if key in batch.working]
        contacts = [event for event in events if event.type in FIRST_CONTACT]
        if intent.sobject != "Lead" or not contacts or person in marked:
            continue
        status = intent.current.get(sla.status)
        running = status in (sla.open_value, sla.breached_value, sla.escalated_value)
        if not running or not is_blank(intent.current.get(sla.first_contact_at)):
            continue
        marked.add(person)
        first = min(contacts, key=lambda event: event.occurred_at)
        started = as_timestamp(intent.current.get(sla.started_at)) if sla.started_at else None
        if started is not None:
            waited = first.occurred_at.timestamp() - started
            batch.first_contacts[first.idempotency_key] = max(waited, 0.0)
        desired: dict[str, object] = {sla.first_contact_at: first.occurred_at}
        if status == sla.open_value:
            desired[sla.status] = sla.met_value
        batch.intents.append(replace(intent, desired=desired, routed=False))
    return len(marked)
