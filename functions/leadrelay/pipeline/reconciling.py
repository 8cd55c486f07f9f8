"""After the write: a person whose history grew meanwhile is evaluated and written again.

Two invocations may process events of one person at once. Each records its activities, then reads the
person's history — so whichever reads last sees both; but the invocation that read *first* may write
*last*, and its scores would miss the other's activity. Salesforce's collections cannot make a write
conditional on a version, so the check is made after the write instead:

1. each written person's history is read again (one strongly consistent ``Query`` per person);
2. if it holds activities this invocation did not evaluate, the person is read again from Salesforce
   (one query per object for all of them), evaluated on the whole history, routed if that moves it
   into the routed stage, planned (only the fields that differ from what the org now holds) and
   written again — then the history is checked once more, up to ``rounds`` times.

Why that is enough: every invocation records its activities before it writes, so when the invocation
whose write comes last reads the history after that write, it sees every activity of every write
before it; it stops only when that history is the one it wrote from. A person still changing after
``rounds`` rewrites fails its events as transient (``ACTIVITY_STORE_ERROR``): they come back through
the queue and are evaluated on the history as it then is. A re-read that fails does the same.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from msgspec import Struct
from msgspec.structs import replace

from leadrelay.domain.errors import ErrorDetail, ErrorSource
from leadrelay.domain.failures import ACTIVITY_STORE_ERROR, SalesforceCallError
from leadrelay.domain.identity import NewLead, Person, PersonObject
from leadrelay.pipeline.context import Step, StepContext
from leadrelay.pipeline.fields import PersonFields
from leadrelay.pipeline.recording import Target, history_keys, joined_history
from leadrelay.pipeline.state import BatchState, target_ref
from leadrelay.ports import ActivityStore, SalesforceGateway

logger = logging.getLogger(__name__)

DEFAULT_ROUNDS = 3


class ReconcileHistories(Struct):
    """Write again the people whose history another invocation extended while this one worked."""

    activities: ActivityStore
    gateway: SalesforceGateway
    fields: PersonFields
    history_days: int
    again: Sequence[Step]
    """The steps that evaluate, route, plan and write a person again (run on a batch of the stale ones)."""
    rounds: int = DEFAULT_ROUNDS
    name: str = "reconcile"

    def run(self, batch: BatchState, ctx: StepContext) -> None:
        """Check the written people's histories; rewrite the stale ones until their history stands still."""
        since = batch.now - timedelta(days=self.history_days)
        evaluated = {key: _ids(history) for key, history in batch.histories.items()}
        stale: list[Target] = []
        for _ in range(self.rounds):
            written = self._written(batch)
            if not written:
                return
            try:
                fresh = self._histories(written, since)
            except Exception as exc:  # cannot tell: the events come back and are evaluated again
                self._fail(batch, ctx, written, f"history not read again after the write: {exc}")
                return
            stale = [(p, ev) for p, ev in written if _ids(fresh.get(p.key, [])) != evaluated.get(p.key)]
            if not stale:
                return
            logger.info("history grew during the batch: writing again", extra={"people": len(stale)})
            try:
                again = self._again(batch, ctx, stale, fresh)
            except SalesforceCallError as failure:
                self._fail(batch, ctx, stale, failure.error.message)
                return
            evaluated.update((p.key, _ids(fresh.get(p.key, []))) for p, _ in stale)
            _merge(batch, again)
        changing = {person.key for person, _ in stale}
        leftover = [target for target in self._written(batch) if target[0].key in changing]
        self._fail(batch, ctx, leftover, f"history still growing after {self.rounds} rewrites")

    def _histories(self, written: Sequence[Target], since: datetime) -> dict[str, list[dict[str, Any]]]:
        """Each written person's history as the recording step read it (their key and the other e-mail
        keys their events name, joined)."""
        keys = {person.key: history_keys(person, events) for person, events in written}
        read = self.activities.history(
            list(dict.fromkeys(k for ks in keys.values() for k in ks)), since=since
        )
        return {key: joined_history([read.get(k, []) for k in ks]) for key, ks in keys.items()}

    def _written(self, batch: BatchState) -> list[Target]:
        """The people of the batch written by it (their events all standing): the ones whose write may
        have come last with a history that missed something."""
        kept: list[Target] = []
        for person, events in batch.targets:
            keys = [event.idempotency_key for event in events]
            if any(batch.parents.get(key, key) in batch.failures for key in keys):
                continue
            if any(key in batch.writes for key in keys) and _record_id(person, batch) is not None:
                kept.append((person, events))
        return kept

    def _again(
        self,
        batch: BatchState,
        ctx: StepContext,
        stale: Sequence[Target],
        fresh: Mapping[str, list[dict[str, Any]]],
    ) -> BatchState:
        """The stale people read again from the org and run through the ``again`` steps."""
        ids: dict[PersonObject, list[str]] = {}
        for person, _ in stale:
            record_id = _record_id(person, batch)
            if record_id is not None:
                ids.setdefault(person.sobject, []).append(record_id)
        records: dict[str, Mapping[str, Any]] = {}
        for sobject, wanted in ids.items():
            read = partial(
                self.gateway.read, sobject, wanted, self.fields[sobject], time_left=ctx.retrier.remaining
            )
            records.update((str(r["Id"]), r) for r in ctx.retrier.call(read, name=f"query {sobject} by Id"))
        sub = BatchState([], batch.now)
        for person, events in stale:
            record = records.get(_record_id(person, batch) or "")
            if record is None:
                continue  # deleted meanwhile: the first write stands
            sub.targets.append((Person(person.sobject, record), list(events)))
            for event in events:
                sub.working[event.idempotency_key] = event
                sub.events[event.idempotency_key] = event
        sub.histories = {person.key: fresh.get(person.key, []) for person, _ in stale}
        for step in self.again:
            step.run(sub, ctx)
        return sub

    def _fail(self, batch: BatchState, ctx: StepContext, targets: Sequence[Target], message: str) -> None:
        if not targets:
            return
        logger.warning("scores may miss a concurrent activity: %s (the events come back)", message)
        detail = ErrorDetail(
            source=ErrorSource.ACTIVITY_STORE, status_code=ACTIVITY_STORE_ERROR, message=message
        )
        for _, events in targets:
            for event in events:
                batch.fail(event.idempotency_key, ctx.failure([detail]))


def _record_id(person: Person | NewLead, batch: BatchState) -> str | None:
    """The person's record id: known, or the id its create returned."""
    if isinstance(person, Person):
        return person.record_id
    result = batch.written.get(target_ref(person))
    return result.record_id if result is not None and result.record_id else None


def _ids(history: Sequence[Mapping[str, Any]]) -> frozenset[str]:
    """What identifies a history: its activities (each the same dict however often it is read)."""
    return frozenset(repr(sorted(activity.items(), key=lambda item: item[0])) for activity in history)


def _merge(batch: BatchState, again: BatchState) -> None:
    """The rewrite's results into the batch: its failures, writes and routing; its scores (a stage move
    stays the first decision's unless the rewrite made one itself)."""
    for key, failure in again.failures.items():
        batch.fail(key, failure)
    for key, decision in again.decisions.items():
        earlier = batch.decisions.get(key)
        batch.decisions[key] = (
            decision
            if earlier is None or decision.transitions
            else replace(earlier, scores=decision.scores, trace=decision.trace)
        )
    batch.plan.extend(again.plan)
    batch.written.update(again.written)
    batch.routed.update(again.routed)
    batch.intents.extend(again.intents)
