"""Settling a batch: every message ends APPLIED, DEAD_LETTERED or RETRY, and nothing is lost.

A failed event goes back to the queue while its failure is transient and SQS has deliveries left;
otherwise it is dead-lettered with its reason — unless another copy of it was already applied (the
applied markers in the activity store say so). If the dead-letter sink itself fails, the messages go
back to the queue rather than being lost.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime

from msgspec import Struct

from leadrelay.domain.deadletter import DeadLetter, OperationsConfig, dead_letter_for, unreadable_event
from leadrelay.domain.errors import ErrorDetail
from leadrelay.domain.events import CanonicalEvent
from leadrelay.domain.failures import classify
from leadrelay.domain.owners import Routed
from leadrelay.pipeline.config import PipelineConfig
from leadrelay.pipeline.messages import BatchReport, BatchTally, InboundMessage, MessageResult, Outcome
from leadrelay.pipeline.state import BatchState
from leadrelay.pipeline.writing import Failure
from leadrelay.ports import ActivityStore, DeadLetterSink

logger = logging.getLogger(__name__)


class LetterWriter(Struct, frozen=True):
    """Builds dead-letter envelopes with the pipeline's owners and versions."""

    operations: OperationsConfig
    ruleset_version: str
    config: PipelineConfig

    def for_event(self, batch: BatchState, key: str, failure: Failure, now: datetime) -> DeadLetter:
        """The envelope of a failed event: attempts count earlier deliveries, the first failure time
        goes back to the first receipt when this is not the first delivery."""
        messages = [batch.by_id[m] for m in batch.message_ids[key]]
        deliveries = batch.deliveries(key)
        first = failure.first_failed_at
        if deliveries > 1:
            first = min([first, *(m.first_received_at for m in messages if m.first_received_at)])
        return dead_letter_for(
            batch.events[key],
            error=failure.error,
            classification=failure.classification,
            attempts=deliveries - 1 + failure.attempts,
            first_failed_at=first,
            now=now,
            operations=self.operations,
            decision=batch.decisions.get(key),
            write=failure.write or batch.writes.get(key),
            other_errors=failure.other_errors,
            ruleset_version=self.ruleset_version,
            function_version=self.config.function_version,
            source_queue=self.config.source_queue,
        )

    def unreadable(self, message: InboundMessage, error: ErrorDetail, now: datetime) -> DeadLetter:
        """The envelope of a message whose body is not a canonical event (kept verbatim)."""
        return dead_letter_for(
            unreadable_event(message.body, error.message),
            error=error,
            classification=classify(error),
            attempts=message.receive_count,
            first_failed_at=now,
            now=now,
            operations=self.operations,
            ruleset_version=self.ruleset_version,
            function_version=self.config.function_version,
            source_queue=self.config.source_queue,
        )


class Settler(Struct):
    """Turns a batch's state into outcomes, dead letters and applied markers."""

    activities: ActivityStore
    dead_letters: DeadLetterSink
    letters: LetterWriter
    config: PipelineConfig
    clock: Callable[[], datetime]

    def settle(self, batch: BatchState) -> BatchReport:
        """Every message's outcome; dead letters sent (or, if the sink fails, the messages retried)."""
        now = self.clock()
        results: dict[str, MessageResult] = {}
        letters: dict[str, DeadLetter] = {}  # by message id
        for message in batch.messages:
            error = batch.unreadable.get(message.message_id)
            if error is not None:
                letters[message.message_id] = self.letters.unreadable(message, error, now)
        failing = [
            key for key in batch.message_ids if key in batch.failures and not self._retries(batch, key)
        ]
        applied_before = self._applied_before([batch.events[key] for key in failing])
        self._remember_applied([batch.events[k] for k in batch.message_ids if k not in batch.failures], now)
        for key, message_ids in batch.message_ids.items():
            failure = batch.failures.get(key)
            if failure is None or key in applied_before:
                for message_id in message_ids:
                    results[message_id] = MessageResult(message_id, Outcome.APPLIED, key)
                continue
            if self._retries(batch, key):
                for message_id in message_ids:
                    results[message_id] = MessageResult(
                        message_id, Outcome.RETRY, key, failure.error.status_code
                    )
                continue
            letter = self.letters.for_event(batch, key, failure, now)
            for message_id in message_ids:
                letters[message_id] = letter
        self._send(letters, results)
        applied = {r.event_key for r in results.values() if r.outcome is Outcome.APPLIED and r.event_key}
        return BatchReport(
            results,
            dead_letters=tuple({letter.id: letter for letter in letters.values()}.values()),
            tally=tally(batch, applied),
        )

    def _retries(self, batch: BatchState, key: str) -> bool:
        """Whether the failed event goes back to the queue (transient, receives left) rather than to
        the dead-letter queue."""
        failure = batch.failures[key]
        return failure.classification.transient and batch.deliveries(key) < self.config.max_receive_count

    def _applied_before(self, events: Sequence[CanonicalEvent]) -> set[str]:
        """Events about to be dead-lettered that another copy already applied (settled as applied)."""
        if not events:
            return set()
        try:
            applied = self.activities.applied(events)
        except Exception as exc:  # cannot tell: dead-letter them, as before
            logger.warning("applied markers unreadable: %s", type(exc).__name__)
            return set()
        if applied:
            logger.info("%d event(s) already applied by another copy: settled as applied", len(applied))
        return applied

    def _remember_applied(self, events: Sequence[CanonicalEvent], now: datetime) -> None:
        """Mark applied events, so a copy failing later is not dead-lettered (best effort)."""
        if not events:
            return
        try:
            self.activities.mark_applied(events, at=now)
        except Exception as exc:  # the events are applied all the same
            logger.warning("applied markers not written: %s", type(exc).__name__)

    def _send(self, letters: Mapping[str, DeadLetter], results: dict[str, MessageResult]) -> None:
        """Dead-letter, then mark DEAD_LETTERED; if the sink fails, the messages come back (RETRY)."""
        if not letters:
            return
        unique = list({letter.id: letter for letter in letters.values()}.values())
        try:
            self.dead_letters.send(unique)
            outcome = Outcome.DEAD_LETTERED
        except Exception as exc:  # the dead-letter queue is down: keep the messages on the source queue
            logger.error("dead-letter sink failed: %s", type(exc).__name__)
            outcome = Outcome.RETRY
        for message_id, letter in letters.items():
            key = letter.event.idempotency_key if letter.event else None
            results[message_id] = MessageResult(message_id, outcome, key, letter.error.status_code)


def tally(batch: BatchState, applied: Collection[str]) -> BatchTally:
    """The stages entered, the routes taken and the first contacts' waits of the events settled as applied
    (``applied``: their keys;
    an event re-read from a re-sync window counts when its window was applied)."""
    entered: Counter[str] = Counter()
    for key, decision in batch.decisions.items():
        if batch.parents.get(key, key) in applied:
            entered.update({move.to_stage for move in decision.transitions})
    routed = Counter(
        route_of(routed) for key, routed in batch.routed.items() if batch.parents.get(key, key) in applied
    )
    waits = tuple(
        seconds for key, seconds in batch.first_contacts.items() if batch.parents.get(key, key) in applied
    )
    return BatchTally(entered=dict(entered), routed=dict(routed), first_contact_seconds=waits)


def route_of(routed: Routed) -> str:
    """The route of a routed lead, as a bounded metric dimension: the pool's name for a pool, else
    ``user``, ``queue``, ``account_owner`` or ``fallback``."""
    if routed.via.startswith("pool "):
        return routed.via.removeprefix("pool ")
    return "fallback" if routed.via.startswith("fallback") else routed.via
