"""The decision log: one line per decision leadrelay made, with its reasons, kept as long as the user wants.

Every event the processor applies leaves a :class:`DecisionEntry` — the person it concerned, the scores,
the stage move and the rules behind them, the owner routing chose and why, the rule set's version, the
event that caused it and when. A batch's entries are one JSON Lines object under a date partition
(:func:`object_key`: ``decisions/dt=2026-12-04/<batch>.jsonl``), the same layout on S3 (a Glue table
over it, queried with Athena) and in a local directory (read with DuckDB by ``leadrelay why``).
The batch id is a digest of its events, so a redelivered batch rewrites its own object, never a second.

The SLA monitor logs its actions the same way (one object per run, ``sla-<digest>.jsonl``): each
reminder, breach and escalation is an entry of ``event_source`` ``sla_monitor`` whose :class:`SlaReason`
names the policy and timer that ran out, its business-calendar deadline, the status and owner it left,
and the alert sent. Such entries move no score and no stage and carry no ``routing``, so the funnel's
counts (MQLs, routed leads, first contacts) read exactly what they read without them.

Entries are msgspec Structs, not pydantic models: they are made from values the processor has already
validated and only ever encoded (one C call per line), and a pydantic model's class costs milliseconds
of every cold start to build (docs/cold-start.md). Readers (``leadrelay why``, the KPIs, Athena) read the
JSON lines themselves.
"""

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import msgspec
from msgspec import Struct, field

from leadrelay.engine.decision import Decision

SCHEMA_VERSION = 2
"""The entry's layout; a reader meets older lines by this number (2 added ``sla``; 1 lines have none)."""
FOLLOW_UP = "follow_up"
"""``SlaReason.action`` of the processor's routing entry: the owner's follow-up Task was written."""
SLA_MONITOR_SOURCE = "sla_monitor"
"""``event_source`` of the SLA monitor's entries (their ``event_type`` is ``sla_<action>``)."""
DEFAULT_PREFIX = "decisions/"
_ENCODER = msgspec.json.Encoder()
TOP_REASONS = 12
"""The rule hits kept per entry, largest contribution first (the full trace is in the record's reasons)."""


class DecisionLogError(Exception):
    """The decision log could not keep a batch's entries (the adapter's cause is chained)."""


class RuleReason(Struct, frozen=True, kw_only=True):
    """One rule that gave points: which score, how many, and the short human reason."""

    rule_id: str
    score: str
    points: float
    detail: str = ""


class StageMove(Struct, frozen=True, kw_only=True):
    """One lifecycle transition the rules made."""

    rule_id: str
    from_stage: str
    to_stage: str
    reason_code: str | None = None


class RoutingReason(Struct, frozen=True, kw_only=True):
    """Where routing sent the lead: the owner, the table row, how, and each rep skipped and why."""

    owner_id: str
    row_id: str
    via: str
    skipped: list[dict[str, str]] = field(default_factory=list)


class SlaReason(Struct, frozen=True, kw_only=True):
    """Why the SLA monitor acted on a lead: the timer that ran out and what it did about it; on the
    processor's routing entry (``action`` ``follow_up``), the clock it started and the owner's Task."""

    policy_id: str
    timer_id: str
    action: str
    """``remind``, ``breach`` or ``escalate`` (``rules/sla.json``); ``follow_up`` on the processor's
    routing entry: the owner's follow-up Task, due at the policy's breach deadline."""
    started_at: datetime
    """When the lead's clock started (it entered the policy's stage)."""
    deadline: datetime
    """When the timer ran out, on the business calendar in the owner's time zone."""
    time_zone: str
    status: str | None = None
    """The SLA status the action wrote (``None``: left as it was)."""
    owner_id: str
    """The lead's owner when the timer ran out."""
    new_owner_id: str | None = None
    """The owner's manager, when an escalation reassigned the lead."""
    alert_to: str | None = None
    """Who was alerted for this action (``None``: nobody, e.g. a reminder folded into a breach alert)."""
    alert_kind: str | None = None
    notified: str | None = None
    """How the alert went: ``sent``, ``digest`` (held for the rep's hourly digest, sent once the hour is
    over), ``sent_before`` (an earlier run sent it: the alert ledger held its key)."""


class DecisionEntry(Struct, frozen=True, kw_only=True):
    """One applied decision about one person, as one line of the log."""

    schema_version: int = SCHEMA_VERSION
    logged_at: datetime
    event_key: str
    event_source: str
    event_type: str
    occurred_at: datetime
    sobject: str
    record_id: str | None
    """The Lead or Contact id (a new Lead's id once its create succeeded)."""
    ruleset_version: str
    scores: dict[str, int]
    stage: str
    previous_stage: str
    transitions: list[StageMove] = field(default_factory=list)
    reasons: list[RuleReason] = field(default_factory=list)
    routing: RoutingReason | None = None
    written: list[str] = field(default_factory=list)
    """The fields leadrelay wrote for this event's person in this batch."""
    sla: SlaReason | None = None
    """The SLA monitor's action; on the processor's entry that routed a lead to a rep, the clock it
    started and the follow-up Task (``follow_up``); otherwise ``None``."""


def reasons_of(decision: Decision, limit: int = TOP_REASONS) -> list[RuleReason]:
    """The rule hits of ``decision``'s trace, largest contribution first."""
    hits = sorted(decision.trace or (), key=lambda hit: -abs(hit.points))[:limit]
    return [RuleReason(rule_id=h.rule_id, score=h.score, points=h.points, detail=h.detail) for h in hits]


def moves_of(decision: Decision) -> list[StageMove]:
    """The stage transitions of ``decision``."""
    return [
        StageMove(rule_id=t.rule_id, from_stage=t.from_stage, to_stage=t.to_stage, reason_code=t.reason_code)
        for t in decision.transitions
    ]


def batch_id(event_keys: Iterable[str]) -> str:
    """A stable id for a batch of events: the same events make the same id, whatever their order."""
    digest = hashlib.sha256("\n".join(sorted(event_keys)).encode()).hexdigest()
    return digest[:24]


def object_key(logged_at: datetime, batch: str, prefix: str = DEFAULT_PREFIX) -> str:
    """Where a batch's entries live: ``<prefix>dt=YYYY-MM-DD/<batch>.jsonl`` (UTC date partitions)."""
    day = logged_at.astimezone(UTC) if logged_at.tzinfo else logged_at
    return f"{prefix}dt={day:%Y-%m-%d}/{batch}.jsonl"


def to_json_lines(entries: Sequence[DecisionEntry]) -> bytes:
    """The entries as UTF-8 JSON Lines (one object per line, a final newline)."""
    return b"".join(_ENCODER.encode(entry) + b"\n" for entry in entries)


def follow_up_reason(
    policy_id: str, timer_id: str, due: datetime, *, started_at: datetime, owner_id: str
) -> SlaReason:
    """The SLA clock routing started and the owner's follow-up Task, due at ``due`` (in the owner's zone)."""
    return SlaReason(
        policy_id=policy_id,
        timer_id=timer_id,
        action=FOLLOW_UP,
        started_at=started_at,
        deadline=due,
        time_zone=str(due.tzinfo or UTC),
        owner_id=owner_id,
    )


def routing_reason(owner_id: str, row_id: str, via: str, skipped: Iterable[tuple[str, str]]) -> RoutingReason:
    """A routing decision as a log entry's part (``skipped``: user id and reason pairs)."""
    return RoutingReason(
        owner_id=owner_id,
        row_id=row_id,
        via=via,
        skipped=[{"user_id": user, "reason": reason} for user, reason in skipped],
    )
