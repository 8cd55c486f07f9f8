"""The dead-letter queue on SQS: send envelopes, and read them back page by page for ops.

* :meth:`DeadLetterQueue.send` — ``SendMessageBatch`` (10 a call, within the batch size limit) with
  message attributes ``error_code``, ``owner``, ``category`` and ``error_class`` for filtering; failed
  entries are retried, then it raises (the processor then leaves the events on the ingest queue).
* :meth:`DeadLetterQueue.scan` — one pass over a queue of any size, a page (one receive) at a time.
  What the caller deletes leaves at once; what it keeps stays held under the visibility timeout (so
  the pass never reads a message twice) and is made visible again when the pass ends. At most
  ``max_held`` messages are held — below SQS's limit of about 120,000 in-flight messages on a standard
  queue — so a pass that keeps everything stops there and says so (:attr:`DeadLetterScan.stopped`).
* :meth:`DeadLetterQueue.peek` — every message up to that bound, read and released.

Redrive (original events back to the source queue, resumable) is
:mod:`leadrelay.adapters.dead_letter_redrive`. Messages the processor never wrapped (moved by the
ingest queue's redrive policy) read as envelopes too: :mod:`leadrelay.adapters.dead_letter_reading`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError
from msgspec.structs import replace

from leadrelay.adapters.dead_letter_reading import EnvelopeReader, StoredDeadLetter, parse_json
from leadrelay.adapters.sqs_batches import MAX_MESSAGE_BYTES, send_message_batches
from leadrelay.domain.deadletter import DEFAULT_OPERATIONS, DeadLetter, OperationsConfig

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import (
        ChangeMessageVisibilityBatchRequestEntryTypeDef,
        DeleteMessageBatchRequestEntryTypeDef,
        SendMessageBatchRequestEntryTypeDef,
    )

__all__ = ["DeadLetterQueue", "DeadLetterScan", "DeadLetterSendError", "StoredDeadLetter"]

SQS_IN_FLIGHT_LIMIT = 120_000
"""In-flight messages a standard queue allows; a receive beyond it fails with ``OverLimit``."""
DEFAULT_MAX_HELD = 100_000
"""Messages one pass holds at most: below the limit, with room for another reader."""


class DeadLetterSendError(RuntimeError):
    """Some envelopes could not be sent to the dead-letter queue (the message names them)."""


class DeadLetterQueue:
    """The dead-letter queue at ``queue_url`` (and the source queue its events are redriven to)."""

    def __init__(
        self,
        client: SQSClient,
        queue_url: str,
        *,
        source_queue_url: str | None = None,
        operations: OperationsConfig = DEFAULT_OPERATIONS,
        visibility_timeout: int = 300,
        wait_seconds: int = 1,
        send_attempts: int = 3,
        max_held: int = DEFAULT_MAX_HELD,
    ) -> None:
        self.client = client
        self.queue_url = queue_url
        self.operations = operations
        self.visibility_timeout = visibility_timeout
        self.wait_seconds = wait_seconds
        self.send_attempts = send_attempts
        self.max_held = max_held
        self.explicit_source = source_queue_url
        self._discovered_source: str | None = None
        self._max_receive_count: int | None = None

    # --- sending -----------------------------------------------------------------------------

    def send(self, letters: Sequence[DeadLetter]) -> None:
        """Send every envelope, or raise :class:`DeadLetterSendError` naming those that failed."""
        entries = [_entry(str(index), letter) for index, letter in enumerate(letters)]
        failed = send_message_batches(self.client, self.queue_url, entries, attempts=self.send_attempts)
        if failed:
            names = ", ".join(f"{letters[int(i)].id} ({reason})" for i, reason in sorted(failed.items()))
            raise DeadLetterSendError(f"{len(failed)} dead letter(s) not sent to {self.queue_url}: {names}")

    # --- reading -----------------------------------------------------------------------------

    @contextmanager
    def scan(self) -> Iterator[DeadLetterScan]:
        """One pass over the queue; on exit every message still held is made visible again."""
        scan = DeadLetterScan(self)
        try:
            yield scan
        finally:
            scan.release()

    def peek(self) -> list[StoredDeadLetter]:
        """Every message (up to ``max_held``), oldest failure first, read and made visible again."""
        with self.scan() as scan:
            messages = [message for page in scan.pages() for message in page]
        return sorted(messages, key=lambda m: (m.letter.last_failed_at, m.message_id))

    def approximate_count(self) -> int:
        """SQS's estimate of the messages in the queue, visible or held."""
        attributes = self.client.get_queue_attributes(
            QueueUrl=self.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )
        return sum(int(value) for value in attributes.get("Attributes", {}).values())

    def receive(self, *, wait: bool) -> list[StoredDeadLetter]:
        """Up to ten messages, held for ``visibility_timeout`` (a long poll when ``wait``)."""
        reader = EnvelopeReader(self.operations, self.source_queue_url, self.max_receive_count)
        response = self.client.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=self.visibility_timeout,
            WaitTimeSeconds=self.wait_seconds if wait else 0,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return [reader.read(message) for message in response.get("Messages", [])]

    def release(self, receipt_handles: Sequence[str]) -> None:
        """Make held messages visible again."""
        for start in range(0, len(receipt_handles), 10):
            entries: list[ChangeMessageVisibilityBatchRequestEntryTypeDef] = [
                {"Id": str(i), "ReceiptHandle": handle, "VisibilityTimeout": 0}
                for i, handle in enumerate(receipt_handles[start : start + 10])
            ]
            self.client.change_message_visibility_batch(QueueUrl=self.queue_url, Entries=entries)

    def delete(self, messages: Sequence[StoredDeadLetter]) -> dict[str, str]:
        """Delete held messages; returns message id → error for those that could not be deleted."""
        failed: dict[str, str] = {}
        for start in range(0, len(messages), 10):
            chunk = messages[start : start + 10]
            entries: list[DeleteMessageBatchRequestEntryTypeDef] = [
                {"Id": str(i), "ReceiptHandle": m.receipt_handle} for i, m in enumerate(chunk)
            ]
            response = self.client.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
            for bad in response.get("Failed", []):
                failed[chunk[int(bad["Id"])].message_id] = f"{bad['Code']}: {bad.get('Message', '')}"
        return failed

    # --- the source queue --------------------------------------------------------------------

    @property
    def source_queue_url(self) -> str | None:
        """The queue events are redriven to: as configured, else the one queue using this one as DLQ."""
        if self.explicit_source:
            return self.explicit_source
        if self._discovered_source is None:
            urls = self.client.list_dead_letter_source_queues(QueueUrl=self.queue_url).get("queueUrls", [])
            self._discovered_source = urls[0] if len(urls) == 1 else ""  # "" = asked, none or several
        return self._discovered_source or None

    @property
    def max_receive_count(self) -> int | None:
        """The source queue's ``maxReceiveCount`` (how often a moved message was tried)."""
        if self._max_receive_count is None and self.source_queue_url:
            attributes = self.client.get_queue_attributes(
                QueueUrl=self.source_queue_url, AttributeNames=["RedrivePolicy"]
            ).get("Attributes", {})
            policy = parse_json(attributes.get("RedrivePolicy", "{}"))
            count = policy.get("maxReceiveCount") if isinstance(policy, dict) else None
            self._max_receive_count = int(count) if count else 0
        return self._max_receive_count or None


