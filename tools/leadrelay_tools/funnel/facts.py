"""Per-lead funnel facts, from the decision log (DuckDB over its JSON Lines partitions) or an export.

The report's unit is the **MQL cohort**: the leads that entered MQL in the period. For each of them a
source gives one :class:`LeadFacts` — when it entered MQL, through which source and to which rep, whether
it reached SQL and won, when it was first contacted and how its first-contact SLA ended — or says why it
cannot (:attr:`FunnelFacts.unavailable`). docs/kpis.md defines each fact per source.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
from leadrelay.domain.decision_log import DEFAULT_PREFIX
from leadrelay.engine.values import as_timestamp

from leadrelay_tools.decision_history import DecisionLogNotFoundError
from leadrelay_tools.export_format import ExportedPerson, ExportProblems, read_export

TOKYO = ZoneInfo("Asia/Tokyo")
"""Periods, weeks and months are counted on the Japanese calendar day."""
MQL, SQL, WON = "MQL", "SQL", "Customer"
SQL_OR_BEYOND = frozenset({SQL, "Opportunity", WON})
FIRST_CONTACT_EVENT = "task_completed"
WON_OPPORTUNITY_STAGES = frozenset({"Closed Won", "受注"})
SLA_KEPT, SLA_MISSED = frozenset({"Met"}), frozenset({"Breached", "Escalated"})
UNKNOWN = "(unknown)"


class Sla(StrEnum):
    """How a lead's first-contact SLA ended (a lead still inside its deadline has none yet)."""

    MET = "met"
    BREACHED = "breached"


@dataclass(frozen=True)
class Period:
    """The Japanese calendar days ``first`` to ``last``, both included."""

    first: date
    last: date

    def holds(self, moment: datetime) -> bool:
        """Whether ``moment`` falls on one of the period's days (in Japan)."""
        return self.first <= moment.astimezone(TOKYO).date() <= self.last

    @property
    def end(self) -> datetime:
        """The first instant after the period."""
        return datetime.combine(self.last + timedelta(days=1), datetime.min.time(), TOKYO)


@dataclass(frozen=True)
class LeadFacts:
    """One lead of the MQL cohort."""

    record_id: str
    mql_at: datetime
    source: str
    rep: str
    reached_sql: bool
    won: bool
    first_contact_at: datetime | None = None
    sla: Sla | None = None


@dataclass
class FunnelFacts:
    """The cohort from one source, and the KPIs that source cannot give, each with the reason."""

    source: str
    leads: list[LeadFacts] = field(default_factory=list)
    unavailable: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    """Input lines skipped (an export's unreadable lines), each with its number and why."""


COHORT_QUERY = """
WITH entries AS (
  SELECT left(record_id, 15) AS rid, logged_at, event_source, event_type, occurred_at, transitions, routing
  FROM read_json(?, format = 'newline_delimited', hive_partitioning = true, union_by_name = true,
                 columns = {record_id: 'VARCHAR', logged_at: 'TIMESTAMPTZ', event_source: 'VARCHAR',
                            event_type: 'VARCHAR', occurred_at: 'TIMESTAMPTZ',
                            transitions: 'STRUCT(to_stage VARCHAR)[]', routing: 'STRUCT(owner_id VARCHAR)'})
  WHERE record_id IS NOT NULL AND CAST(dt AS DATE) >= ?
),
moves AS (
  SELECT rid, logged_at, event_source, routing.owner_id AS rep, unnest(transitions).to_stage AS stage
  FROM entries
),
mql AS (
  SELECT rid, min(logged_at) AS mql_at, arg_min(event_source, logged_at) AS source,
         arg_min(rep, logged_at) AS rep
  FROM moves WHERE stage = 'MQL' AND logged_at >= ? AND logged_at < ? GROUP BY rid
),
reached AS (
  SELECT m.rid, bool_or(s.stage = 'SQL') AS reached_sql, bool_or(s.stage = 'Customer') AS won
  FROM mql m JOIN moves s ON s.rid = m.rid AND s.logged_at >= m.mql_at GROUP BY m.rid
),
contacted AS (
  SELECT m.rid, min(c.occurred_at) AS first_contact_at
  FROM mql m JOIN entries c ON c.rid = m.rid AND c.event_type = 'task_completed' AND c.occurred_at >= m.mql_at
  GROUP BY m.rid
)
SELECT m.rid, m.mql_at, m.source, m.rep, coalesce(r.reached_sql, false), coalesce(r.won, false),
       c.first_contact_at
FROM mql m LEFT JOIN reached r ON r.rid = m.rid LEFT JOIN contacted c ON c.rid = m.rid
ORDER BY m.mql_at, m.rid
"""
"""The MQL cohort of a period, one row per lead (its first MQL entry in the period); SQL, won and the
first completed Task count from that entry to the end of the log (docs/kpis.md has the same in Athena)."""


