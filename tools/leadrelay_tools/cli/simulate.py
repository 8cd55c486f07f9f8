"""`leadrelay rules simulate`: what a rule change would do, before it ships.

The baseline rule set (a directory or a git ref) and the proposed one (``--rules``) evaluate the same
exported leads and activities at the same ``now``. The report: the MQL count before and after, every
lead whose stage, score band or owner changes with the rules that made the difference, load per rep and
per pool, and each score's distribution — in the terminal, as JSON, and as one self-contained HTML page.
Nothing is written anywhere but the ``--html`` file.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leadrelay.engine import RuleSetError

from leadrelay_tools.cli.output import ProgressBar, print_json
from leadrelay_tools.export_format import ExportHeader, parse_line
from leadrelay_tools.simulation.baseline import BaselineError, baseline_rules
from leadrelay_tools.simulation.page import html_report, print_report
from leadrelay_tools.simulation.run import simulate
from leadrelay_tools.simulation.summary import summarise


def add_simulate(actions: Any, rules_default: Path) -> None:
    """Add `rules simulate` to the `rules` sub-commands."""
    parser = actions.add_parser(
        "simulate",
        help="compare a proposed rule set with the baseline on exported leads",
        description="Evaluate the baseline rules (a directory or a git ref such as main or v1.4) and the "
        "proposed ones on the same exported leads at the same instant, and report what would change: "
        "MQL counts, each lead whose stage, score band or owner changes and the rules that made the "
        "difference, load per rep and pool, score distributions. Writes nothing but --html.",
    )
    parser.add_argument("--baseline", required=True, metavar="REF_OR_DIR", help="rules directory or git ref")
    parser.add_argument(
        "--rules", type=Path, default=rules_default, help="the proposed rules (default: rules)"
    )
    parser.add_argument(
        "--input", type=Path, required=True, metavar="EXPORT.jsonl", help="from `leadrelay export`"
    )
    parser.add_argument("--now", help="evaluation instant, ISO-8601 with a zone (default: the export's time)")
    parser.add_argument("--html", type=Path, metavar="FILE", help="also write the report as one HTML page")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: one per core)")
    parser.add_argument("--band-width", type=int, default=10, help="points per score band (default: 10)")
    parser.add_argument("--limit", type=int, default=50, help="changed leads shown in the terminal")
    parser.add_argument("--json", action="store_true", help="print the whole result as JSON")
    parser.set_defaults(func=run_simulate)


def run_simulate(args: argparse.Namespace) -> int:
    """Simulate; exit 1 on invalid rules, 2 on an unusable input, baseline or argument."""
    if not args.input.is_file():
        return _fail(f"{args.input}: no such export file (write one with `leadrelay export`)")
    if args.band_width < 1 or (args.workers is not None and args.workers < 1):
        return _fail("--band-width and --workers must be at least 1")
    try:
        now = _instant(args.now, args.input)
        with baseline_rules(args.baseline, args.rules) as baseline:
            bar = ProgressBar("simulating", None)
            try:
                done = 0

                def advance(lines: int) -> None:
                    nonlocal done
                    done += lines
                    bar.update(done)

                simulation = simulate(
                    args.input,
                    baseline,
                    args.rules,
                    now=now,
                    workers=args.workers,
                    band_width=args.band_width,
                    progress=advance,
                )
            finally:
                bar.close()
    except (BaselineError, ValueError) as error:
        return _fail(str(error))
    except RuleSetError as error:
        print(f"error: the rules are invalid:\n{error}", file=sys.stderr)
        return 1
    summary = summarise(simulation)
    if args.html:
        args.html.write_text(html_report(summary), encoding="utf-8")
    if args.json:
        print_json({**summary.to_dict(), "html": None if args.html is None else str(args.html)})
        return 0
    print_report(summary, limit=args.limit)
    if args.html:
        print(f"\nHTML report: {args.html}")
    return 0


def _instant(text: str | None, export: Path) -> datetime:
    """``--now``, else the export's ``exported_at``, else the clock."""
    if text:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            raise ValueError(f"--now {text!r} needs a time zone (e.g. {text}+09:00)")
        return moment
    with export.open(encoding="utf-8-sig") as lines:
        first = lines.readline()
    try:
        header = parse_line(first)
    except ValueError:
        return datetime.now(UTC)
    return header.exported_at if isinstance(header, ExportHeader) else datetime.now(UTC)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2
