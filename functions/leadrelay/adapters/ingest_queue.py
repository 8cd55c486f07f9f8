"""The ingest queue on SQS (the ``EventQueue`` port), and enqueueing each canonical event exactly once.

* :class:`SqsEventQueue` — ``SendMessageBatch`` in groups of 10 within the 256 KiB batch limit; the
  message body is the ``CanonicalEvent`` JSON. Entries that fail for AWS's reasons are retried (with
  a short pause) a few times; entries that fail for the sender's reasons are not. Whatever is still
  unsent raises :class:`EnqueueError` naming the idempotency keys. A FIFO queue (``….fifo``) gets
  the identity as message group and a hash of the idempotency key as deduplication id.
* :class:`IdempotentEnqueuer` — Powertools idempotency on DynamoDB around "enqueue this canonical
  event", keyed on its idempotency key, so a webhook retry or an Event Relay replay (EARLIEST
  recovery re-sends up to 3 days) is enqueued once. Records expire after 4 days. A delivery that
  finds an event in flight in another invocation waits for that invocation's outcome (a duplicate
  once it has enqueued the event; its own enqueue once the other has failed and removed its record)
  and raises :class:`ConcurrentDeliveryError` only when the other is still busy after the wait.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import boto3
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyPersistenceLayerError,
)
from msgspec import Struct, field

from leadrelay.adapters.sqs_batches import MAX_MESSAGE_BYTES, send_message_batches
from leadrelay.domain.events import CanonicalEvent
from leadrelay.ports import EnqueueOutcome, EventQueue

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef

IDEMPOTENCY_EXPIRY_SECONDS = 4 * 24 * 3600
"""Longer than Event Relay's 3-day EARLIEST replay and HubSpot's day of retries."""
IDEMPOTENCY_KEY_PREFIX = "leadrelay-ingest"
"""Shared by both ingress functions, so an event is enqueued once whichever path it took."""
IN_FLIGHT_PAUSES = (0.1, 0.2, 0.4, 0.8)
"""Seconds waited, one after another, for another invocation's in-flight record of an event (1.5 s)."""
_SPARE_MILLIS = 1500
"""No further wait for an in-flight event once the invocation has less than this left."""


class EnqueueError(RuntimeError):
    """Events could not be put on the ingest queue; ``failed`` maps idempotency keys to reasons."""

    def __init__(self, failed: dict[str, str]) -> None:
        listed = ", ".join(f"{key} ({reason})" for key, reason in sorted(failed.items()))
        super().__init__(f"{len(failed)} event(s) not enqueued: {listed}")
        self.failed = failed


class ConcurrentDeliveryError(RuntimeError):
    """Another invocation was still enqueueing the same events after the wait; retry later."""

    def __init__(self, keys: Sequence[str]) -> None:
        super().__init__(
            f"{len(keys)} event(s) are being enqueued by a concurrent delivery: {', '.join(keys)}"
        )
        self.keys = list(keys)


def message_body(event: CanonicalEvent) -> str:
    """The ingest-queue message body of ``event`` (read back with ``parse_canonical_event``)."""
    return event.model_dump_json()


def oversized(events: Sequence[CanonicalEvent]) -> list[int]:
    """Indexes of events whose message body exceeds the SQS size limit."""
    return [i for i, event in enumerate(events) if len(message_body(event).encode()) > MAX_MESSAGE_BYTES]


class SqsEventQueue(Struct):
    """The ingest queue (``EventQueue``): canonical events in, durably, or :class:`EnqueueError`."""

    queue_url: str
    client: SQSClient = field(default_factory=lambda: boto3.client("sqs"))
    attempts: int = 3
    pause: Callable[[int], None] = lambda attempt: time.sleep(0.1 * 2**attempt)

    def send(self, events: Sequence[CanonicalEvent]) -> None:
        """Enqueue all events or raise :class:`EnqueueError` naming the ones that failed."""
        fifo = self.queue_url.endswith(".fifo")
        entries = [_entry(str(index), event, fifo=fifo) for index, event in enumerate(events)]
        failed = send_message_batches(
            self.client, self.queue_url, entries, attempts=self.attempts, pause=self.pause
        )
        if failed:
            raise EnqueueError(
                {events[int(index)].idempotency_key: reason for index, reason in failed.items()}
            )


def _entry(entry_id: str, event: CanonicalEvent, *, fifo: bool) -> SendMessageBatchRequestEntryTypeDef:
    entry: SendMessageBatchRequestEntryTypeDef = {"Id": entry_id, "MessageBody": message_body(event)}
    if fifo:
        entry["MessageGroupId"] = event.identity.key[:128]
        entry["MessageDeduplicationId"] = hashlib.sha256(event.idempotency_key.encode()).hexdigest()
    return entry


