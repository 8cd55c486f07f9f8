"""A record's decision history, read from the decision log's JSON Lines with DuckDB.

The log is a directory of date partitions (``decisions/dt=YYYY-MM-DD/<batch>.jsonl``), written by the
processor locally or copied from its S3 bucket. DuckDB reads every partition at once (or those since a
date) and keeps the entries of one record; :func:`history_changes` turns them into what changed from
one decision to the next — scores, stage, owner — and the rules that made each change. The SLA
monitor's entries (reminders, breaches, escalations) are changes of their own: the policy and timer that
ran out, its deadline, the status and owner it left and the alert sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
from leadrelay.domain.decision_log import DEFAULT_PREFIX, SLA_MONITOR_SOURCE

HISTORY_QUERY = """
SELECT *
FROM read_json(?, format = 'newline_delimited', hive_partitioning = true, union_by_name = true)
WHERE left(record_id, 15) = ? AND CAST(dt AS DATE) >= ?
QUALIFY row_number() OVER (PARTITION BY event_key ORDER BY logged_at, dt) = 1
ORDER BY logged_at, occurred_at, event_key
"""
"""A record by its 15-character id (an 18-character id, or one stored as either, matches too); an event
logged twice (an SLA monitor run retried after its write failed) counts once, as first logged."""


class DecisionLogNotFoundError(Exception):
    """The decision log holds no partitions where it was looked for (the message says where)."""


@dataclass(frozen=True)
class Change:
    """One decision that changed something about the record, and the rules behind it."""

    at: str
    """When leadrelay decided (the batch's time)."""
    event: str
    """The event that caused the decision, and when it happened."""
    scores: dict[str, tuple[int | None, int]]
    """Each score that moved: before, after (before is None on the record's first decision)."""
    stage: tuple[str, str] | None
    owner: str | None
    rules: list[str] = field(default_factory=list)
    sla: str | None = None
    """The SLA monitor's action: the deadline that ran out, the status written and the alert sent."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``leadrelay why --json``)."""
        return {
            "at": self.at,
            "event": self.event,
            "scores": {name: {"before": b, "after": a} for name, (b, a) in self.scores.items()},
            "stage": None if self.stage is None else {"from": self.stage[0], "to": self.stage[1]},
            "owner": self.owner,
            "rules": self.rules,
            "sla": self.sla,
        }


def read_history(
    log_dir: Path, record_id: str, *, since: date | None = None, prefix: str = DEFAULT_PREFIX
) -> list[dict[str, Any]]:
    """Every entry about ``record_id`` (15 or 18 characters), oldest first."""
    pattern = log_dir / prefix / "dt=*" / "*.jsonl"
    if not any((log_dir / prefix).glob("dt=*/*.jsonl")):
        raise DecisionLogNotFoundError(f"no decision log under {log_dir / prefix} (no dt=YYYY-MM-DD/*.jsonl)")
    with duckdb.connect() as db:
        result = db.execute(HISTORY_QUERY, [str(pattern), record_id[:15], since or date.min])
        names = [column[0] for column in result.description or ()]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def history_changes(entries: Sequence[Mapping[str, Any]]) -> list[Change]:
    """The decisions that changed a score, the stage or the owner, with the rules that caused them
    (``entries`` in the order they were decided)."""
    changes: list[Change] = []
    scores: dict[str, int] = {}
    first = True
    for entry in entries:
        if entry.get("event_source") == SLA_MONITOR_SOURCE and entry.get("sla"):
            changes.append(_sla_change(entry))
            continue
        moved = {
            name: (scores.get(name) if not first else None, value)
            for name, value in (entry.get("scores") or {}).items()
            if value is not None and (first or scores.get(name) != value)
        }
        transitions = entry.get("transitions") or []
        stage = (entry["previous_stage"], entry["stage"]) if transitions else None
        routing = entry.get("routing")
        owner = routing["owner_id"] if routing else None
        if moved or stage or owner:
            changes.append(
                Change(
                    at=_minute(entry["logged_at"]),
                    event=f"{entry['event_source']} {entry['event_type']} @ {_minute(entry['occurred_at'])}",
                    scores=moved,
                    stage=stage,
                    owner=None if routing is None else f"{owner} ({routing['row_id']} → {routing['via']})",
                    rules=_rules(entry, moved),
                    sla=_follow_up(entry.get("sla")),
                )
            )
        scores.update({k: v for k, v in (entry.get("scores") or {}).items() if v is not None})
        first = False
    return changes


def _sla_change(entry: Mapping[str, Any]) -> Change:
    """An SLA monitor entry: the timer that ran out, its deadline in the owner's time zone, the status
    and owner it left, and the alert and how it went."""
    sla = entry["sla"]
    zone = str(sla.get("time_zone") or "UTC")
    parts = [f"{sla['action']}, due {_local_minute(sla['deadline'], zone)} {zone}"]
    if sla.get("status"):
        parts.append(f"status {sla['status']}")
    if sla.get("alert_to"):
        parts.append(f"{sla['alert_kind']} alert to {sla['alert_to']} ({sla.get('notified') or 'not sent'})")
    new_owner = sla.get("new_owner_id")
    return Change(
        at=_minute(entry["logged_at"]),
        event=f"{entry['event_source']} {entry['event_type']} @ {_minute(entry['occurred_at'])}",
        scores={},
        stage=None,
        owner=f"{new_owner} (escalated from {sla['owner_id']})" if new_owner else None,
        rules=[f"{sla['policy_id']}/{sla['timer_id']}"],
        sla="; ".join(parts),
    )


def _follow_up(sla: Mapping[str, Any] | None) -> str | None:
    """The SLA clock routing started: the owner's follow-up Task and when it is due."""
    if not sla:
        return None
    zone = str(sla.get("time_zone") or "UTC")
    due = _local_minute(sla["deadline"], zone)
    return f"clock started; follow-up Task due {due} {zone} ({sla['policy_id']}/{sla['timer_id']})"


def _local_minute(value: Any, zone: str) -> str:
    """A timestamp to the minute in ``zone`` (the owner's time zone the deadline was counted in)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _rules(entry: Mapping[str, Any], moved: Mapping[str, Any]) -> list[str]:
    """The transitions, then the rule hits on the scores that moved (largest first)."""
    named = [f"{t['rule_id']} ({t['from_stage']} → {t['to_stage']})" for t in entry.get("transitions") or []]
    hits = [r for r in entry.get("reasons") or [] if r["score"] in moved]
    named += [f"{r['rule_id']} {r['points']:+.1f} {r['score']}" for r in hits[:4]]
    return named


def _minute(value: Any) -> str:
    """A timestamp DuckDB read (a datetime) or a string, to the minute, in UTC."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    return str(value)[:16].replace("T", " ")
