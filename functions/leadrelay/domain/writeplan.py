"""The write plan: Decisions become the smallest correct write to Salesforce.

Two pure steps:

1. :func:`decision_fields` turns one Decision into the Salesforce values it wants (through the
   ``outputs`` of the ownership map).
2. :func:`plan_writes` compares those values with what Salesforce holds and keeps only

   * fields that changed (compared the way Salesforce stores them, see :func:`same_value`);
   * fields leadrelay owns — on an update only leadrelay's fields, on the creation of a new record also
     the MA tool's (the event carries them) and the people's fields the map lists under ``on_create``
     (``OwnerId``: the owner the event names), never other people's fields;
   * records with at least one change (no-op writes are skipped);

   and coalesces several intents for one record into one :class:`~leadrelay.domain.writes.WriteOp`
   carrying all their event keys (intents arrive in event order: the last one wins per field, except
   for write-once fields, where the first value wins).

Every event key of the input ends up in exactly one place per record: in an op, or in ``skipped``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from msgspec import Struct, field

from leadrelay.domain.ownership import FieldOwner, ObjectOwnership, OwnershipMap
from leadrelay.domain.sfvalues import is_blank, salesforce_value, same_value
from leadrelay.domain.writes import WriteKind, WriteOp
from leadrelay.engine.decision import Decision, RuleHit

__all__ = [
    "IgnoredField",
    "SkipReason",
    "SkippedWrite",
    "WriteIntent",
    "WritePlan",
    "decision_fields",
    "plan_writes",
    "score_reasons_text",
]


def decision_fields(decision: Decision, *, now: datetime, ownership: OwnershipMap) -> dict[str, Any]:
    """The Salesforce values a Decision wants, by field (only the outputs the map names).

    ``now`` is the time the decision takes effect: it becomes the MQL time when a transition enters
    the MQL stage. The stage reason is written when the stage changed: the last transition's reason
    code, or ``None`` (clearing a stale reason) when it has none. Score reasons need the trace; without
    one they are left alone.
    """
    outputs = ownership.outputs
    fields: dict[str, Any] = {
        target: decision.scores[name] for name, target in outputs.scores.items() if name in decision.scores
    }
    if outputs.stage is not None:
        fields[outputs.stage] = decision.stage
    if outputs.stage_reason is not None and decision.transitions:
        fields[outputs.stage_reason] = decision.transitions[-1].reason_code
    if outputs.mql_at is not None and any(t.to_stage == outputs.mql_at.stage for t in decision.transitions):
        fields[outputs.mql_at.field] = now
    if outputs.ruleset_version is not None:
        fields[outputs.ruleset_version] = decision.ruleset_version
    reasons = outputs.score_reasons
    if reasons is not None and decision.trace is not None:
        text = score_reasons_text(decision.trace, top=reasons.top, max_length=reasons.max_length)
        fields[reasons.field] = text or None
    return fields


def score_reasons_text(trace: Sequence[RuleHit], *, top: int = 5, max_length: int = 32768) -> str:
    """The ``top`` rule hits with the most weight, one per line: ``fit +20 代表取締役/CEO (fit.title)``."""
    hits = sorted((h for h in trace if h.points), key=lambda h: (-abs(h.points), h.rule_id))[:top]
    lines = [f"{h.score} {round(h.points, 1):+g} {h.detail or h.rule_id} ({h.rule_id})" for h in hits]
    text = "\n".join(lines)
    return text if len(text) <= max_length else text[: max_length - 1] + "…"


class WriteIntent(Struct, frozen=True):
    """What one event wants written to one record.

    An existing record is addressed by ``record_id``; a record that may not exist yet by
    ``external_key`` (upserted through the object's ``external_id_field``). ``current`` holds the
    record's values as read from Salesforce (empty for a new record); ``desired`` the values wanted.
    An existing record may carry ``external_key`` too: the key it is given (its activity-history key)
    when leadrelay writes it and it has none yet, so its history follows it if its e-mail changes.
    """

    sobject: str
    event_keys: tuple[str, ...]
    desired: Mapping[str, Any]
    current: Mapping[str, Any] = field(default_factory=dict)
    record_id: str | None = None
    external_key: str | None = None
    routed: bool = False
    """The intent of routing the lead (its ``routed`` fields, the owner, may be written)."""

    def __post_init__(self) -> None:
        if not (self.record_id or self.external_key):
            raise ValueError(f"a {self.sobject} write intent needs record_id or external_key")


class SkipReason(StrEnum):
    """Why a record gets no write."""

    NO_CHANGE = "no_change"
    """Salesforce already holds every wanted value."""
    NOT_OWNED = "not_owned"
    """Every wanted field belongs to someone else (or the object is not in the ownership map)."""


class SkippedWrite(Struct, frozen=True):
    """A record that needs no write, and the events that are therefore done."""

    ref: str
    sobject: str
    event_keys: tuple[str, ...]
    reason: SkipReason


class IgnoredField(Struct, frozen=True):
    """A wanted field dropped because leadrelay does not own it (logged, never written)."""

    ref: str
    sobject: str
    field: str
    owner: FieldOwner | None


class WritePlan(Struct, frozen=True):
    """The writes to make, the records that need none, and the fields left alone."""

    ops: tuple[WriteOp, ...] = ()
    skipped: tuple[SkippedWrite, ...] = ()
    ignored: tuple[IgnoredField, ...] = ()


class _Record(Struct):
    sobject: str
    record_id: str | None
    external_key: str | None
    current: dict[str, Any]
    desired: dict[str, tuple[str, Any]] = field(default_factory=dict)
    """casefolded field → (spelling, value)."""
    event_keys: list[str] = field(default_factory=list)
    routed: bool = False


def plan_writes(intents: Sequence[WriteIntent], ownership: OwnershipMap) -> WritePlan:
    """The smallest correct set of writes for ``intents`` (in event order); see the module docstring."""
    records = _coalesce(intents, ownership)
    refs = _refs(records)
    ops: list[WriteOp] = []
    skipped: list[SkippedWrite] = []
    ignored: list[IgnoredField] = []
    for record, ref in zip(records, refs, strict=True):
        obj = ownership.for_object(record.sobject)
        changes, dropped = _changes(record, obj)
        ignored.extend(IgnoredField(ref, record.sobject, name, owner) for name, owner in dropped)
        keys = tuple(record.event_keys)
        if changes:
            ops.append(_op(record, obj, ref, changes, keys))
        else:
            reason = SkipReason.NOT_OWNED if dropped and len(dropped) == len(record.desired) else None
            skipped.append(SkippedWrite(ref, record.sobject, keys, reason or SkipReason.NO_CHANGE))
    return WritePlan(tuple(ops), tuple(skipped), tuple(ignored))


def _coalesce(intents: Sequence[WriteIntent], ownership: OwnershipMap) -> list[_Record]:
    records: dict[tuple[str, str, str], _Record] = {}
    for intent in intents:
        ident = ("id", intent.record_id[:15]) if intent.record_id else ("key", intent.external_key or "")
        key = (intent.sobject.casefold(), *ident)
        record = records.get(key)
        if record is None:  # the first intent's `current` is Salesforce's state before the batch
            current = {name.casefold(): value for name, value in intent.current.items()}
            record = _Record(intent.sobject, intent.record_id, intent.external_key, current)
            records[key] = record
        record.event_keys.extend(k for k in intent.event_keys if k not in record.event_keys)
        record.routed = record.routed or intent.routed
        record.external_key = record.external_key or intent.external_key
        obj = ownership.for_object(intent.sobject)
        for name, value in intent.desired.items():
            folded = name.casefold()
            earlier = record.desired.get(folded)
            if (
                earlier is not None
                and obj is not None
                and obj.is_write_once(name)
                and not is_blank(earlier[1])
            ):
                continue
            record.desired[folded] = (obj.spelling(name) if obj else name, value)
    return list(records.values())


def _refs(records: Sequence[_Record]) -> list[str]:
    """Record id, or external key — qualified by object when two objects share an external key."""
    keys = [r.record_id or r.external_key or "" for r in records]  # an existing record by its id
    shared = {k for k in keys if keys.count(k) > 1}
    return [f"{r.sobject}:{k}" if k in shared else k for r, k in zip(records, keys, strict=True)]


def _changes(
    record: _Record, obj: ObjectOwnership | None
) -> tuple[dict[str, Any], list[tuple[str, FieldOwner | None]]]:
    creating = record.record_id is None
    changes: dict[str, Any] = {}
    dropped: list[tuple[str, FieldOwner | None]] = []
    for folded, (name, value) in record.desired.items():
        if obj is None or not obj.may_write(name, creating=creating, routing=record.routed):
            dropped.append((name, obj.owner_of(name) if obj else None))
            continue
        current = record.current.get(folded)
        if same_value(current, value) or (creating and is_blank(value)):
            continue
        if obj is not None and obj.is_write_once(name) and not is_blank(current):
            continue
        changes[name] = salesforce_value(value)
    return changes, dropped


def _op(
    record: _Record, obj: ObjectOwnership | None, ref: str, changes: dict[str, Any], keys: tuple[str, ...]
) -> WriteOp:
    common: dict[str, Any] = {"ref": ref, "sobject": record.sobject, "event_keys": keys}
    id_field = obj.external_id_field if obj else None
    if record.record_id:
        if id_field and record.external_key and is_blank(record.current.get(id_field.casefold())):
            changes[id_field] = record.external_key  # first touched: the key its history is kept under
        return WriteOp(kind=WriteKind.UPDATE, fields=changes, record_id=record.record_id, **common)
    if id_field is None:
        return WriteOp(kind=WriteKind.CREATE, fields=changes, **common)
    changes[id_field] = record.external_key  # Salesforce matches upserted records by the body's key
    return WriteOp(
        kind=WriteKind.UPSERT,
        fields=changes,
        external_id_field=id_field,
        external_id=record.external_key,
        **common,
    )
