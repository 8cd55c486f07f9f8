"""`leadrelay demo`: the README's first command — score the sample leads with the shipped rules.

At this stage the demo evaluates every lead file in ``examples/leads/`` with the rules in
``rules/`` and prints one row per lead: fit, engagement, the stage move and the rules that
gave the most points. ``demo_rows`` returns those rows so later stages of the pipeline can
add their own columns.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leadrelay.domain.sfvalues import same_value
from leadrelay.engine.decision import Decision
from leadrelay.rulefiles.rulecases import Evaluator, format_points

from leadrelay_tools.cli.demo_pipeline import PipelineDemo, format_pipeline_demo, run_pipeline_demo
from leadrelay_tools.cli.demo_system import format_system_demo, run_system_demo
from leadrelay_tools.cli.explanation import DEFAULT_RULES, LeadFile, lead_name, load_rule_set, stage_move
from leadrelay_tools.cli.output import print_json, print_table
from leadrelay_tools.cli.rules import InputError, read_lead_file
from leadrelay_tools.cli.why import DEFAULT_LOG_DIR, default_log_dir
from leadrelay_tools.local_pipeline import coerced_record
from leadrelay_tools.localorg.metadata import load_schema

DEFAULT_EXAMPLES = Path("examples/leads")
SYSTEM_EXAMPLES = ("replay.jsonl", "replay-seed.json", "replay-secrets.json")
"""What the whole hand-off replays, next to the sample leads' directory."""
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
    parser.add_argument(
        "--decision-log",
        type=Path,
        default=default_log_dir(),
        metavar="DIR",
        help="where the pipeline logs its decisions for `leadrelay why` "
        f"(default: LEADRELAY_DECISION_LOG_DIR or {DEFAULT_LOG_DIR})",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=Path(os.environ.get("LEADRELAY_DEMO_DIR") or ".leadrelay"),
        metavar="DIR",
        help="where the whole hand-off writes its export and reports "
        "(default: LEADRELAY_DEMO_DIR or .leadrelay)",
    )
    parser.add_argument(
        "--leads-only",
        action="store_true",
        help="only the sample leads' table and pipeline; leave out the whole hand-off (a quicker loop "
        "while editing rules)",
    )
    parser.set_defaults(func=run_demo)


def read_samples(directory: Path) -> list[LeadFile]:
    """Every ``*.json`` lead file in ``directory``, by file name."""
    if not directory.is_dir():
        raise InputError(f"{directory}: no such directory of sample leads")
    return [read_lead_file(path) for path in sorted(directory.glob("*.json"))]


def typed_samples(samples: Sequence[LeadFile]) -> tuple[list[LeadFile], list[str]]:
    """The samples with their values as the org's Lead fields take them (``"１，２００"`` employees →
    ``1200``), so the rules see what the org will hold; and a note per value left out."""
    schema = load_schema()
    typed: list[LeadFile] = []
    notes: list[str] = []
    for sample in samples:
        lead, problems = coerced_record(schema, "Lead", sample.lead)
        notes.extend(f"{sample.path.name}: {problem}" for problem in problems)
        context = {**sample.context, "lead": lead}
        typed.append(dataclasses.replace(sample, context=context, lead=lead))
    return typed, notes


def differences(rows: Sequence[dict[str, Any]], pipeline: PipelineDemo) -> list[str]:
    """Why a lead's row in the pipeline's table differs from its row in the rules' table."""
    held = {row["lead"]: row for row in pipeline.leads}
    notes = []
    for row in rows:
        org = held.get(row["lead"])
        if org is None:
            notes.append(f"{row['lead']}: not in the org (see the sample values the org could not take)")
            continue
        expected = (row["fit"], row["engagement"], row["stage"].split(" → ")[-1].split(" [")[0])
        found = (org["fit"], org["engagement"], org["stage"])
        if all(same_value(a, b) for a, b in zip(found, expected, strict=True)):
            continue
        why = (
            f"its sample sets {', '.join(pipeline.unseeded[row['lead']])}, which only Salesforce sets "
            "(lead conversion), so the org's copy is not converted"
            if row["lead"] in pipeline.unseeded
            else "the org's copy and the sample file differ"
        )
        notes.append(
            f"{row['lead']}: the rules give fit {expected[0]}, engagement {expected[1]}, stage "
            f"{expected[2]}; the org holds fit {found[0]:g}, engagement {found[1]:g}, stage {found[2]}: {why}"
        )
    return notes


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


def start_afresh(decision_logs: Sequence[Path], output: Path) -> None:
    """Empty the decision logs under the demo's ``output`` directory: each run starts new local orgs, so its
    log, the duplicates it reads back and the KPI page it charts are that run's alone. A log elsewhere
    (``--decision-log``, ``LEADRELAY_DECISION_LOG_DIR``) is the user's: it is only added to."""
    for log in decision_logs:
        if log.resolve().is_relative_to(output.resolve()) and log.is_dir():
            shutil.rmtree(log)


def run_demo(args: argparse.Namespace) -> int:
    """Print the demo table (or JSON); exit 1 when the rules are invalid, 2 when a sample is unreadable."""
    try:
        samples, notes = typed_samples(read_samples(args.examples))
    except InputError as error:
        print(f"error: {error}")
        return 2
    rules = load_rule_set(args.rules, as_json=args.json)
    if rules is None:
        return 1
    start_afresh([args.decision_log, args.output / "decision-log"], args.output)
    now = datetime.now(UTC)
    rows = demo_rows(rules, samples, now=now)
    at = max((s.now or now for s in samples), default=now)
    pipeline = run_pipeline_demo(samples, args.rules, now=at, decision_log=args.decision_log)
    why = differences(rows, pipeline)
    deliveries = args.examples.parent
    system = None
    if not args.leads_only and all((deliveries / name).is_file() for name in SYSTEM_EXAMPLES):
        args.output.mkdir(parents=True, exist_ok=True)
        system = run_system_demo(args.rules, deliveries, args.output, now=now)
    if args.json:
        payload = {"ruleset_version": rules.version, "rows": rows, "pipeline": pipeline, "system": system}
        print_json({**payload, "notes": notes, "differences": why})
        return 0
    print(f"leadrelay demo: {len(rows)} sample leads in {args.examples}, rule set {rules.version}\n")
    print_table(rows, COLUMNS, max_width=70)
    for note in notes:
        print(f"  {note}")
    print("\n" + format_pipeline_demo(pipeline))
    print("\nThe two tables " + ("agree." if not why else "differ:\n" + "\n".join(f"  {w}" for w in why)))
    if rows:
        print(f"\nWhy? leadrelay rules explain {args.examples / rows[0]['file']}")
    if args.leads_only:
        print("\nThe whole hand-off is left out (--leads-only).")
    elif system is None:
        print(f"\nThe whole hand-off is left out: {deliveries} has no {' and '.join(SYSTEM_EXAMPLES)}")
    else:
        print("\n" + format_system_demo(system))
    return 0
