"""The funnel KPIs of an MQL cohort, overall and per group (week, month, source, rep).

Every rate is over the cohort of its row: MQL→SQL is the share of the row's MQLs that reached SQL; SQL→won
the share of those SQLs that were won; SLA compliance the share of the row's ended first-contact SLAs
that were met. A KPI a source cannot give is ``None`` with the reason in :attr:`KpiReport.unavailable`,
never a number; a rate over nobody is ``None`` too (shown as ``n/a``).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from leadrelay_tools.funnel.facts import TOKYO, FunnelFacts, LeadFacts, Sla

SLA_TARGET = 0.90
"""The seeds' SLA compliance target (90 % of MQLs contacted within the deadline)."""
KPI_NAMES = (
    "mqls",
    "sqls",
    "mql_to_sql_rate",
    "won",
    "sql_to_won_rate",
    "contacted",
    "first_contact_mean_hours",
    "first_contact_median_hours",
    "sla_met",
    "sla_breached",
    "sla_compliance_rate",
)


class GroupBy(StrEnum):
    """How the cohort is split into rows."""

    WEEK = "week"
    MONTH = "month"
    SOURCE = "source"
    REP = "rep"


GROUP_KEYS: dict[GroupBy, Callable[[LeadFacts], str]] = {
    GroupBy.WEEK: lambda lead: _monday(lead).isoformat(),
    GroupBy.MONTH: lambda lead: lead.mql_at.astimezone(TOKYO).strftime("%Y-%m"),
    GroupBy.SOURCE: lambda lead: lead.source,
    GroupBy.REP: lambda lead: lead.rep,
}
"""A lead's row: the Monday of its MQL week or its MQL month (in Japan), its source, its rep."""


@dataclass(frozen=True)
class Kpis:
    """One row: the KPIs of a group of the cohort (``None``: not available, or a rate over nobody)."""

    group: str
    mqls: int
    sqls: int
    won: int
    contacted: int | None
    first_contact_hours: tuple[float, ...]
    sla_met: int | None
    sla_breached: int | None
    unavailable: frozenset[str] = frozenset()

    @property
    def mql_to_sql_rate(self) -> float | None:
        """SQLs / MQLs."""
        return _rate(self.sqls, self.mqls)

    @property
    def sql_to_won_rate(self) -> float | None:
        """Won / SQLs."""
        return _rate(self.won, self.sqls)

    @property
    def first_contact_mean_hours(self) -> float | None:
        """The mean hours from MQL to the first contact, over the contacted leads."""
        return statistics.fmean(self.first_contact_hours) if self.first_contact_hours else None

    @property
    def first_contact_median_hours(self) -> float | None:
        """The median hours from MQL to the first contact, over the contacted leads."""
        return statistics.median(self.first_contact_hours) if self.first_contact_hours else None

    @property
    def sla_compliance_rate(self) -> float | None:
        """Met / (met + breached): SLAs still running are not counted yet."""
        if self.sla_met is None or self.sla_breached is None:
            return None
        return _rate(self.sla_met, self.sla_met + self.sla_breached)

    def to_dict(self) -> dict[str, Any]:
        """Every KPI by name (rates as fractions, hours rounded to 0.1), the group first."""
        values: dict[str, Any] = {"group": self.group}
        for name in KPI_NAMES:
            value = getattr(self, name)
            values[name] = (
                round(value, 4 if name.endswith("rate") else 1) if isinstance(value, float) else value
            )
        return values


@dataclass
class KpiReport:
    """The whole cohort's KPIs, its rows, and why a KPI is missing."""

    source: str
    by: GroupBy
    total: Kpis
    rows: list[Kpis]
    weeks: list[Kpis]
    """The weekly trend (whatever ``by`` is)."""
    unavailable: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def kpis_of(group: str, leads: Sequence[LeadFacts], unavailable: Iterable[str]) -> Kpis:
    """The KPIs of ``leads`` (``unavailable``: the facts the source lacks)."""
    missing = frozenset(unavailable)
    contacted = [lead for lead in leads if lead.first_contact_at is not None]
    hours = tuple(
        (lead.first_contact_at - lead.mql_at) / timedelta(hours=1)
        for lead in contacted
        if lead.first_contact_at is not None
    )
    no_contact, no_sla = "first_contact" in missing, "sla" in missing
    return Kpis(
        group=group,
        mqls=len(leads),
        sqls=sum(lead.reached_sql for lead in leads),
        won=sum(lead.won for lead in leads),
        contacted=None if no_contact else len(contacted),
        first_contact_hours=() if no_contact else hours,
        sla_met=None if no_sla else sum(lead.sla is Sla.MET for lead in leads),
        sla_breached=None if no_sla else sum(lead.sla is Sla.BREACHED for lead in leads),
        unavailable=missing,
    )


def report(facts: FunnelFacts, by: GroupBy) -> KpiReport:
    """The cohort's KPIs overall, per ``by`` group (in order) and per week."""
    missing = facts.unavailable.keys()
    return KpiReport(
        source=facts.source,
        by=by,
        total=kpis_of("total", facts.leads, missing),
        rows=_grouped(facts.leads, by, missing),
        weeks=_grouped(facts.leads, GroupBy.WEEK, missing),
        unavailable=dict(facts.unavailable),
        problems=list(facts.problems),
    )


def _grouped(leads: Sequence[LeadFacts], by: GroupBy, missing: Iterable[str]) -> list[Kpis]:
    key = GROUP_KEYS[by]
    groups: dict[str, list[LeadFacts]] = {}
    for lead in leads:
        groups.setdefault(key(lead), []).append(lead)
    ordered = (
        sorted(groups)
        if by in (GroupBy.WEEK, GroupBy.MONTH)
        else sorted(groups, key=lambda g: -len(groups[g]))
    )
    return [kpis_of(group, groups[group], missing) for group in ordered]


def _monday(lead: LeadFacts) -> Any:
    day = lead.mql_at.astimezone(TOKYO).date()
    return day - timedelta(days=day.weekday())


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None