def from_log(
    log_dir: Path,
    period: Period,
    deadline: Callable[[datetime], datetime] | None,
    as_of: datetime,
    *,
    prefix: str = DEFAULT_PREFIX,
) -> FunnelFacts:
    """The cohort in the decision log under ``log_dir``; ``deadline(mql_at)`` is the first-contact SLA's
    breach deadline (``None``: the rules have no such policy), judged at ``as_of``."""
    if not any((log_dir / prefix).glob("dt=*/*.jsonl")):
        raise DecisionLogNotFoundError(f"no decision log under {log_dir / prefix} (no dt=YYYY-MM-DD/*.jsonl)")
    start = datetime.combine(period.first, datetime.min.time(), TOKYO)
    with duckdb.connect() as db:
        db.execute("SET TimeZone = 'UTC'")
        pattern = str(log_dir / prefix / "dt=*" / "*.jsonl")
        rows = db.execute(
            COHORT_QUERY, [pattern, period.first - timedelta(days=1), start, period.end]
        ).fetchall()
    facts = FunnelFacts(source=f"decision log {log_dir}")
    if deadline is None:
        facts.unavailable["sla"] = "the rules have no first-contact SLA policy on the MQL stage (sla.json)"
    for rid, mql_at, source, rep, reached_sql, won, contact in rows:
        mql_at, contact = _utc(mql_at), _utc(contact) if contact else None
        sla = sla_outcome(mql_at, contact, deadline(mql_at), as_of) if deadline else None
        facts.leads.append(
            LeadFacts(
                rid, mql_at, source or UNKNOWN, rep or UNKNOWN, bool(reached_sql), bool(won), contact, sla
            )
        )
    return facts


def sla_outcome(
    mql_at: datetime, contact: datetime | None, deadline: datetime, as_of: datetime
) -> Sla | None:
    """Met when the first contact came by the deadline; breached when it came later, or never and the
    deadline has passed at ``as_of``; ``None`` while the lead is still inside its deadline."""
    if contact is not None:
        return Sla.MET if contact <= deadline else Sla.BREACHED
    return Sla.BREACHED if deadline <= as_of else None


def from_export(path: Path, period: Period) -> FunnelFacts:
    """The cohort in an export: Leads and Contacts whose ``LR_MQL_At__c`` falls in the period."""
    problems = ExportProblems()
    facts = FunnelFacts(source=f"export {path}")
    facts.unavailable["first_contact"] = (
        "an export holds no first contact (completed Tasks are not among its activities): "
        "report from the decision log"
    )
    for _, line in read_export(path, problems):
        if isinstance(line, ExportedPerson):
            lead = _exported(line)
            if lead is not None and period.holds(lead.mql_at):
                facts.leads.append(lead)
    facts.problems = problems.lines
    facts.leads.sort(key=lambda lead: (lead.mql_at, lead.record_id))
    return facts


def _exported(person: ExportedPerson) -> LeadFacts | None:
    """A person's facts from its fields, or ``None`` when it never became an MQL."""
    record = person.record
    stamp = as_timestamp(record.get("LR_MQL_At__c"))
    if stamp is None:
        return None
    stage = str(record.get("LR_Lifecycle_Stage__c") or "")
    won = stage == WON or record.get("LR_Opportunity_Stage__c") in WON_OPPORTUNITY_STAGES
    status = record.get("LR_SLA_Status__c")
    return LeadFacts(
        record_id=person.id[:15],
        mql_at=datetime.fromtimestamp(stamp, UTC),
        source=_first(record, "LR_First_Touch_Source__c", "LeadSource"),
        rep=_first(record, "OwnerId"),
        reached_sql=won or stage in SQL_OR_BEYOND or record.get("IsConverted") is True,
        won=won,
        sla=Sla.MET if status in SLA_KEPT else Sla.BREACHED if status in SLA_MISSED else None,
    )


def _first(record: dict[str, Any], *names: str) -> str:
    values: Iterable[Any] = (record.get(name) for name in names)
    return next((str(value) for value in values if value not in (None, "")), UNKNOWN)


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
