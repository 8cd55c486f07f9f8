"""``leadrelay report``: the funnel KPIs — MQLs, MQL→SQL, time to first contact, SLA compliance, SQL→won.

The cohort is the leads that entered MQL in the period (``--since 90d`` or a date, to ``--until``, on
Japanese calendar days), read from the decision log with DuckDB (``--log DIR``, the default) or from an
export (``--input export.jsonl``). One row per ``--by`` group (week, month, source, rep) after the total;
``--html FILE`` writes a self-contained page with the funnel and the weekly trend. A KPI the source
cannot give is ``n/a`` with the reason, never a number. docs/kpis.md defines each KPI per source.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from leadrelay.domain.calendar import BusinessCalendar
from leadrelay.domain.sla import first_response
from leadrelay.rulefiles.bundle import load_rule_bundle

from leadrelay_tools.cli.explanation import DEFAULT_RULES
from leadrelay_tools.cli.output import print_json, print_table
from leadrelay_tools.cli.why import default_log_dir
from leadrelay_tools.decision_history import DecisionLogNotFoundError
from leadrelay_tools.funnel.facts import MQL, TOKYO, FunnelFacts, Period, from_export, from_log
from leadrelay_tools.funnel.kpis import GroupBy, KpiReport, report
from leadrelay_tools.funnel.page import COLUMNS, cells, html_page, notes

DAYS = re.compile(r"^(\d{1,5})d$")
DEFAULT_SINCE = "90d"


def register(subparsers: Any) -> None:
    """Add `report`."""
    parser = subparsers.add_parser(
        "report",
        help="the funnel KPIs (MQLs, MQL→SQL, first contact, SLA compliance, SQL→won)",
        description="Compute the funnel KPIs of the leads that entered MQL in the period, from the decision "
        "log (DuckDB) or an export, as a table, JSON or a self-contained HTML page (docs/kpis.md).",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--log",
        type=Path,
        default=None,
        metavar="DIR",
        help="the decision log directory (default: LEADRELAY_DECISION_LOG_DIR or .leadrelay/decision-log)",
    )
    source.add_argument("--input", type=Path, default=None, metavar="EXPORT", help="an export (JSON Lines)")
    parser.add_argument(
        "--since", default=DEFAULT_SINCE, metavar="90d|YYYY-MM-DD", help="first day (default: 90d)"
    )
    parser.add_argument("--until", default=None, metavar="YYYY-MM-DD", help="last day (default: today, JST)")
    parser.add_argument("--by", choices=[g.value for g in GroupBy], default=GroupBy.WEEK.value, help="rows")
    parser.add_argument(
        "--rules",
        type=Path,
        default=None,
        metavar="DIR",
        help="rules whose first-contact SLA judges the log's leads (default: LEADRELAY_RULES_PATH or rules)",
    )
    parser.add_argument("--html", type=Path, default=None, metavar="FILE", help="also write the HTML page")
    parser.add_argument("--json", action="store_true", help="print the KPIs as JSON")
    parser.set_defaults(func=run_report)


def run_report(args: argparse.Namespace) -> int:
    """Print the KPIs; exit 2 when the period or the log is not usable."""
    now = datetime.now(UTC)
    try:
        period = parse_period(args.since, args.until, today=now.astimezone(TOKYO).date())
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        facts = _facts(args, period, now)
    except DecisionLogNotFoundError as error:
        print(
            f"error: {error}; run the processor with LEADRELAY_DECISION_LOG_DIR, `leadrelay demo`, "
            "or give an export with --input",
            file=sys.stderr,
        )
        return 2
    kpis = report(facts, GroupBy(args.by))
    for problem in kpis.problems:
        print(f"{args.input}: {problem} (skipped)", file=sys.stderr)
    if args.html:
        title = f"leadrelay funnel KPIs {period.first} – {period.last}"
        args.html.write_text(html_page(kpis, title), encoding="utf-8")
    if args.json:
        print_json(_payload(kpis, period))
        return 0
    _print(kpis, period, args.html)
    return 0


def parse_period(since: str, until: str | None, *, today: date) -> Period:
    """``--since`` (``90d``: the 90 days up to ``--until``, or a date) and ``--until`` (default today)."""
    try:
        last = date.fromisoformat(until) if until else today
    except ValueError:
        raise ValueError(f"--until {until!r} is not a date (YYYY-MM-DD)") from None
    days = DAYS.match(since)
    if days and int(days.group(1)) > 0:
        return Period(last - timedelta(days=int(days.group(1)) - 1), last)
    try:
        first = date.fromisoformat(since)
    except ValueError:
        raise ValueError(
            f"--since {since!r} is neither a number of days (90d) nor a date (YYYY-MM-DD)"
        ) from None
    if first > last:
        raise ValueError(f"--since {first} is after --until {last}")
    return Period(first, last)


def _facts(args: argparse.Namespace, period: Period, now: datetime) -> FunnelFacts:
    if args.input is not None:
        if not args.input.is_file():
            raise FileNotFoundError(2, "no such export file", str(args.input))
        return from_export(args.input, period)
    rules = args.rules or Path(os.environ.get("LEADRELAY_RULES_PATH") or DEFAULT_RULES)
    return from_log(args.log or default_log_dir(), period, sla_deadline(rules), as_of=min(now, period.end))


def sla_deadline(rules: Path) -> Callable[[datetime], datetime] | None:
    """The first-contact SLA's breach deadline for a lead that entered MQL at a moment (in Japan), from
    ``sla.json`` on ``routing.json``'s business calendar; ``None`` when the rules have no such policy."""
    bundle = load_rule_bundle(rules)
    stage = bundle.routing.file.stage if bundle.routing else MQL
    found = first_response(bundle.sla, stage)
    if found is None:
        return None
    calendar = bundle.routing.calendar if bundle.routing else BusinessCalendar()
    span = found[1].after.span()
    return lambda mql_at: calendar.deadline(mql_at, span, TOKYO)


def _payload(kpis: KpiReport, period: Period) -> dict[str, Any]:
    return {
        "source": kpis.source,
        "period": {"first": period.first.isoformat(), "last": period.last.isoformat()},
        "by": kpis.by.value,
        "total": kpis.total.to_dict(),
        "rows": [row.to_dict() for row in kpis.rows],
        "weeks": [row.to_dict() for row in kpis.weeks],
        "unavailable": kpis.unavailable,
        "skipped": kpis.problems,
    }


def _print(kpis: KpiReport, period: Period, html: Path | None) -> None:
    span = f"from {period.first} to {period.last} (JST)"
    print(f"{kpis.source}: {kpis.total.mqls} MQLs {span}, by {kpis.by.value}")
    print_table([cells(kpis.total), *(cells(row) for row in kpis.rows)], list(COLUMNS.values()))
    for sentence in notes(kpis):
        print(f"n/a: {sentence}")
    if html is not None:
        print(f"HTML page: {html} (open it in a browser; it needs no network)")
