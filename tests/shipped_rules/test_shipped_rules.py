"""The shipped rules load cleanly and every rule test case in rules/tests/ passes through the engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from leadrelay import RuleSet, load_rules
from leadrelay.rulefiles.documents import read_document, rule_files
from leadrelay.rulefiles.rulecases import (
    RuleTestCase,
    RuleTestFile,
    compare,
    format_differences,
    unknown_rule_ids,
)
from leadrelay.rulefiles.validate import validate_path

RULES = Path(__file__).resolve().parents[2] / "rules"
SHIPPED_FILES = [
    RULES / "scoring.json",
    RULES / "lifecycle.json",
    RULES / "dedup.json",
    *rule_files(RULES / "tests", recursive=False),
]


def _cases() -> list[tuple[str, RuleTestCase]]:
    cases = []
    for path in rule_files(RULES / "tests", recursive=False):
        read = read_document(path)
        if (
            read.kind != "rule_tests"
        ):  # the match rules' pair cases: tests/matching/test_shipped_pair_cases.py
            continue
        document = RuleTestFile.model_validate(read.document)
        cases += [(f"{path.stem}: {case.name}", case) for case in document.cases]
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    """The shipped rule set, loaded once for the module."""
    return load_rules(RULES)


def test_the_shipped_rules_load_without_warnings(rules: RuleSet) -> None:
    assert rules.warnings == ()
    assert rules.score_names == ("fit", "engagement")
    assert rules.current_stage_path == "lead.LR_Lifecycle_Stage__c"


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda path: path.relative_to(RULES).as_posix())
def test_each_shipped_rule_file_validates_without_diagnostics(path: Path) -> None:
    assert [diagnostic.format() for diagnostic in validate_path(path)] == []


def test_there_are_at_least_25_rule_test_cases() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize(("name", "case"), CASES, ids=[name for name, _ in CASES])
def test_shipped_rule_case(rules: RuleSet, name: str, case: RuleTestCase) -> None:
    decision = rules.evaluate(case.context(), now=case.now, trace=True)

    differences = compare(case.expect, decision)
    assert not differences, "\n".join(format_differences(differences))
    assert unknown_rule_ids(case.expect, rules.rule_ids) == []