class IdempotentEnqueuer:
    """Enqueues each canonical event at most once per idempotency key (Powertools idempotency).

    Events of one request are handled concurrently (``max_workers``). When the queue fails, the
    event's idempotency record is removed again (Powertools does that on an exception), so the
    provider's retry enqueues it. An event in flight in another invocation is tried again after
    each of ``in_flight_pauses`` (while the invocation has time left), so the answer is that
    invocation's outcome rather than a conflict.
    """

    def __init__(
        self,
        queue: EventQueue,
        table_name: str,
        *,
        dynamodb: DynamoDBClient | None = None,
        expires_after_seconds: int = IDEMPOTENCY_EXPIRY_SECONDS,
        max_workers: int = 8,
        in_flight_pauses: Sequence[float] = IN_FLIGHT_PAUSES,
        pause: Callable[[float], None] = time.sleep,
    ) -> None:
        self.queue = queue
        self.max_workers = max_workers
        self.in_flight_pauses = tuple(in_flight_pauses)
        self.pause = pause
        self._context: LambdaContext | None = None
        self.config = IdempotencyConfig(
            event_key_jmespath="idempotency_key",
            raise_on_no_idempotency_key=True,
            expires_after_seconds=expires_after_seconds,
            response_hook=_mark_duplicate,
        )
        store = DynamoDBPersistenceLayer(table_name=table_name, boto3_client=dynamodb)
        self._enqueue_one: Callable[..., dict[str, Any]] = idempotent_function(
            self._send_one,
            data_keyword_argument="event",
            persistence_store=store,
            config=self.config,
            key_prefix=IDEMPOTENCY_KEY_PREFIX,
        )

    def register_lambda_context(self, context: LambdaContext) -> None:
        """Let in-progress records expire with the invocation, so a crashed one does not block retries."""
        self._context = context
        self.config.register_lambda_context(context)

    def _send_one(self, *, event: dict[str, Any]) -> dict[str, Any]:
        self.queue.send([CanonicalEvent.model_validate(event)])
        return {"enqueued": event["idempotency_key"]}

    def _one(self, event: CanonicalEvent) -> tuple[str, bool]:
        data = event.model_dump(mode="json")
        pauses = list(self.in_flight_pauses)
        while True:
            try:
                response = self._enqueue_one(event=data)
            except IdempotencyAlreadyInProgressError:
                if not pauses or not self._time_for(pauses[0]):
                    raise
                self.pause(pauses.pop(0))
            else:
                return event.idempotency_key, bool(response.get("duplicate"))

    def _time_for(self, seconds: float) -> bool:
        """Whether the invocation can wait ``seconds`` and still answer."""
        if self._context is None:
            return True
        return self._context.get_remaining_time_in_millis() > seconds * 1000 + _SPARE_MILLIS

    def enqueue(self, events: Sequence[CanonicalEvent]) -> EnqueueOutcome:
        """Enqueue the events not enqueued before; raises ``EnqueueError`` / ``ConcurrentDeliveryError``.

        ``EnqueueError`` is also raised when the idempotency table is unavailable.
        """
        unique, repeated = _first_of_each_key(events)
        if not unique:
            return EnqueueOutcome()
        workers = max(1, min(self.max_workers, len(unique)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [(event.idempotency_key, pool.submit(self._one, event)) for event in unique]
        done: list[tuple[str, bool]] = []
        failed: dict[str, str] = {}
        busy: list[str] = []
        for key, future in futures:
            error = future.exception()
            if error is None:
                done.append(future.result())
            elif isinstance(error, IdempotencyAlreadyInProgressError):
                busy.append(key)
            elif isinstance(error, EnqueueError):
                failed.update(error.failed)
            elif isinstance(error, IdempotencyPersistenceLayerError):
                failed[key] = "idempotency table unavailable"
            else:
                raise error
        if failed:
            raise EnqueueError(failed)
        if busy:
            raise ConcurrentDeliveryError(busy)
        return EnqueueOutcome(
            enqueued=tuple(key for key, duplicate in done if not duplicate),
            duplicates=(*(key for key, duplicate in done if duplicate), *repeated),
        )


def _first_of_each_key(events: Sequence[CanonicalEvent]) -> tuple[list[CanonicalEvent], list[str]]:
    """The first event of each idempotency key, and the keys repeated within ``events``."""
    first: dict[str, CanonicalEvent] = {}
    repeated: list[str] = []
    for event in events:
        if event.idempotency_key in first:
            repeated.append(event.idempotency_key)
        else:
            first[event.idempotency_key] = event
    return list(first.values()), repeated


def _mark_duplicate(response: Any, idempotent_data: DataRecord) -> Any:
    """Powertools calls this when the response is replayed from the store: the event was a duplicate."""
    return {**response, "duplicate": True} if isinstance(response, dict) else response


class PlainEnqueuer(Struct):
    """Local mode without an idempotency table: every event is sent (replays are not deduplicated)."""

    queue: EventQueue

    def enqueue(self, events: Sequence[CanonicalEvent]) -> EnqueueOutcome:
        """Send all events."""
        self.queue.send(events)
        return EnqueueOutcome(enqueued=tuple(event.idempotency_key for event in events))

    def register_lambda_context(self, context: LambdaContext) -> None:
        """Nothing to bind."""
