"""The working state of one batch, and the dead letters made from it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from leadrelay.domain.deadletter import DeadLetter, OperationsConfig, dead_letter_for, unreadable_event
from leadrelay.domain.events import CanonicalEvent
from leadrelay.domain.failures import classify
from leadrelay.domain.writes import SalesforceError, WriteOp
from leadrelay.engine.decision import Decision
from leadrelay.pipeline.config import PipelineConfig
from leadrelay.pipeline.messages import InboundMessage, parse_message
from leadrelay.pipeline.writing import Failure


class BatchState:
    """Events by idempotency key (messages carrying the same event share it), failures, decisions, writes."""

    def __init__(self, messages: Sequence[InboundMessage], now: datetime) -> None:
        self.now = now
        self.messages = list(messages)
        self.by_id = {m.message_id: m for m in self.messages}
        self.events: dict[str, CanonicalEvent] = {}
        self.message_ids: dict[str, list[str]] = {}
        self.unreadable: dict[str, SalesforceError] = {}
        self.failures: dict[str, Failure] = {}
        self.decisions: dict[str, Decision] = {}
        self.writes: dict[str, WriteOp] = {}
        for message in self.messages:
            parsed = parse_message(message)
            if isinstance(parsed, SalesforceError):
                self.unreadable[message.message_id] = parsed
                continue
            self.events.setdefault(parsed.idempotency_key, parsed)
            self.message_ids.setdefault(parsed.idempotency_key, []).append(message.message_id)

    def fail(self, key: str, failure: Failure) -> None:
        """Record the failure of one event (a permanent failure is never replaced by a transient one)."""
        earlier = self.failures.get(key)
        if earlier is None or earlier.classification.transient:
            self.failures[key] = failure

    def fail_all(self, failure: Failure) -> None:
        """Every event of the batch failed the same way (a lookup failed)."""
        for key in self.events:
            self.fail(key, failure)

    def deliveries(self, key: str) -> int:
        """How often SQS has delivered the event (the most of the messages carrying it)."""
        return max(self.by_id[m].receive_count for m in self.message_ids[key])


@dataclass(frozen=True)
class LetterWriter:
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

    def unreadable(self, message: InboundMessage, error: SalesforceError, now: datetime) -> DeadLetter:
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
