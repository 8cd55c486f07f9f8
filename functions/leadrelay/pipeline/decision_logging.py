"""The last step: every decision applied in this batch appended to the decision log, with its reasons.

One entry per applied event (its write succeeded, or there was nothing to write): the person, scores,
stage move and the rule hits behind them, the routing decision (with the SLA clock it started and the
owner's follow-up Task), the fields written, the rule set's version and the event. The batch's entries
are one object; if the log cannot keep them, the events go back to the queue (``DECISION_LOG_ERROR``,
transient) — their writes are idempotent, and the retried batch rewrites its object — so no applied
decision goes unlogged.
"""

from __future__ import annotations

import logging

from msgspec import Struct

from leadrelay.domain.decision_log import (
    DecisionEntry,
    DecisionLogError,
    batch_id,
    follow_up_reason,
    moves_of,
    reasons_of,
    routing_reason,
)
from leadrelay.domain.errors import ErrorDetail, ErrorSource
from leadrelay.domain.failures import DECISION_LOG_ERROR
from leadrelay.domain.identity import Person
from leadrelay.pipeline.context import StepContext
from leadrelay.pipeline.state import BatchState
from leadrelay.ports import DecisionLog

logger = logging.getLogger(__name__)


class LogDecisions(Struct):
    """Append the batch's applied decisions to the decision log (one object per batch)."""

    log: DecisionLog
    name: str = "log decisions"

    def run(self, batch: BatchState, ctx: StepContext) -> None:
        """Entries for the events still standing; a log failure sends them back to the queue."""
        entries = decision_entries(batch)
        if not entries:
            return
        try:
            self.log.append(entries, batch=batch_id(entry.event_key for entry in entries))
        except DecisionLogError as error:
            logger.error("decision log unavailable: the batch's events go back to the queue")
            detail = ErrorDetail(
                source=ErrorSource.DECISION_LOG, status_code=DECISION_LOG_ERROR, message=str(error)
            )
            for entry in entries:
                batch.fail(entry.event_key, ctx.failure([detail]))


def decision_entries(batch: BatchState) -> list[DecisionEntry]:
    """One entry per event of ``batch`` that has a decision and has not failed."""
    entries: list[DecisionEntry] = []
    for target, events in batch.targets:
        known_id = target.record_id if isinstance(target, Person) else None
        for event in events:
            key = event.idempotency_key
            decision = batch.decisions.get(key)
            if decision is None or batch.parents.get(key, key) in batch.failures:
                continue
            write = batch.writes.get(key)
            result = batch.written.get(write.ref) if write is not None else None
            routed = batch.routed.get(key)
            follow_up = batch.follow_up_reasons.get(key)
            entries.append(
                DecisionEntry(
                    logged_at=batch.now,
                    event_key=key,
                    event_source=event.source.value,
                    event_type=event.type,
                    occurred_at=event.occurred_at,
                    sobject=target.sobject,
                    record_id=known_id or (result.record_id if result is not None else None),
                    ruleset_version=decision.ruleset_version,
                    scores=dict(decision.scores),
                    stage=decision.stage,
                    previous_stage=decision.previous_stage,
                    transitions=moves_of(decision),
                    reasons=reasons_of(decision),
                    routing=None
                    if routed is None
                    else routing_reason(
                        routed.owner_id,
                        routed.row_id,
                        routed.via,
                        ((skip.user_id, skip.reason.value) for skip in routed.skipped),
                    ),
                    written=sorted(write.fields) if write is not None else [],
                    sla=None
                    if follow_up is None or routed is None
                    else follow_up_reason(*follow_up, started_at=batch.now, owner_id=routed.owner_id),
                )
            )
    return entries
