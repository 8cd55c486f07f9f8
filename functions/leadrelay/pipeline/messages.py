"""Ingest-queue messages as the pipeline sees them, and their outcomes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum

from msgspec import Struct, field
from pydantic import ValidationError

from leadrelay.domain.deadletter import DeadLetter
from leadrelay.domain.errors import ErrorDetail, ErrorSource
from leadrelay.domain.events import CanonicalEvent, parse_canonical_event
from leadrelay.domain.failures import INVALID_EVENT


class InboundMessage(Struct, frozen=True):
    """One SQS message of the batch: its body and how often SQS has delivered it."""

    message_id: str
    body: str
    receive_count: int = 1
    """``ApproximateReceiveCount``: 1 on the first delivery."""
    first_received_at: datetime | None = None
    """``ApproximateFirstReceiveTimestamp``: when the message was first handed to a consumer."""


class Outcome(StrEnum):
    """What became of one message."""

    APPLIED = "applied"
    """Its effect is in Salesforce (or none was needed): delete it."""
    DEAD_LETTERED = "dead_lettered"
    """An envelope with the reason is on the dead-letter queue: delete it."""
    RETRY = "retry"
    """A transient failure: report it as a batch-item failure so SQS delivers it again."""


class MessageResult(Struct, frozen=True):
    """The outcome of one message, with the event it carried and the error code of a failure."""

    message_id: str
    outcome: Outcome
    event_key: str | None = None
    error_code: str | None = None


class BatchTally(Struct, frozen=True):
    """What a batch did to the funnel, counted over the events it applied (for the processor's metrics)."""

    entered: Mapping[str, int] = field(default_factory=dict)
    """People who entered each lifecycle stage in this batch, by stage (``{"MQL": 2, "SQL": 1}``)."""
    routed: Mapping[str, int] = field(default_factory=dict)
    """Leads routed in this batch, by route: a pool's name, or ``user``, ``queue``, ``account_owner``,
    ``fallback`` (bounded by ``routing.json``)."""
    first_contact_seconds: tuple[float, ...] = ()
    """For each lead first contacted in this batch, the seconds from its routing (SLA clock start) to
    the contact."""


class BatchReport(Struct, frozen=True):
    """The outcome of every message of a batch, by message id."""

    results: Mapping[str, MessageResult] = field(default_factory=dict)
    dead_letters: tuple[DeadLetter, ...] = ()
    """The envelopes sent to the dead-letter queue (one per event, however many messages carried it)."""
    tally: BatchTally = field(default_factory=BatchTally)
    """Stage entries and routes of the applied events."""

    def result_of(self, message_id: str) -> MessageResult:
        """The result for ``message_id`` (``KeyError`` if it was not in the batch)."""
        return self.results[message_id]

    def counts(self) -> dict[Outcome, int]:
        """Messages per outcome (every outcome present, zero included)."""
        seen = Counter(result.outcome for result in self.results.values())
        return {outcome: seen.get(outcome, 0) for outcome in Outcome}


def parse_message(message: InboundMessage) -> CanonicalEvent | ErrorDetail:
    """The canonical event in a message body, or an ``INVALID_EVENT`` error saying what is wrong where.

    The error names JSON paths and pydantic's reason, never the offending values (they may be
    personal data).
    """
    try:
        return parse_canonical_event(message.body)
    except ValidationError as exc:
        return ErrorDetail(
            source=ErrorSource.EVENT, status_code=INVALID_EVENT, message=describe_validation_error(exc)
        )


def describe_validation_error(exc: ValidationError, *, limit: int = 10) -> str:
    """``identity.email: value is not a valid email; occurred_at: Field required`` (paths, no values)."""
    errors = exc.errors(include_input=False)
    parts = [f"{_path(error['loc'])}: {error['msg']}" for error in errors[:limit]]
    more = f" (and {len(errors) - limit} more)" if len(errors) > limit else ""
    return "not a canonical event: " + "; ".join(parts) + more


def _path(loc: Iterable[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(body)"
