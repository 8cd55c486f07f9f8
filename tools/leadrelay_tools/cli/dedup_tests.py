"""The pair test cases of the match rules in `leadrelay rules test` (``rules/tests/*.json``, ``dedup_tests``).

Run when the rules directory has a ``dedup.json``: PASS/FAIL per case with the differences and the
decision's reasons under a failure. Exit status is the caller's: ``DedupTestReport.ok``.
"""

from __future__ import annotations

from pathlib import Path

from leadrelay.engine.diagnostics import RuleSetError
from leadrelay.rulefiles.dedup_loading import DEDUP_FILE, load_match_rules
from leadrelay.rulefiles.dedup_runner import DedupCaseResult, read_dedup_tests, run_dedup_cases

from leadrelay_tools.cli.case_reports import CaseReport
from leadrelay_tools.cli.output import print_case_results

DedupTestReport = CaseReport[DedupCaseResult]
"""The pair cases' results and the problems that stopped them."""


def run_dedup_tests(directory: Path, *, name_filter: str | None = None) -> DedupTestReport:
    """Run the pair cases in ``directory/tests`` against ``directory/dedup.json`` (none: empty report)."""
    report = DedupTestReport()
    if not (directory / DEDUP_FILE).is_file():
        return report
    files, problems = read_dedup_tests(directory / "tests")
    report.problems.extend(problems)
    try:
        rules = load_match_rules(directory)
    except RuleSetError as error:
        report.problems.extend(error.diagnostics)
        return report
    report.results.extend(run_dedup_cases(rules, files, name_filter=name_filter))
    return report


def print_dedup_report(report: DedupTestReport) -> None:
    """PASS/FAIL per pair case, the differences and the reasons under a failure, then a summary."""
    print_case_results(
        report.problems,
        report.results,
        lambda result: result.differences,
        lambda result: result.decision.describe(),
    )
    if report.results or report.problems:
        failed = sum(1 for result in report.results if not result.passed)
        print(f"pair cases: {len(report.results) - failed} passed, {failed} failed")
