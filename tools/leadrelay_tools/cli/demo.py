"""`leadrelay demo`: the README's first command — score the sample leads with the shipped rules.

At this stage the demo evaluates every lead file in ``examples/leads/`` with the rules in
``rules/`` and prints one row per lead: fit, engagement, the stage move and the rules that
gave the most points. ``demo_rows`` returns those rows so later stages of the pipeline can
add their own columns.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leadrelay.engine.decision import Decision
from leadrelay.rulefiles.rulecases import Evaluator, format_points

from leadrelay_tools.cli.demo_pipeline import format_pipeline_demo, run_pipeline_demo
from leadrelay_tools.cli.explanation import DEFAULT_RULES, LeadFile, lead_name, load_rule_set, stage_move
from leadrelay_tools.cli.output import format_table, print_json
from leadrelay_tools.cli.rules import InputError, read_lead_file

DEFAULT_EXAMPLES = Path("examples/leads")
COLUMNS = ("lead", "company", "fit", "engagement", "stage", "top reasons")


def register(subparsers: Any) -> None:
    """Add the `demo` command."""
    parser = subparsers.add_parser(
        "demo",
        help="score the sample leads in examples/ with the shipped rules",
        description="Evaluate every sample lead (examples/leads/*.json) with the rule set in rules/ and "
        "print a table: fit and engagement scores, the lifecycle stage move and the top reasons.",
    )
    parser.add_argument("--examples", type=Path, default=DEFAULT_EXAMPLES, help="directory of lead files")
    parser.add_argument("--rules", type=Path, default=DEFAULT_RULES, help="rules directory (default: rules)")
    parser.add_argument("--json", action="store_true", help="print the rows (and full decisions) as JSON")
    parser.set_defaults(func=run_demo)


def read_samples(directory: Path) -> list[LeadFile]:
    """Every ``*.json`` lead file in ``directory``, by file name."""
    if not directory.is_dir():
        raise InputError(f"{directory}: no such directory of sample leads")
    return [read_lead_file(path) for path in sorted(directory.glob("*.json"))]


def top_reasons(decision: Decision, count: int = 3) -> str:
    """The ``count`` rules that gave the most points, rounded: ``pricing_page +25, company_size +15``."""
    hits = sorted(decision.trace or (), key=lambda hit: -abs(hit.points))[:count]
    return ", ".join(f"{hit.rule_id.split('.', 1)[-1]} {format_points(round(hit.points))}" for hit in hits)


def demo_rows(rules: Evaluator, samples: Sequence[LeadFile], *, now: datetime) -> list[dict[str, Any]]:
    """One row per sample: who, the scores, the stage move and the top reasons (``decision`` kept too).

    Each sample is evaluated at its own ``now`` when the file has one, else at ``now``.
    """
    rows = []
    for sample in samples:
        decision = rules.evaluate(sample.context, now=sample.now or now, trace=True)
        rows.append(
            {
                "file": sample.path.name,
                "lead": lead_name(sample.lead),
                "company": sample.lead.get("Company"),
                "title": sample.lead.get("Title"),
                **decision.scores,
                "stage": stage_move(decision).removesuffix(" (no change)"),
                "top reasons": top_reasons(decision),
                "decision": decision,
            }
        )
    return rows


def run_demo(args: argparse.Namespace) -> int:
    """Print the demo table (or JSON); exit 1 when the rules are invalid, 2 when a sample is unreadable."""
    try:
        samples = read_samples(args.examples)
    except InputError as error:
        print(f"error: {error}")
        return 2
    rules = load_rule_set(args.rules, as_json=args.json)
    if rules is None:
        return 1
    now = datetime.now(UTC)
    rows = demo_rows(rules, samples, now=now)
    pipeline = run_pipeline_demo(samples, args.rules, now=max((s.now or now for s in samples), default=now))
    if args.json:
        print_json({"ruleset_version": rules.version, "rows": rows, "pipeline": pipeline})
        return 0
    print(f"leadrelay demo: {len(rows)} sample leads in {args.examples}, rule set {rules.version}\n")
    print(format_table(rows, COLUMNS, max_width=70))
    print("\n" + format_pipeline_demo(pipeline))
    if rows:
        print(f"\nWhy? leadrelay rules explain {args.examples / rows[0]['file']}")
    return 0
