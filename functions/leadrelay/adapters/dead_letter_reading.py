"""Reading one SQS message of the dead-letter queue as an envelope, whoever put it there.

The processor sends :class:`~leadrelay.domain.deadletter.DeadLetter` envelopes; the ingest queue's
redrive policy moves the bare canonical event after ``maxReceiveCount`` receives. Both read as a
:class:`StoredDeadLetter`; a body that is neither is listed as an unreadable event, never dropped.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from msgspec import Struct
from pydantic import ValidationError

from leadrelay.domain.deadletter import (
    DeadLetter,
    OperationsConfig,
    dead_letter_from_redrive_policy,
    unreadable_event,
)
from leadrelay.domain.events import CanonicalEvent

if TYPE_CHECKING:
    from mypy_boto3_sqs.type_defs import MessageTypeDef


class StoredDeadLetter(Struct, frozen=True):
    """One message in the dead-letter queue, read as an envelope."""

    message_id: str
    receipt_handle: str
    sent_at: datetime
    receive_count: int
    letter: DeadLetter
    redrive_body: str
    """What goes back to the source queue: the original event (verbatim for unwrapped messages)."""
    body: str


class EnvelopeReader(Struct, frozen=True):
    """Reads messages; ``source_queue`` and ``max_receive_count`` describe messages the policy moved."""

    operations: OperationsConfig
    source_queue: str | None
    max_receive_count: int | None

    def read(self, message: MessageTypeDef) -> StoredDeadLetter:
        """The message as an envelope, with the body to redrive."""
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
        data = parse_json(body)
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
            source_queue=self.source_queue,
        )


def parse_json(text: str) -> Any:
    """``text`` as JSON, or ``None`` when it is not JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return None


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "body"
    return f"{where}: {error['msg']}"
