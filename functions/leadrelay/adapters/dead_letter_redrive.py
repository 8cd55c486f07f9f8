"""Redrive: send dead letters' original events back to their source queue, resumably.

A page at a time (see :class:`~leadrelay.adapters.dead_letters.DeadLetterScan`): each message's
original event is sent to its source queue, the send is recorded in a :class:`SentLog`, and only then
is the message deleted from the dead-letter queue. A run that stops anywhere — interrupted, a delete
refused, the process killed — leaves its messages in the queue; the next run with the same log deletes
those already sent without sending them again. Messages carrying the same event for the same queue
are sent once in a run (the log keeps message ids only: the same event dead-lettered again later,
after a finished redrive, is a new failure and is sent again). ``StartMessageMoveTask`` is not used:
it would move the envelope, not the event.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

from botocore.exceptions import ClientError
from msgspec import Struct, field

from leadrelay.adapters.dead_letter_reading import StoredDeadLetter
from leadrelay.adapters.dead_letters import DeadLetterScan
from leadrelay.adapters.sqs_batches import chunks, send_message_batches

if TYPE_CHECKING:
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef


class SentLog(Protocol):
    """The dead-letter message ids whose event was sent, kept until a redrive completes."""

    def was_sent(self, key: str) -> bool:
        """Whether message id ``key`` was recorded."""
        ...

    def record(self, keys: Iterable[str]) -> None:
        """Remember message ids ``keys`` durably, before the messages are deleted."""
        ...


class MemorySentLog:
    """A :class:`SentLog` that lasts one run."""

    def __init__(self) -> None:
        self._keys: set[str] = set()

    def was_sent(self, key: str) -> bool:
        """Whether ``key`` was recorded in this run."""
        return key in self._keys

    def record(self, keys: Iterable[str]) -> None:
        """Remember ``keys`` for this run."""
        self._keys.update(keys)


class RedriveReport(Struct):
    """What a redrive did, message by message."""

    redriven: list[str] = field(default_factory=list)
    """Message ids whose event is in the source queue (sent now or by an earlier run) and deleted."""
    failed: dict[str, str] = field(default_factory=dict)
    """Message id → why it stays in the dead-letter queue."""
    not_deleted: dict[str, str] = field(default_factory=dict)
    """Message id → why it was sent but could not be deleted (the next run deletes it unsent)."""

    @property
    def done(self) -> int:
        """Messages handled so far, whatever the outcome."""
        return len(self.redriven) + len(self.failed) + len(self.not_deleted)


class Redrive:
    """One redrive run over a scan; call :meth:`page` with the chosen messages of each page."""

    def __init__(self, scan: DeadLetterScan, log: SentLog | None = None) -> None:
        self.scan = scan
        self.queue = scan.queue
        self.log: SentLog = log if log is not None else MemorySentLog()
        self.report = RedriveReport()
        self._sent_events: set[str] = set()  # digests of (target, body) sent in this run

    def page(self, messages: Sequence[StoredDeadLetter]) -> None:
        """Send each message's event to its source queue (unless already sent), then delete it."""
        sent_before: list[StoredDeadLetter] = []
        by_target: dict[str, dict[str, list[StoredDeadLetter]]] = {}  # target → body → messages
        for message in messages:
            target = self.queue.explicit_source or message.letter.source_queue or self.queue.source_queue_url
            if target is None:
                self.report.failed[message.message_id] = "no source queue (pass --source-queue-url)"
            elif self.log.was_sent(message.message_id) or _digest(target, message) in self._sent_events:
                sent_before.append(message)
            else:
                by_target.setdefault(target, {}).setdefault(message.redrive_body, []).append(message)
        self._delete(sent_before)
        for target, by_body in by_target.items():
            self._send(target, list(by_body.values()))

    def _send(self, target: str, groups: list[list[StoredDeadLetter]]) -> None:
        fifo = target.endswith(".fifo")
        entries = [_redrive_entry(str(index), group, fifo=fifo) for index, group in enumerate(groups)]
        for chunk in chunks(entries):
            failed = self._send_to(target, chunk)
            for entry_id, reason in failed.items():
                self.report.failed.update(
                    {m.message_id: f"send failed: {reason}" for m in groups[int(entry_id)]}
                )
            sent = [m for e in chunk if e["Id"] not in failed for m in groups[int(e["Id"])]]
            self.log.record(m.message_id for m in sent)
            self._sent_events.update(_digest(target, m) for m in sent)
            self._delete(sent)  # only what reached the source queue, once the log knows

    def _delete(self, messages: Sequence[StoredDeadLetter]) -> None:
        not_deleted = self.scan.delete(messages)
        self.report.not_deleted.update(not_deleted)
        self.report.redriven.extend(m.message_id for m in messages if m.message_id not in not_deleted)

    def _send_to(self, target: str, entries: list[SendMessageBatchRequestEntryTypeDef]) -> dict[str, str]:
        """Entry id → reason for the entries not sent (all of them when the queue refuses the call)."""
        try:
            return send_message_batches(self.queue.client, target, entries, attempts=self.queue.send_attempts)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "ClientError")
            return {entry["Id"]: code for entry in entries}


def _digest(target: str, message: StoredDeadLetter) -> str:
    """The event's identity for "already sent": the target queue and the body sent there."""
    return "sha256:" + hashlib.sha256(f"{target}\n{message.redrive_body}".encode()).hexdigest()


def _redrive_entry(
    entry_id: str, group: list[StoredDeadLetter], *, fifo: bool
) -> SendMessageBatchRequestEntryTypeDef:
    body = group[0].redrive_body
    entry: SendMessageBatchRequestEntryTypeDef = {"Id": entry_id, "MessageBody": body}
    if fifo:
        letter = group[0].letter
        entry["MessageGroupId"] = (letter.event.identity.key if letter.event is not None else letter.id)[:128]
        entry["MessageDeduplicationId"] = hashlib.sha256(body.encode()).hexdigest()
    return entry
