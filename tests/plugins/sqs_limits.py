"""Fixture plugin: teach moto's SQS the in-flight limit it lacks, and make it fast at 150,000 messages.

Real SQS refuses a receive with ``OverLimit`` once a standard queue has about 120,000 messages in
flight (received, neither deleted nor visible again). moto does not model that limit, and its queue
scans every message on each receive, delete and visibility change, which is quadratic at volume.
:func:`sqs_limits` patches moto (never leadrelay) for one test: receipt handles are indexed, receives
stop at the first visible messages, and a receive beyond the limit fails the way SQS fails it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from moto.core.utils import unix_time
from moto.sqs import models
from moto.sqs.exceptions import ReceiptHandleIsInvalid, SQSException

STANDARD_QUEUE_IN_FLIGHT_LIMIT = 120_000


class OverLimit(SQSException):
    """What SQS answers a receive when the queue already has the most in-flight messages."""

    def __init__(self, limit: int) -> None:
        super().__init__("OverLimit", f"There are too many messages in flight (the limit is {limit:,}).")


class _Visible:
    """A queue's visible messages, produced lazily (moto's receive takes only the first few)."""

    def __init__(self, queue: models.Queue) -> None:
        self.queue = queue

    def __iter__(self) -> Iterator[models.Message]:
        return (m for m in list(self.queue._messages) if m.visible and not m.delayed)

    def __bool__(self) -> bool:
        return any(True for _ in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _Attributes(Mapping[str, Any]):
    """A queue's attributes, computed when read: moto asks for them on every send."""

    def __init__(self, queue: models.Queue) -> None:
        self.queue = queue
        self._all: dict[str, Any] | None = None

    def get(self, key: str, default: Any = None) -> Any:
        if key == "ContentBasedDeduplication" and not self.queue.fifo_queue:
            return default  # what moto's full dict says for a standard queue, without counting messages
        return super().get(key, default)

    def _computed(self) -> dict[str, Any]:
        if self._all is None:
            self._all = _ATTRIBUTES(self.queue)
        return self._all

    def __getitem__(self, key: str) -> Any:
        return self._computed()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._computed())

    def __len__(self) -> int:
        return len(self._computed())


_ATTRIBUTES = models.Queue.attributes.fget  # type: ignore[attr-defined]


@dataclass
class SqsLimits:
    """The limits in force; ``peak`` is the most messages a queue ever had in flight."""

    in_flight_limit: int = STANDARD_QUEUE_IN_FLIGHT_LIMIT
    peak: dict[str, int] = field(default_factory=dict)
    receipts: dict[str, models.Message] = field(default_factory=dict)

    @staticmethod
    def arrive(queue_url: str, bodies: Iterable[str]) -> None:
        """Messages arrive in a queue the way a redrive policy moves them: set-up, not under test.

        Written straight into moto's backend; at 150,000 messages the HTTP round trips of
        ``SendMessageBatch`` would cost a quarter of the test's time and prove nothing about leadrelay.
        """
        account, name = queue_url.rstrip("/").split("/")[-2:]
        region = next(
            r for r in models.sqs_backends[account] if name in models.sqs_backends[account][r].queues
        )
        backend = models.sqs_backends[account][region]
        for body in bodies:
            backend.send_message(name, body)


@pytest.fixture
def sqs_limits(monkeypatch: pytest.MonkeyPatch) -> SqsLimits:
    """moto's SQS with SQS's in-flight limit, indexed receipt handles and lazy receives."""
    limits = SqsLimits()
    mark_received = models.Message.mark_received
    receive_message = models.SQSBackend.receive_message

    def marked(message: models.Message, visibility_timeout: int | None = None) -> None:
        mark_received(message, visibility_timeout)
        limits.receipts[message.receipt_handle] = message  # type: ignore[index]

    def receive(
        backend: models.SQSBackend, queue_name: str, *args: Any, **kwargs: Any
    ) -> list[models.Message]:
        queue = backend.get_queue(queue_name)
        if len(queue.pending_messages) >= limits.in_flight_limit:
            raise OverLimit(limits.in_flight_limit)
        received: list[models.Message] = receive_message(backend, queue_name, *args, **kwargs)
        limits.peak[queue_name] = max(limits.peak.get(queue_name, 0), len(queue.pending_messages))
        return received

    def delete(queue: models.Queue, receipt_handle: str) -> None:
        if receipt_handle in queue.deleted_messages:
            return
        message = limits.receipts.get(receipt_handle)
        if message is None:
            raise ReceiptHandleIsInvalid()
        try:
            queue._messages.remove(message)
        except ValueError:
            raise ReceiptHandleIsInvalid() from None
        queue.pending_messages.discard(message)
        queue.deleted_messages.update(message.all_receipt_handles)  # type: ignore[arg-type]
        for handle in message.all_receipt_handles:
            limits.receipts.pop(handle, None)  # type: ignore[arg-type]

    def change_visibility(
        backend: models.SQSBackend, queue_name: str, receipt_handle: str, visibility_timeout: int
    ) -> None:
        queue = backend.get_queue(queue_name)
        message = limits.receipts.get(receipt_handle)
        if message is None:
            raise ReceiptHandleIsInvalid()
        message.change_visibility(visibility_timeout)
        if message.visible:
            queue.pending_messages.discard(message)

    def within_retention(backend: models.SQSBackend, queue_name: str, message: models.Message) -> bool:
        retention = int(backend.get_queue(queue_name).message_retention_period)  # type: ignore[attr-defined]
        return retention + message.sent_timestamp / 1000 > unix_time()  # type: ignore[operator]

    monkeypatch.setattr(models.Message, "mark_received", marked)
    monkeypatch.setattr(models.SQSBackend, "is_message_valid_based_on_retention_period", within_retention)
    monkeypatch.setattr(models.SQSBackend, "receive_message", receive)
    monkeypatch.setattr(models.Queue, "delete_message", delete)
    monkeypatch.setattr(models.SQSBackend, "change_message_visibility", change_visibility)
    monkeypatch.setattr(models.Queue, "messages", property(_Visible))
    monkeypatch.setattr(models.Queue, "attributes", property(_Attributes))
    return limits


@contextmanager
def interrupted_on(operation: str, call: int) -> Iterator[None]:
    """Inside: Ctrl-C arrives during the ``call``-th call of SQS backend ``operation``."""
    original = getattr(models.SQSBackend, operation)
    calls = 0

    def interrupted(backend: models.SQSBackend, *args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == call:
            raise KeyboardInterrupt
        return original(backend, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(models.SQSBackend, operation, interrupted)
        yield
