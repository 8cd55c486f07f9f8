"""The KPI report as text cells and as a self-contained HTML page: headline tiles, the funnel, the weekly
trend (MQLs and SQLs per week; MQL→SQL and SLA compliance against the 90 % target) and the table."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from leadrelay_tools.funnel.kpis import SLA_TARGET, KpiReport, Kpis
from leadrelay_tools.reports.html import Page, bars, funnel

COLUMNS = {
    "group": "group",
    "mqls": "MQLs",
    "sqls": "SQLs",
    "mql_to_sql_rate": "MQL→SQL",
    "won": "won",
    "sql_to_won_rate": "SQL→won",
    "contacted": "contacted",
    "first_contact_mean_hours": "first contact mean (h)",
    "first_contact_median_hours": "first contact median (h)",
    "sla_met": "SLA met",
    "sla_breached": "SLA breached",
    "sla_compliance_rate": "SLA compliance",
}
"""The table's columns: KPI name → heading."""
REASONS = {"first_contact": "time to first contact", "sla": "SLA compliance"}


def cells(kpis: Kpis) -> dict[str, Any]:
    """A row for a table: headings as keys; rates as ``42.9 %``, what is missing as ``n/a``."""
    values = kpis.to_dict()
    row: dict[str, Any] = {}
    for name, heading in COLUMNS.items():
        value = values[name]
        if value is None:
            row[heading] = "n/a"
        elif name.endswith("rate"):
            row[heading] = f"{value * 100:.1f} %"
        else:
            row[heading] = value
    return row


def notes(report: KpiReport) -> list[str]:
    """Why each missing KPI is missing (one sentence each)."""
    return [f"{REASONS.get(fact, fact)} is not available: {why}" for fact, why in report.unavailable.items()]


def html_page(report: KpiReport, title: str) -> str:
    """The whole page, opened without network access (plotly.js inline)."""
    page = Page(title)
    page.note(f"Source: {report.source}. Cohort: the leads that entered MQL in the period (docs/kpis.md).")
    total = cells(report.total)
    page.tiles(
        {
            "MQLs": total["MQLs"],
            "MQL→SQL": total["MQL→SQL"],
            "SQL→won": total["SQL→won"],
            "first contact mean (h)": total["first contact mean (h)"],
            "first contact median (h)": total["first contact median (h)"],
            f"SLA compliance (target {SLA_TARGET:.0%})": total["SLA compliance"],
        }
    )
    for sentence in notes(report):
        page.note(sentence)
    page.heading("Funnel")
    stages = ["MQL", "SQL", "won"]
    page.chart(
        "funnel", funnel("MQL → SQL → won", stages, {"leads": [total["MQLs"], total["SQLs"], total["won"]]})
    )
    page.heading("Weekly trend")
    weeks = [row.group for row in report.weeks]
    volume = bars(
        "MQLs and SQLs per MQL week (Monday, JST)",
        weeks,
        {"MQLs": [r.mqls for r in report.weeks], "SQLs": [r.sqls for r in report.weeks]},
        y="leads",
    )
    page.chart("weekly-volume", _by_week(volume))
    page.chart("weekly-rates", _by_week(_rates(report, weeks)))
    page.heading(f"By {report.by.value}")
    rows = [cells(report.total), *(cells(row) for row in report.rows)]
    page.table(rows, list(COLUMNS.values()))
    if report.problems:
        page.note(f"{len(report.problems)} input line(s) skipped: " + "; ".join(report.problems[:20]))
    return page.render()


def _rates(report: KpiReport, weeks: list[str]) -> go.Figure:
    """MQL→SQL and (when available) SLA compliance per week, in percent, with the SLA target."""
    lines = {"MQL→SQL %": [_percent(r.mql_to_sql_rate) for r in report.weeks]}
    if "sla" not in report.unavailable:
        lines["SLA compliance %"] = [_percent(r.sla_compliance_rate) for r in report.weeks]
    figure = go.Figure(
        [
            go.Scatter(name=name, x=weeks, y=values, mode="lines+markers+text", text=values)
            for name, values in lines.items()
        ]
    )
    if "sla" not in report.unavailable:
        figure.add_hline(y=SLA_TARGET * 100, line_dash="dash", annotation_text=f"SLA target {SLA_TARGET:.0%}")
    figure.update_layout(
        title="Rates per MQL week", yaxis_title="%", yaxis_range=[0, 105], template="plotly_white"
    )
    return figure


def _by_week(figure: go.Figure) -> go.Figure:
    """Weeks as labels (``2026-11-16``), one per Monday: a date axis would stretch a single week over
    milliseconds."""
    figure.update_xaxes(type="category", title="week (Monday)")
    return figure


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)
