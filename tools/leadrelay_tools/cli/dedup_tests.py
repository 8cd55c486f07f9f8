"""The pair test cases of the match rules in `leadrelay rules test` (``rules/tests/*.json``, ``dedup_tests``).

Run when the rules directory has a ``dedup.json``: PASS/FAIL per case with the differences and the
decision's reasons under a failure. Exit status is the caller's: ``DedupTestReport.ok``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leadrelay.engine.diagnostics import Diagnostic, RuleSetError
from leadrelay.rulefiles.dedup_runner import (
    DEDUP_FILE,
    DedupCaseResult,
    load_match_rules,
    read_dedup_tests,
    run_dedup_cases,
)

from leadrelay_tools.cli.output import print_case_results


@dataclass
class DedupTestReport:
    """The pair cases' results and the problems that stopped them (a broken dedup.json or test file)."""

    results: list[DedupCaseResult] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every case passed and every file was readable."""
        return not self.problems and all(result.passed for result in self.results)

    def to_dict(self) -> dict[str, Any]:
        """``leadrelay rules test --json``: the ``dedup`` part."""
        return {
            "ok": self.ok,
            "passed": sum(1 for result in self.results if result.passed),
            "failed": sum(1 for result in self.results if not result.passed),
            "problems": [problem.to_dict() for problem in self.problems],
            "results": [result.to_dict() for result in self.results],
        }


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
