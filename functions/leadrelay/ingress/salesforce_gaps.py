"""Change events Salesforce could not describe: gaps, overflows and wildcard ``recordIds``.

Each is reported (a *gap* or *overflow* notice, logged and counted) and, where there is something to
read again, also healed — it becomes an event the processor resolves by reading the org:

* ``GAP_CREATE``/``GAP_UPDATE``/``GAP_UNDELETE`` naming Leads or Contacts → one *re-read* event per
  record: ``lead_updated`` / ``contact_updated`` with no field values, about the record's id;
* the same naming Tasks → one ``task_changed`` event per Task, about the Task's id: the processor reads
  the Task and, when it is completed, applies it as ``task_completed`` about its ``WhoId``;
* ``GAP_OVERFLOW`` (a transaction beyond 100,000 changes: no record ids) and a change whose
  ``recordIds`` is a wildcard (the object's key prefix and ``*``, e.g. ``00Q*``: a custom field type
  conversion that lost data) on Lead or Contact → one *re-sync window* event (``records_changed``):
  the processor re-reads every record of the object whose ``LastModifiedDate`` lies within
  ``margin`` of the commit time and re-evaluates each;
* ``GAP_DELETE`` (nothing left to read), and overflow or wildcard events on Task → the notice only.

Keys are ``transactionKey:sequenceNumber`` (``:<recordId>`` when several records are named), as
for every change event, so a replayed gap is enqueued once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from msgspec import Struct

from leadrelay.domain.events import (
    CanonicalEvent,
    EventKind,
    EventSource,
    Identity,
    ResyncWindow,
)
from leadrelay.domain.events import RecordChangeType as T
from leadrelay.ingress.cdc_header import change_header, commit_time, event_key
from leadrelay.ingress.results import IngressResult, Notice, NoticeKind
from leadrelay.ingress.salesforce_envelope import Envelope
from leadrelay.ingress.values import build_event

GAP_CHANGE_TYPES = frozenset({"GAP_CREATE", "GAP_UPDATE", "GAP_DELETE", "GAP_UNDELETE"})
REREAD_GAP_TYPES = frozenset({"GAP_CREATE", "GAP_UPDATE", "GAP_UNDELETE"})
"""Gaps healed by re-reading the named records (a deleted record has nothing to re-read)."""
OVERFLOW = "GAP_OVERFLOW"
DEFAULT_RESYNC_MARGIN = timedelta(minutes=10)
"""Half the re-sync window around the commit time: an Apex transaction runs at most 10 minutes, so
every record it changed was stamped within 10 minutes before its commit (and after, for clock skew)."""
_REREAD = {"Lead": T.LEAD_UPDATED, "Contact": T.CONTACT_UPDATED, "Task": T.TASK_CHANGED}
_WINDOWED = ("Lead", "Contact")


def parse_gap(
    envelope: Envelope,
    header: Mapping[str, Any],
    path: str,
    *,
    record_ids: tuple[str, ...],
    wildcard: tuple[str, ...],
    margin: timedelta,
    received_at: datetime | None,
) -> IngressResult:
    """The notice and the healing events of a gap, overflow or wildcard change event."""
    entity, change_type = str(header["entityName"]), str(header["changeType"])
    name = envelope.name or f"{entity}ChangeEvent"
    named = wildcard or record_ids
    if wildcard:
        reason = (
            f"{change_type} on every {entity} (recordIds {', '.join(wildcard)}): a field type conversion "
            "changed records the event does not name"
        )
        notice = Notice(NoticeKind.GAP, reason, name, named)
    elif change_type == OVERFLOW:
        reason = f"GAP_OVERFLOW on {entity}: too many changes in one transaction"
        notice = Notice(NoticeKind.OVERFLOW, reason, name, named)
    else:
        reason = f"{change_type} on {entity}: the change itself is not in the event"
        notice = Notice(NoticeKind.GAP, reason, name, named)
    windowed = (wildcard or change_type == OVERFLOW) and entity in _WINDOWED
    reread = change_type in REREAD_GAP_TYPES and entity in _REREAD and bool(record_ids)
    if not (windowed or reread):
        return IngressResult.of(notices=[notice])
    occurred_at = commit_time(envelope, header, path, received_at)
    gap = _Gap(envelope, header, path, entity, change_type, occurred_at, received_at)
    if windowed:
        window = ResyncWindow(since=occurred_at - margin, until=occurred_at + margin)
        event = gap.healing_event(T.RECORDS_CHANGED, Identity(scope=entity), window=window)
        return IngressResult.of([event], [notice])
    events = [
        gap.healing_event(_REREAD[entity], Identity(salesforce_id=record_id), record_id)
        for record_id in record_ids
    ]
    if len(events) > 1:  # one gap naming several records: each record's key ends in its id
        events = [
            e.model_copy(update={"idempotency_key": f"{e.idempotency_key}:{i}"})
            for e, i in zip(events, record_ids, strict=True)
        ]
    return IngressResult.of(events, [notice])


class _Gap(Struct, frozen=True):
    """A gap, overflow or wildcard change event, and the healing events it becomes."""

    envelope: Envelope
    header: Mapping[str, Any]
    path: str
    entity: str
    change_type: str
    occurred_at: datetime
    received_at: datetime | None

    def healing_event(
        self, type_: T, identity: Identity, record_id: str | None = None, window: ResyncWindow | None = None
    ) -> CanonicalEvent:
        """An event with no field values (what changed is unknown): the processor reads the org."""
        change = change_header(self.header, self.path, self.change_type, record_id)
        return build_event(
            self.envelope.path,
            idempotency_key=event_key(change),
            kind=EventKind.RECORD_CHANGE,
            type=type_,
            source=EventSource.SALESFORCE,
            occurred_at=self.occurred_at,
            received_at=self.received_at,
            identity=identity,
            entity=self.entity,
            change=change,
            window=window,
        )
