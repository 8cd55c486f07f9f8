"""Every pair case in rules/tests/ (kind dedup_tests) passes against the shipped rules/dedup.json."""

from __future__ import annotations

from pathlib import Path

import pytest
from leadrelay.rulefiles.dedup_runner import DedupCaseResult, read_dedup_tests, run_dedup_cases

from tests.matching.rules_builders import shipped

FILES, PROBLEMS = read_dedup_tests(Path(__file__).resolve().parents[2] / "rules" / "tests")
RESULTS = run_dedup_cases(shipped(), FILES)


def test_the_pair_case_files_read_cleanly_and_hold_cases() -> None:
    assert PROBLEMS == []
    assert len(RESULTS) >= 10


@pytest.mark.parametrize("result", RESULTS, ids=[result.name for result in RESULTS])
def test_shipped_pair_case(result: DedupCaseResult) -> None:
    assert result.differences == (), result.decision.describe()
