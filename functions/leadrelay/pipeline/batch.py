"""One batch of ingest messages through the whole pipeline; docs/processor.md tells the story.

parse → fill MA-id-only identities from the MA → resolve identities → record activities →
read histories → evaluate rules → plan writes → write (with retries) → settle: every message ends
APPLIED, DEAD_LETTERED or RETRY. The pipeline takes ports only (gateway, activity store, dead-letter
sink, MA directories); it imports nothing from AWS.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial

from leadrelay.domain.deadletter import DeadLetter, OperationsConfig
from leadrelay.domain.duplicates import link_to_duplicate
from leadrelay.domain.events import CanonicalEvent, EventSource
from leadrelay.domain.failures import SalesforceCallError
from leadrelay.domain.identity import NewLead, Person, Unresolved
from leadrelay.domain.ownership import OwnershipMap
from leadrelay.domain.writeplan import WriteIntent, plan_writes
from leadrelay.domain.writes import SalesforceError
from leadrelay.pipeline.config import PipelineConfig
from leadrelay.pipeline.enrichment import MaEnricher
from leadrelay.pipeline.evaluation import evaluate_person
from leadrelay.pipeline.fields import PersonFields
from leadrelay.pipeline.messages import BatchReport, InboundMessage, MessageResult, Outcome
from leadrelay.pipeline.recording import Target, record_and_read
from leadrelay.pipeline.resolution import resolve_people
from leadrelay.pipeline.retrying import Retrier
from leadrelay.pipeline.state import BatchState, LetterWriter
from leadrelay.pipeline.writing import Failure, write_with_retries
from leadrelay.ports import ActivityStore, DeadLetterSink, MaDirectory, Rules, SalesforceGateway

logger = logging.getLogger(__name__)

RULE_EVALUATION_ERROR = "RULE_EVALUATION_ERROR"
"""Synthetic code: the rule engine raised on an event (permanent: the integration owner looks)."""


class Pipeline:
    """Runs batches of ingest messages; one instance lives for the whole Lambda execution environment."""

    def __init__(
        self,
        *,
        rules: Rules,
        ownership: OwnershipMap,
        operations: OperationsConfig,
        gateway: SalesforceGateway,
        activities: ActivityStore,
        dead_letters: DeadLetterSink,
        config: PipelineConfig | None = None,
        rule_fields: Sequence[str] = (),
        ma_directories: Mapping[EventSource, MaDirectory] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.rules = rules
        self.ownership = ownership
        self.operations = operations
        self.gateway = gateway
        self.activities = activities
        self.dead_letters = dead_letters
        self.config = config or PipelineConfig()
        self.fields = PersonFields(ownership, rule_fields)
        self._letters = LetterWriter(operations, rules.version, self.config)
        self._clock = clock
        self.enricher = MaEnricher(ma_directories or {}, clock=clock)
        self._sleep = sleep
        self._rng = rng or random.Random()  # noqa: S311 (backoff jitter, not security)

    def run(self, messages: Sequence[InboundMessage], *, remaining: Callable[[], float]) -> BatchReport:
        """Process ``messages``; ``remaining()`` is the time (s) this invocation may still spend."""
        batch = BatchState(messages, self._clock())
        retrier = Retrier(remaining, self._sleep, self.config.backoff, self._rng)
        if batch.events:
            self._apply(batch, retrier)
        return self._settle(batch)

    # --- the steps ---------------------------------------------------------------------------

    def _apply(self, batch: BatchState, retrier: Retrier) -> None:
        enrichment = self.enricher.enrich(batch.events, retrier)
        for key, error in enrichment.failed.items():
            batch.fail(key, Failure.of([error], now=self._clock()))
        try:
            index = resolve_people(
                self.gateway,
                (e.identity for e in enrichment.events.values()),
                fields=self.fields,
                retrier=retrier,
            )
        except SalesforceCallError as failure:
            batch.fail_all(Failure.of([failure.error], now=self._clock()))
            return
        targets: dict[str, tuple[Person | NewLead, list[CanonicalEvent]]] = {}
        for key, event in enrichment.events.items():
            resolution = index.resolve(event.identity)
            if isinstance(resolution, Unresolved):
                error = enrichment.not_found.get(key) or SalesforceError(
                    status_code=resolution.code, message=resolution.reason
                )
                batch.fail(event.idempotency_key, Failure.of([error], now=self._clock()))
                continue
            ref = resolution.record_id if isinstance(resolution, Person) else f"new:{resolution.key}"
            targets.setdefault(ref, (resolution, []))[1].append(event)
        people, histories = self._histories(batch, list(targets.values()), retrier)
        intents = self._evaluate(batch, people, histories)
        self._write(batch, intents, retrier)

    def _histories(
        self, batch: BatchState, targets: Sequence[Target], retrier: Retrier
    ) -> tuple[list[Target], Mapping[str, list[dict[str, object]]]]:
        """Record this batch's activities, read each person's history; the targets whose events the
        store did not fail, and the histories (a store failure fails only the events it concerns)."""
        since = batch.now - timedelta(days=self.config.history_days)
        recorded = record_and_read(self.activities, targets, since=since, in_time=retrier.can_start)
        for key, error in recorded.failed.items():
            batch.fail(key, Failure.of([error], now=self._clock()))
        return recorded.remaining(targets), recorded.histories

    def _evaluate(
        self,
        batch: BatchState,
        targets: Sequence[tuple[Person | NewLead, list[CanonicalEvent]]],
        histories: Mapping[str, Sequence[Mapping[str, object]]],
    ) -> list[WriteIntent]:
        intents: list[WriteIntent] = []
        for person, events in targets:
            try:
                evaluation = evaluate_person(
                    person,
                    events,
                    activities=histories.get(person.key, []),
                    rules=self.rules,
                    ownership=self.ownership,
                    now=batch.now,
                )
            except Exception as exc:  # an engine bug must not hold the whole batch
                logger.error(
                    "rule evaluation failed: %s (the message is in the dead letter)", type(exc).__name__
                )
                error = SalesforceError(
                    status_code=RULE_EVALUATION_ERROR, message=f"{type(exc).__name__}: {exc}"
                )
                for event in events:
                    batch.fail(event.idempotency_key, Failure.of([error], now=self._clock()))
                continue
            batch.decisions.update(evaluation.decisions)
            intents.extend(evaluation.intents)
        return intents

    def _write(self, batch: BatchState, intents: Sequence[WriteIntent], retrier: Retrier) -> None:
        plan = plan_writes(intents, self.ownership)
        for op in plan.ops:
            for key in op.event_keys:
                batch.writes[key] = op
        outcome = write_with_retries(
            self.gateway,
            plan.ops,
            retrier=retrier,
            clock=self._clock,
            relink=partial(link_to_duplicate, ownership=self.ownership),
        )
        for ref, update in outcome.linked.items():
            logger.info(
                "linked to the record a duplicate rule named",
                extra={"ref": ref, "sobject": update.sobject, "record_id": update.record_id},
            )
        by_ref = {op.ref: op for op in plan.ops}
        for ref, failure in outcome.failed.items():
            for key in by_ref[ref].event_keys:
                batch.fail(key, failure)

    # --- outcomes ----------------------------------------------------------------------------

    def _settle(self, batch: BatchState) -> BatchReport:
        now = self._clock()
        results: dict[str, MessageResult] = {}
        letters: dict[str, DeadLetter] = {}  # by message id
        for message in batch.messages:
            error = batch.unreadable.get(message.message_id)
            if error is not None:
                letters[message.message_id] = self._letters.unreadable(message, error, now)
        failing = [
            key for key in batch.message_ids if key in batch.failures and not self._retries(batch, key)
        ]
        applied_before = self._applied_before(failing)
        self._remember_applied([key for key in batch.message_ids if key not in batch.failures], now)
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
            letter = self._letters.for_event(batch, key, failure, now)
            for message_id in message_ids:
                letters[message_id] = letter
        self._send(letters, results)
        return BatchReport(
            results, dead_letters=tuple({letter.id: letter for letter in letters.values()}.values())
        )

    def _retries(self, batch: BatchState, key: str) -> bool:
        """Whether the failed event goes back to the queue (transient, receives left) rather than to
        the dead-letter queue."""
        failure = batch.failures[key]
        return failure.classification.transient and batch.deliveries(key) < self.config.max_receive_count

    def _applied_before(self, keys: Sequence[str]) -> set[str]:
        """Events about to be dead-lettered that another copy already applied (settled as applied)."""
        if not keys:
            return set()
        try:
            applied = self.activities.applied(keys)
        except Exception as exc:  # cannot tell: dead-letter them, as before
            logger.warning("applied markers unreadable: %s", type(exc).__name__)
            return set()
        if applied:
            logger.info("%d event(s) already applied by another copy: settled as applied", len(applied))
        return applied

    def _remember_applied(self, keys: Sequence[str], now: datetime) -> None:
        """Mark applied events, so a copy failing later is not dead-lettered (best effort)."""
        if not keys:
            return
        try:
            self.activities.mark_applied(keys, at=now)
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
