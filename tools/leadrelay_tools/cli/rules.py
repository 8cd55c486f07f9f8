"""`leadrelay rules validate|test|explain`: the Salesforce admin's tools for the rule files.

* ``validate [PATH]`` reports every problem in every rule file at once (``FILE:POINTER: message``);
* ``test [PATH]`` runs the rule test cases in ``PATH/tests/*.json`` and prints a diff per failure
  (and the match rules' pair cases when ``PATH/dedup.json`` exists);
* ``explain LEAD.json`` shows a lead's scores, the rules that gave them and the stage move;
* ``simulate --baseline REF_OR_DIR --input EXPORT`` compares a proposed rule set with the baseline
  (:mod:`leadrelay_tools.cli.simulate`).

Exit codes: 0 fine, 1 invalid rules or failing tests, 2 an unreadable input file or argument.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leadrelay.engine.decision import Decision
from leadrelay.engine.diagnostics import Diagnostic
from leadrelay.rulefiles.rulecases import (
    RuleTestFile,
    RuleTestReport,
    describe_hits,
    format_differences,
    run_cases,
)

from leadrelay_tools.cli.dedup_tests import print_dedup_report, run_dedup_tests
from leadrelay_tools.cli.explain_record import RecordInputError, explain_record
from leadrelay_tools.cli.explanation import (
    DEFAULT_RULES,
    LeadFile,
    load_rule_set,
    print_explanation,
    print_misses,
    stage_move,
)
from leadrelay_tools.cli.output import print_case_results, print_json
from leadrelay_tools.cli.routing_tests import print_routing_report, run_routing_tests
from leadrelay_tools.cli.simulate import add_simulate


class InputError(Exception):
    """A file or argument the command cannot read; the message names it (exit 2)."""


def read_json(path: Path) -> Any:
    """Parse a JSON file; ``InputError`` names the file (and line:column for broken JSON)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror or error}") from None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise InputError(f"{path}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}") from None


