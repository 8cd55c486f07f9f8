"""Rules → write intents for one person: every event of the batch evaluated in the order it happened.

Each event is evaluated with the person's record as it will be after the earlier events of the batch
(their decision fields applied), the person's whole activity history (this batch's activities
included) and the event itself; the write planner then coalesces the intents into one write.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from msgspec import Struct, field

from leadrelay.domain.events import CanonicalEvent
from leadrelay.domain.identity import NewLead, Person, new_lead_fields
from leadrelay.domain.ownership import OwnershipMap
from leadrelay.domain.writeplan import WriteIntent, decision_fields
from leadrelay.engine.decision import Decision
from leadrelay.ports import Rules


class PersonEvaluation(Struct):
    """The intents for one person and the decision behind each event."""

    intents: list[WriteIntent] = field(default_factory=list)
    decisions: dict[str, Decision] = field(default_factory=dict)


def evaluate_person(
    target: Person | NewLead,
    events: Sequence[CanonicalEvent],
    *,
    activities: Sequence[Mapping[str, Any]],
    rules: Rules,
    ownership: OwnershipMap,
    now: datetime,
    stamped: Mapping[str, Any] | None = None,
) -> PersonEvaluation:
    """Evaluate ``events`` (oldest first) for ``target`` and turn each decision into a write intent.

    A new Lead's intents carry the fields it is created with (name, e-mail, company… from the
    events; only those the ownership map lets leadrelay set on creation, so the rules see the record
    as it will be); the planner writes them only on creation. ``stamped`` (the match step's match keys,
    potential duplicate and matched account) joins every intent, and the record the rules see.
    """
    ordered = sorted(events, key=lambda e: (e.occurred_at, e.idempotency_key))
    if isinstance(target, NewLead):
        created = creatable(new_lead_fields(target.identity, ordered), target.sobject, ownership)
        record: dict[str, Any] = dict(created)
        current: Mapping[str, Any] = {}
    else:
        created = {}
        record = dict(target.record)
        current = target.record
    stamped = dict(stamped or {})
    record.update(stamped)
    result = PersonEvaluation()
    for event in ordered:
        context = {"lead": record, "activities": list(activities), "event": event.model_dump(mode="json")}
        decision = rules.evaluate(context, now=now, trace=True)
        wanted = decision_fields(decision, now=now, ownership=ownership)
        result.decisions[event.idempotency_key] = decision
        result.intents.append(
            WriteIntent(
                sobject=target.sobject,
                event_keys=(event.idempotency_key,),
                desired={**created, **wanted, **stamped},  # the decision first (reports list it first)
                current=current,
                record_id=target.record_id if isinstance(target, Person) else None,
                external_key=target.key,  # a new Lead's upsert key; an existing record's if it has none
            )
        )
        record.update(wanted)
    return result


def creatable(fields: Mapping[str, Any], sobject: str, ownership: OwnershipMap) -> dict[str, Any]:
    """The fields leadrelay may set when it creates a ``sobject`` (``ObjectOwnership.may_write``)."""
    obj = ownership.for_object(sobject)
    if obj is None:
        return {}
    return {name: value for name, value in fields.items() if obj.may_write(name, creating=True)}
