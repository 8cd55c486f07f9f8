"""The whole hand-off's written reports: an export of what the demo left in the local org, the
simulation page (the shipped rules against a stricter MQL line) and the funnel KPI page."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import boto3
from leadrelay.pipeline.fields import PersonFields
from leadrelay.rulefiles.bundle import load_rule_bundle
from leadrelay.settings import Settings

from leadrelay_tools.cli.org import org_client
from leadrelay_tools.cli.report import sla_deadline
from leadrelay_tools.funnel.facts import TOKYO, Period, from_log
from leadrelay_tools.funnel.kpis import GroupBy, report
from leadrelay_tools.funnel.page import html_page
from leadrelay_tools.org_export import ActivityTable, write_export
from leadrelay_tools.simulation.baseline import rules_with_thresholds
from leadrelay_tools.simulation.page import html_report
from leadrelay_tools.simulation.run import simulate
from leadrelay_tools.simulation.summary import summarise


def export_org(settings: Settings, rules: Path, path: Path, now: datetime) -> Path:
    """What the demo left in the local org and the activity table, as an export (Bulk API 2.0)."""
    bundle = load_rule_bundle(rules)
    fields = PersonFields(bundle.ownership, bundle.lead_fields)
    table = ActivityTable(boto3.client("dynamodb"), str(settings.activity_table))
    with path.open("w", encoding="utf-8") as out:
        write_export(
            out,
            org_client(settings),
            table,
            objects=("Lead", "Contact"),
            fields_for=lambda sobject: fields[sobject],  # type: ignore[index]
            since=now - timedelta(days=90),
            now=now,
            wait=0.0,
        )
    return path


def kpi_page(rules: Path, out_dir: Path, now: datetime) -> Path:
    """The funnel KPIs of the last 90 days from the demo's decision log, as HTML (``leadrelay report``)."""
    today = now.astimezone(TOKYO).date()
    period = Period(today - timedelta(days=89), today)
    facts = from_log(out_dir / "decision-log", period, sla_deadline(rules), as_of=now)
    page = out_dir / "kpis.html"
    page.write_text(
        html_page(report(facts, GroupBy.WEEK), f"leadrelay funnel KPIs {period.first} – {period.last}"),
        encoding="utf-8",
    )
    return page


def simulate_stricter(rules: Path, out_dir: Path, now: datetime) -> Path:
    """The export under the shipped rules and under a stricter MQL line (engagement 50 → 60), as HTML."""
    proposed = rules_with_thresholds(rules, out_dir / "proposed-rules", mql_engagement=60)
    simulation = simulate(out_dir / "export.jsonl", rules, proposed, now=now, workers=1)
    page = out_dir / "simulation.html"
    page.write_text(html_report(summarise(simulation)), encoding="utf-8")
    return page
