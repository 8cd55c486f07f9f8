"""What a replay changed, and a replay that changes nothing (``--dry-run``).

:class:`RecordingGateway` wraps the processor's Salesforce gateway: reads go through, every write the
pipeline plans is remembered per event (``event_keys`` of each ``WriteOp``) so the replay can say what
each event changed. With ``dry_run`` the writes are planned and remembered but never sent — reads still
go to the org, so a dry run against a real org evaluates real records. :class:`DryRunActivities` does the
same for the activity store: histories are read from it, what the replay would record stays in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from leadrelay.adapters.activity_store import InMemoryActivityStore
from leadrelay.domain.events import CanonicalEvent
from leadrelay.domain.writes import WriteOp, WriteResult
from leadrelay.ports import ActivityStore, SalesforceGateway

DRY_RUN_ID = "(dry run)"
"""The record id a dry run reports for a record it would have created."""


class RecordingGateway:
    """A :class:`~leadrelay.ports.SalesforceGateway` that remembers each successful write per event."""

    def __init__(self, inner: SalesforceGateway, *, dry_run: bool = False) -> None:
        self.inner = inner
        self.dry_run = dry_run
        self.written: dict[str, list[WriteOp]] = {}
        """The writes carried out (or, dry, planned) for each event, by idempotency key."""

    def find(self, *args: Any, **kwargs: Any) -> Any:
        """As the inner gateway."""
        return self.inner.find(*args, **kwargs)

    def find_any(self, *args: Any, **kwargs: Any) -> Any:
        """As the inner gateway."""
        return self.inner.find_any(*args, **kwargs)

    def read(self, *args: Any, **kwargs: Any) -> Any:
        """As the inner gateway."""
        return self.inner.read(*args, **kwargs)

    def modified_between(self, *args: Any, **kwargs: Any) -> Any:
        """As the inner gateway."""
        return self.inner.modified_between(*args, **kwargs)

    def select(self, *args: Any, **kwargs: Any) -> Any:
        """As the inner gateway."""
        return self.inner.select(*args, **kwargs)

    def write(self, ops: Sequence[WriteOp]) -> list[WriteResult]:
        """Write ``ops`` (dry: pretend every one succeeded) and remember the successful ones."""
        if self.dry_run:
            results = [WriteResult(ref=o.ref, success=True, record_id=o.record_id or DRY_RUN_ID) for o in ops]
        else:
            results = self.inner.write(ops)
        for op, result in zip(ops, results, strict=True):
            if result.success:
                for key in op.event_keys:
                    self.written.setdefault(key, []).append(op)
        return results

    def take(self, key: str) -> list[WriteOp]:
        """The writes remembered for event ``key`` (forgotten afterwards)."""
        return self.written.pop(key, [])


class DryRunActivities:
    """An activity store that reads histories from ``inner`` and keeps its own writes in memory."""

    def __init__(self, inner: ActivityStore) -> None:
        self.inner = inner
        self.overlay = InMemoryActivityStore()

    def record(self, events: Sequence[CanonicalEvent]) -> list[bool | Exception]:
        """Remember ``events`` in memory only."""
        return self.overlay.record(events)

    def history(self, identity_keys: Sequence[str], *, since: datetime) -> Mapping[str, list[dict[str, Any]]]:
        """The stored history followed by what this replay recorded."""
        stored, recorded = (s.history(identity_keys, since=since) for s in (self.inner, self.overlay))
        return {key: [*stored.get(key, []), *recorded.get(key, [])] for key in {*stored, *recorded}}

    def mark_applied(self, events: Sequence[CanonicalEvent], *, at: datetime) -> None:
        """Remember in memory only."""
        self.overlay.mark_applied(events, at=at)

    def applied(self, events: Sequence[CanonicalEvent]) -> set[str]:
        """Applied before (stored) or during this replay."""
        return self.inner.applied(events) | self.overlay.applied(events)


def short_name(field: str) -> str:
    """``LR_Fit_Score__c`` → ``Fit_Score``; standard fields (``OwnerId``) as they are."""
    return field.removeprefix("LR_").removesuffix("__c")


def describe_writes(ops: Sequence[WriteOp], label: Callable[[str], str] = short_name) -> str:
    """``update Lead 00Q…: Fit_Score=40, Lifecycle_Stage=MQL`` per write, ``; ``-joined."""
    parts = []
    for op in ops:
        target = op.record_id or f"{op.external_id_field}={op.external_id}"
        values = ", ".join(f"{label(name)}={value}" for name, value in op.fields.items())
        parts.append(f"{op.kind.value} {op.sobject} {target}: {values or 'no fields'}")
    return "; ".join(parts)