class DeadLetterScan:
    """One pass over a dead-letter queue, a page at a time, holding at most ``queue.max_held``."""

    def __init__(self, queue: DeadLetterQueue) -> None:
        self.queue = queue
        self.read = 0
        """Messages this pass has handed out."""
        self.stopped: str | None = None
        """Why the pass ended before the end of the queue (``None``: it read to the end)."""
        self._held: dict[str, str] = {}  # message id → latest receipt handle

    @property
    def held(self) -> int:
        """Messages read and neither deleted nor released: in flight, invisible to others."""
        return len(self._held)

    def pages(self) -> Iterator[list[StoredDeadLetter]]:
        """Pages of messages not seen before in this pass, until the queue is read or the bound hit.

        Messages the caller leaves undeleted stay held until the pass ends, so they are not read
        again. An empty short poll is confirmed by a long poll: short polls sample SQS's servers.
        """
        confirming = False
        while True:
            if self.held + 10 > self.queue.max_held:
                self.stopped = f"{self.held} messages held, the most one pass holds (--max-in-flight)"
                return
            try:
                messages = self.queue.receive(wait=confirming)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "OverLimit":
                    raise
                self.stopped = "SQS refused more in-flight messages (OverLimit): another reader holds many"
                return
            if not messages:
                if confirming:
                    return
                confirming = True
                continue
            confirming = False
            page = [m for m in messages if m.message_id not in self._held]
            self._held.update((m.message_id, m.receipt_handle) for m in messages)
            self.read += len(page)
            if page:
                yield page

    def delete(self, messages: Sequence[StoredDeadLetter]) -> dict[str, str]:
        """Delete messages of this pass; message id → error for those that could not be deleted."""
        held = [m for m in messages if m.message_id in self._held]
        current = [_with_handle(m, self._held[m.message_id]) for m in held]
        failed = self.queue.delete(current)
        for message in held:
            if message.message_id not in failed:
                del self._held[message.message_id]
        return failed

    def release(self) -> None:
        """Make every message still held visible again (the pass is over)."""
        handles, self._held = list(self._held.values()), {}
        self.queue.release(handles)


def _with_handle(message: StoredDeadLetter, receipt_handle: str) -> StoredDeadLetter:
    return (
        message
        if message.receipt_handle == receipt_handle
        else replace(message, receipt_handle=receipt_handle)
    )


def _entry(entry_id: str, letter: DeadLetter) -> SendMessageBatchRequestEntryTypeDef:
    body = _fitting_body(letter)
    return {
        "Id": entry_id,
        "MessageBody": body,
        "MessageAttributes": {
            "error_code": {"DataType": "String", "StringValue": letter.error.status_code},
            "owner": {"DataType": "String", "StringValue": letter.owner},
            "category": {"DataType": "String", "StringValue": letter.category.value},
            "error_class": {"DataType": "String", "StringValue": letter.error_class.value},
            "envelope_version": {"DataType": "Number", "StringValue": str(letter.envelope_version)},
        },
    }


def _fitting_body(letter: DeadLetter) -> str:
    """The envelope as JSON; the decision's trace, then the decision, are dropped if it is too large."""
    body = letter.model_dump_json()
    if len(body.encode()) > MAX_MESSAGE_BYTES - 1024 and letter.decision is not None:
        trimmed = {**letter.decision, "trace": None, "trace_dropped": "envelope too large"}
        body = letter.model_copy(update={"decision": trimmed}).model_dump_json()
    if len(body.encode()) > MAX_MESSAGE_BYTES - 1024:
        body = letter.model_copy(update={"decision": None}).model_dump_json()
    return body
