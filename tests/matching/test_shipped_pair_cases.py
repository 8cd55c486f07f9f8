"""Every pair case in rules/tests/ (kind dedup_tests) passes against the shipped rules/dedup.json."""

from __future__ import annotations

from pathlib import Path

import pytest
from leadrelay.rulefiles.dedup_runner import DedupCaseResult, read_dedup_tests, run_dedup_cases

from tests.matching.rules_builders import shipped

FILES, PROBLEMS = read_dedup_tests(Path(__file__).resolve().parents[2] / "rules" / "tests")
NAMES = [case.name for _, document in FILES for case in document.cases]


@pytest.fixture(scope="module")
def results() -> list[DedupCaseResult]:
    """Every case compared by the shipped rules, in file order (once, by the first test that asks)."""
    return run_dedup_cases(shipped(), FILES)


def test_the_pair_case_files_read_cleanly_and_hold_cases(results: list[DedupCaseResult]) -> None:
    assert PROBLEMS == []
    assert len(results) >= 10


@pytest.mark.parametrize("index", range(len(NAMES)), ids=NAMES)
def test_shipped_pair_case(index: int, results: list[DedupCaseResult]) -> None:
    result = results[index]
    assert result.differences == (), result.decision.describe()
