"""The dead-letter queue on SQS: send envelopes, and let ops inspect, redrive and purge them safely.

* :meth:`DeadLetterQueue.send` — ``SendMessageBatch`` (10 a call, within the batch size limit) with
  message attributes ``error_code``, ``owner``, ``category`` and ``error_class`` for filtering; failed
  entries are retried, then it raises (the processor then leaves the events on the ingest queue).
* :meth:`DeadLetterQueue.hold` — receives *every* message with a visibility timeout, so nothing else
  sees them while ops work, and makes the ones not deleted visible again on exit: listing loses nothing.
* :meth:`DeadLetterQueue.redrive` — sends each message's original canonical event back to the source
  queue and deletes it from the dead-letter queue only after that send succeeded. ``StartMessageMoveTask``
  is not used: it would send the envelope, not the event, and moto does not implement it.

Messages the processor never wrapped (moved by the ingest queue's redrive policy) are read as
envelopes too: :func:`~leadrelay.domain.deadletter.dead_letter_from_redrive_policy`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from pydantic import ValidationError

from leadrelay.adapters.ingest_queue import MAX_MESSAGE_BYTES, chunks, send_message_batches
from leadrelay.domain.deadletter import (
    DEFAULT_OPERATIONS,
    DeadLetter,
    OperationsConfig,
    dead_letter_from_redrive_policy,
    unreadable_event,
)
from leadrelay.domain.events import CanonicalEvent

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import (
        ChangeMessageVisibilityBatchRequestEntryTypeDef,
        DeleteMessageBatchRequestEntryTypeDef,
        MessageTypeDef,
        SendMessageBatchRequestEntryTypeDef,
    )


class DeadLetterSendError(RuntimeError):
    """Some envelopes could not be sent to the dead-letter queue (the message names them)."""


@dataclass(frozen=True)
class StoredDeadLetter:
    """One message in the dead-letter queue, read as an envelope."""

    message_id: str
    receipt_handle: str
    sent_at: datetime
    receive_count: int
    letter: DeadLetter
    redrive_body: str
    """What goes back to the source queue: the original event (verbatim for unwrapped messages)."""
    body: str


@dataclass
class RedriveReport:
    """What a redrive did, message by message."""

    redriven: list[str] = field(default_factory=list)
    """Message ids sent back and deleted."""
    failed: dict[str, str] = field(default_factory=dict)
    """Message id → why it stays in the dead-letter queue."""
    not_deleted: dict[str, str] = field(default_factory=dict)
    """Message id → why it was sent back but could not be deleted (it will show up again)."""


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
    ) -> None:
        self.client = client
        self.queue_url = queue_url
        self.operations = operations
        self.visibility_timeout = visibility_timeout
        self.wait_seconds = wait_seconds
        self.send_attempts = send_attempts
        self._explicit_source = source_queue_url
        self._discovered_source: str | None = None
        self._max_receive_count: int | None = None
        self._held: dict[str, StoredDeadLetter] = {}

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
    def hold(self) -> Iterator[list[StoredDeadLetter]]:
        """Receive every message (invisible to others meanwhile); on exit, release those not deleted."""
        held = self._receive_all()
        self._held = {m.message_id: m for m in held}
        try:
            yield held
        finally:
            self._release(list(self._held.values()))
            self._held = {}

    def peek(self) -> list[StoredDeadLetter]:
        """Every message, read and immediately made visible again (nothing is deleted)."""
        with self.hold() as messages:
            return list(messages)

    def _receive_all(self) -> list[StoredDeadLetter]:
        seen: dict[str, StoredDeadLetter] = {}
        confirming = False
        while True:
            response = self.client.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=10,
                VisibilityTimeout=self.visibility_timeout,
                WaitTimeSeconds=self.wait_seconds if confirming else 0,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            )
            messages = response.get("Messages", [])
            if not messages:
                if confirming:
                    break
                confirming = True  # short polls sample servers: confirm the end with a long poll
                continue
            confirming = False
            for message in messages:
                stored = self._read(message)
                seen[stored.message_id] = stored
        return sorted(seen.values(), key=lambda m: (m.letter.last_failed_at, m.message_id))

    def _read(self, message: MessageTypeDef) -> StoredDeadLetter:
        body = message.get("Body", "")
        attributes = message.get("Attributes", {})
        sent_at = datetime.fromtimestamp(int(attributes.get("SentTimestamp", "0")) / 1000, UTC)
        receives = int(attributes.get("ApproximateReceiveCount", "1"))
        letter, redrive_body = self._envelope(body, sent_at, receives)
        return StoredDeadLetter(
            message_id=message.get("MessageId", ""),
            receipt_handle=message.get("ReceiptHandle", ""),
            sent_at=sent_at,
            receive_count=receives,
            letter=letter,
            redrive_body=redrive_body,
            body=body,
        )

    def _envelope(self, body: str, sent_at: datetime, receives: int) -> tuple[DeadLetter, str]:
        data = _json(body)
        if isinstance(data, dict) and "envelope_version" in data:
            try:
                letter = DeadLetter.model_validate(data)
                return letter, letter.original_body
            except ValidationError as exc:
                original = data.get("event")
                body = json.dumps(original, ensure_ascii=False) if isinstance(original, dict) else body
                reason = f"unreadable dead-letter envelope: {_first_error(exc)}"
                return self._moved(unreadable_event(body, reason), sent_at, receives), body
        try:
            event: Any = CanonicalEvent.model_validate_json(body)
        except ValidationError as exc:
            event = unreadable_event(body, f"not a canonical event: {_first_error(exc)}")
        return self._moved(event, sent_at, receives), body

    def _moved(self, original: Any, sent_at: datetime, receives: int) -> DeadLetter:
        return dead_letter_from_redrive_policy(
            original,
            moved_at=sent_at,
            receive_count=self.max_receive_count or receives,
            operations=self.operations,
            source_queue=self.source_queue_url,
        )

    def _release(self, messages: Sequence[StoredDeadLetter]) -> None:
        for chunk in _tens(messages):
            entries: list[ChangeMessageVisibilityBatchRequestEntryTypeDef] = [
                {"Id": str(i), "ReceiptHandle": m.receipt_handle, "VisibilityTimeout": 0}
                for i, m in enumerate(chunk)
            ]
            self.client.change_message_visibility_batch(QueueUrl=self.queue_url, Entries=entries)

    # --- acting on held messages -------------------------------------------------------------

    def delete(self, messages: Sequence[StoredDeadLetter]) -> dict[str, str]:
        """Delete held messages; returns message id → error for those that could not be deleted."""
        failed: dict[str, str] = {}
        for chunk in _tens(messages):
            entries: list[DeleteMessageBatchRequestEntryTypeDef] = [
                {"Id": str(i), "ReceiptHandle": m.receipt_handle} for i, m in enumerate(chunk)
            ]
            response = self.client.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
            for ok in response.get("Successful", []):
                self._held.pop(chunk[int(ok["Id"])].message_id, None)
            for bad in response.get("Failed", []):
                failed[chunk[int(bad["Id"])].message_id] = f"{bad['Code']}: {bad.get('Message', '')}"
        return failed

    def redrive(
        self,
        messages: Sequence[StoredDeadLetter],
        *,
        progress: Callable[[int], None] = lambda done: None,
    ) -> RedriveReport:
        """Send each held message's original event to its source queue, then delete it from here.

        Messages carrying the same event for the same queue are sent once and all deleted. A message
        whose send failed stays (made visible again when the hold ends).
        """
        report = RedriveReport()
        by_target: dict[str, dict[str, list[StoredDeadLetter]]] = {}  # target → body → messages
        for message in messages:
            target = self._explicit_source or message.letter.source_queue or self.source_queue_url
            if target is None:
                report.failed[message.message_id] = "no source queue (pass --source-queue-url)"
                continue
            by_target.setdefault(target, {}).setdefault(message.redrive_body, []).append(message)
        done = len(report.failed)
        for target, by_body in by_target.items():
            groups = list(by_body.values())
            fifo = target.endswith(".fifo")
            entries = [_redrive_entry(str(index), group, fifo=fifo) for index, group in enumerate(groups)]
            for chunk in chunks(entries):
                failed = self._send_to(target, chunk)
                for entry_id, reason in failed.items():
                    report.failed.update(
                        {m.message_id: f"send failed: {reason}" for m in groups[int(entry_id)]}
                    )
                sent = [m for e in chunk if e["Id"] not in failed for m in groups[int(e["Id"])]]
                not_deleted = self.delete(sent)  # only what reached the source queue
                report.not_deleted.update(not_deleted)
                report.redriven.extend(m.message_id for m in sent if m.message_id not in not_deleted)
                done += sum(len(groups[int(e["Id"])]) for e in chunk)
                progress(done)
        return report

    def _send_to(self, target: str, entries: list[SendMessageBatchRequestEntryTypeDef]) -> dict[str, str]:
        """Entry id → reason for the entries not sent (all of them when the queue refuses the call)."""
        try:
            return send_message_batches(self.client, target, entries, attempts=self.send_attempts)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "ClientError")
            return {entry["Id"]: code for entry in entries}

    # --- the source queue --------------------------------------------------------------------

    @property
    def source_queue_url(self) -> str | None:
        """The queue events are redriven to: as configured, else the one queue using this one as DLQ."""
        if self._explicit_source:
            return self._explicit_source
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
            policy = _json(attributes.get("RedrivePolicy", "{}"))
            count = policy.get("maxReceiveCount") if isinstance(policy, dict) else None
            self._max_receive_count = int(count) if count else 0
        return self._max_receive_count or None


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


def _tens(items: Sequence[StoredDeadLetter]) -> Iterator[Sequence[StoredDeadLetter]]:
    for start in range(0, len(items), 10):
        yield items[start : start + 10]


def _redrive_entry(
    entry_id: str, group: list[StoredDeadLetter], *, fifo: bool
) -> SendMessageBatchRequestEntryTypeDef:
    body = group[0].redrive_body
    entry: SendMessageBatchRequestEntryTypeDef = {"Id": entry_id, "MessageBody": body}
    if fifo:
        entry["MessageGroupId"] = _group_id(group[0].letter)[:128]
        entry["MessageDeduplicationId"] = hashlib.sha256(body.encode()).hexdigest()
    return entry


def _group_id(letter: DeadLetter) -> str:
    return letter.event.identity.key if letter.event is not None else letter.id


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "body"
    return f"{where}: {error['msg']}"