def parse_now(text: str, where: str) -> datetime:
    """An ISO-8601 instant; a value without an offset is read as UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{where}: not an ISO-8601 date-time: {text!r}") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def read_lead_file(path: Path) -> LeadFile:
    """Read ``{"now"?, "lead", "activities"?, "event"?}``, or a bare Lead record (no ``lead`` key)."""
    document = read_json(path)
    if not isinstance(document, dict):
        raise InputError(f'{path}: expected a JSON object with a "lead", got {type(document).__name__}')
    if "lead" not in document:
        document = {"lead": document}
    lead = document["lead"]
    if not isinstance(lead, dict):
        raise InputError(f"{path}:/lead: expected an object of Salesforce fields")
    activities = document.get("activities", [])
    if not isinstance(activities, list):
        raise InputError(f"{path}:/activities: expected a list of activities")
    now = document.get("now")
    if now is not None and not isinstance(now, str):
        raise InputError(f"{path}:/now: expected an ISO-8601 string")
    context: dict[str, Any] = {"lead": lead, "activities": activities}
    if isinstance(document.get("event"), dict):
        context["event"] = document["event"]
    return LeadFile(path, context, parse_now(now, f"{path}:/now") if now else None, lead)


def register(subparsers: Any) -> None:
    """Add `rules validate|test|explain`."""
    parser = subparsers.add_parser(
        "rules",
        help="validate, test and explain the rule files",
        description="Check the rule files, run the rule test cases, and explain a lead's scores.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    validate = _action(
        actions,
        run_validate,
        "report every problem in the rule files",
        "Check every rule file in PATH and report every problem at once, as FILE:JSON-POINTER: message "
        "(broken JSON as FILE:LINE:COLUMN). Field paths, activity types and mapping targets are checked "
        "against the org's fields and the canonical event model. Exit 1 on any error; warnings alone "
        "exit 0 (1 with --strict).",
    )
    validate.add_argument("path", nargs="?", type=Path, default=DEFAULT_RULES, help="rules directory or file")
    validate.add_argument("--strict", action="store_true", help="warnings fail too (CI uses this)")
    validate.add_argument(
        "--org-fields", type=Path, metavar="FILE", help="field list from `leadrelay org describe --output`"
    )
    validate.add_argument(
        "--salesforce-source",
        type=Path,
        metavar="DIR",
        help="Salesforce DX project with the custom fields (default: infra/salesforce when present)",
    )
    test = _action(
        actions,
        run_test,
        "run the rule test cases in PATH/tests/",
        "Evaluate every case in PATH/tests/*.json with the rules in PATH and compare scores, stage and "
        "matched rule ids with the expectation. Prints a diff per failure; exit 1 on any failure.",
    )
    test.add_argument("path", nargs="?", type=Path, default=DEFAULT_RULES, help="rules directory")
    test.add_argument("-k", dest="name_filter", metavar="TEXT", help="only cases whose name contains TEXT")
    add_simulate(actions, DEFAULT_RULES)
    explain = _action(
        actions,
        run_explain,
        "show a lead's scores, the rules behind them and its stage move",
        'Evaluate one lead file ({"lead": {...}, "activities": [...], "now": ...} or a bare Lead record) '
        "and print each matched rule with its points and the values it read.",
    )
    explain.add_argument(
        "lead_file", nargs="?", type=Path, metavar="LEAD.json", help="the lead (and its activities)"
    )
    explain.add_argument(
        "--now", help='evaluation instant, ISO-8601 (default: the file\'s "now", else the clock)'
    )
    explain.add_argument(
        "--rules",
        type=Path,
        default=None,
        help="rules directory (default: rules); with --record/--email, the proposed rules shown beside "
        "the deployed ones",
    )
    explain.add_argument(
        "--record", metavar="ID", help="explain this Lead (00Q…) or Contact (003…) of the org"
    )
    explain.add_argument("--email", metavar="ADDRESS", help="explain the Lead or Contact with this e-mail")
    explain.add_argument(
        "--org",
        choices=("local", "config"),
        default="local",
        help="with --record/--email: local (moto and a local org in this process, default) or config "
        "(the LEADRELAY_* settings: a real org and the stack's activity table)",
    )
    explain.add_argument("--seed", type=Path, help='local: records to create first, {"Lead": [{...}], ...}')
    explain.add_argument("--replay", type=Path, help="local: deliveries (JSONL) to replay first")
    explain.add_argument("--secrets", type=Path, help="local: JSON file of secrets by name (for --replay)")


def _action(actions: Any, func: Any, summary: str, description: str) -> argparse.ArgumentParser:
    """A `rules` sub-command named after ``func`` (``run_test`` → ``test``), with ``--json``."""
    name = func.__name__.removeprefix("run_")
    parser: argparse.ArgumentParser = actions.add_parser(name, help=summary, description=description)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=func)
    return parser


def _input_error(error: InputError | RecordInputError) -> int:
    print(f"error: {error}", file=sys.stderr)
    return 2


def run_validate(args: argparse.Namespace) -> int:
    """`rules validate`: every diagnostic, then a summary; exit 1 on any error."""
    from leadrelay.rulefiles.catalogue import CatalogueError
    from leadrelay.rulefiles.validate import validate_path

    try:
        world = rules_world(args.path, args.salesforce_source, args.org_fields)
    except CatalogueError as error:
        return _input_error(InputError(str(error)))
    diagnostics = validate_path(args.path, world)
    errors = sum(1 for d in diagnostics if d.severity == "error")
    warnings = len(diagnostics) - errors
    failed = errors or (args.strict and warnings)
    if args.json:
        payload = {"ok": not failed, "errors": errors, "warnings": warnings}
        print_json({**payload, "diagnostics": [d.to_dict() for d in diagnostics]})
    else:
        for diagnostic in diagnostics:
            print(diagnostic.format())
        verdict = "invalid" if errors else "valid" if not failed else "not strict-clean"
        print(f"{args.path}: {verdict} ({_plural(errors, 'error')}, {_plural(warnings, 'warning')})")
    return 1 if failed else 0


def rules_world(rules: Path, source: Path | None, org_fields: Path | None) -> Any:
    """The world ``rules validate`` checks against: standard fields, the DX project's custom fields
    (``source``, else ``infra/salesforce`` beside the rules or here) and an exported field list."""
    from leadrelay.rulefiles.catalogue import CatalogueError, dx_catalogue, read_org_fields
    from leadrelay.rulefiles.world import World

    world = World()
    base = rules.parent if rules.is_file() else rules
    candidates = [source] if source else [base.parent / "infra" / "salesforce", Path("infra/salesforce")]
    project = next((path for path in candidates if path is not None and path.is_dir()), None)
    if source is not None and project is None:
        raise CatalogueError(f"{source}: no such Salesforce DX project directory")
    if project is not None:
        world = world.with_catalogue(dx_catalogue(project))
    return world if org_fields is None else world.with_catalogue(read_org_fields(org_fields))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def run_test(args: argparse.Namespace) -> int:
    """`rules test`: run the cases, print PASS/FAIL with diffs; exit 1 on a failure or a broken file."""
    rules = load_rule_set(args.path, as_json=args.json)
    if rules is None:
        return 1
    files, problems = read_test_files(args.path / "tests")
    report = run_cases(rules, files, name_filter=args.name_filter)
    report.problems.extend(problems)
    pairs = run_dedup_tests(args.path, name_filter=args.name_filter)
    routing = run_routing_tests(args.path, name_filter=args.name_filter)
    if args.json:
        print_json({**report.to_dict(), "dedup": pairs.to_dict(), "routing": routing.to_dict()})
    else:
        print_test_report(report)
        print_dedup_report(pairs)
        print_routing_report(routing)
    return 0 if report.ok and pairs.ok and routing.ok else 1


def read_test_files(directory: Path) -> tuple[list[tuple[str, RuleTestFile]], list[Diagnostic]]:
    """The parsed test files in ``directory``, and the problems of those that could not be read."""
    from leadrelay.rulefiles.reading import read_models

    if not directory.is_dir():
        return [], [
            Diagnostic(str(directory), "", "no tests directory (rule test cases live in rules/tests/)")
        ]
    return read_models(directory, RuleTestFile, skip_kinds=frozenset({"dedup_tests", "routing_tests"}))


def print_test_report(report: RuleTestReport) -> None:
    """PASS/FAIL per case, a diff under each failure, then a summary line."""
    print_case_results(
        report.problems,
        report.results,
        lambda result: format_differences(result.differences),
        lambda result: f"{describe_hits(result.decision)}; stage {stage_move(result.decision)}",
    )
    summary = f"{report.passed} passed, {report.failed} failed"
    if report.problems:
        summary += f", {_plural(len(report.problems), 'unreadable test file problem')}"
    print(f"{summary} (rule set {report.ruleset_version})")


def run_explain(args: argparse.Namespace) -> int:
    """`rules explain`: a table of the matched rules, the scores, the stage move and why not."""
    sources = [bool(args.lead_file), bool(args.record), bool(args.email)]
    if sum(sources) != 1:
        print(
            "leadrelay rules explain: give one of LEAD.json, --record ID or --email ADDRESS", file=sys.stderr
        )
        return 2
    try:
        now = parse_now(args.now, "--now") if args.now else None
        if not args.lead_file:
            return explain_record(args, now)
        lead_file = read_lead_file(args.lead_file)
    except (InputError, RecordInputError) as error:
        return _input_error(error)
    moment = now or lead_file.now or datetime.now(UTC)
    rules = load_rule_set(args.rules or DEFAULT_RULES, as_json=args.json)
    if rules is None:
        return 1
    decision: Decision = rules.evaluate(lead_file.context, now=moment, trace=True)
    misses = rules.nearest_misses(lead_file.context, now=moment, decision=decision)
    if args.json:
        print_json(
            {
                "file": str(args.lead_file),
                "now": moment,
                "decision": decision.to_dict(),
                "misses": misses.to_dict(),
            }
        )
        return 0
    print_explanation(lead_file, moment, decision)
    print_misses(misses)
    return 0
