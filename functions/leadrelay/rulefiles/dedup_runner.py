"""Running pair test cases (``kind: dedup_tests``) against compiled match rules.

``run_dedup_cases`` compares record A with record B and B with A (a decision must not depend on
which record came first) and returns one ``DedupCaseResult`` per case; ``read_dedup_tests`` reads the
files (``leadrelay rules test``, the benchmark) and ``load_match_rules`` (from
:mod:`leadrelay.rulefiles.dedup_loading`) the rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from msgspec import Struct

from leadrelay.domain.matching.match_rules import MatchDecision, MatchRules
from leadrelay.engine.diagnostics import Diagnostic, pointer
from leadrelay.rulefiles.dedup_loading import DEDUP_FILE, load_match_rules
from leadrelay.rulefiles.dedupcases import DedupExpectation, DedupTestFile
from leadrelay.rulefiles.kinds import RULE_FILE_KINDS
from leadrelay.rulefiles.reading import read_models

__all__ = [  # load_match_rules and DEDUP_FILE live in dedup_loading; kept importable from here
    "DEDUP_FILE",
    "DedupCaseResult",
    "differences",
    "load_match_rules",
    "read_dedup_tests",
    "run_dedup_cases",
]


class DedupCaseResult(Struct, frozen=True):
    """One case: the decision (A against B) and what differs from the expectation."""

    file: str
    index: int
    name: str
    decision: MatchDecision
    differences: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """True when the decision met every expectation."""
        return not self.differences

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``leadrelay rules test --json``)."""
        return {
            "file": self.file,
            "pointer": pointer("cases", self.index),
            "name": self.name,
            "passed": self.passed,
            "differences": list(self.differences),
            "decision": self.decision.to_dict(),
        }


def differences(expect: DedupExpectation, decision: MatchDecision, reverse: MatchDecision) -> list[str]:
    """Each way ``decision`` (and the reversed comparison) differs from ``expect``."""
    found = []
    if decision.outcome != expect.outcome:
        found.append(f"outcome  expected {expect.outcome.value}  got {decision.outcome.value}")
    if expect.rule is not None and decision.rule != expect.rule:
        found.append(f"rule  expected {expect.rule}  got {decision.rule or '(none: the score decided)'}")
    for comparison, level in expect.reasons.items():
        actual = decision.level(comparison)
        if actual != level:
            found.append(f"reasons.{comparison}  expected {level}  got {actual or '(no such comparison)'}")
    if reverse.outcome != decision.outcome:
        found.append(f"B against A gives {reverse.outcome.value}, A against B {decision.outcome.value}")
    return found


def run_dedup_cases(
    rules: MatchRules, files: Iterable[tuple[str, DedupTestFile]], *, name_filter: str | None = None
) -> list[DedupCaseResult]:
    """Compare record A with record B of every case (and B with A) and check the expectation."""
    results = []
    for file, document in files:
        for index, case in enumerate(document.cases):
            if name_filter and name_filter.casefold() not in case.name.casefold():
                continue
            matcher = rules.pair(case.pair)
            left_object, right_object = matcher.objects
            a, b = rules.record(left_object, case.a), rules.record(right_object, case.b)
            decision = matcher.compare(a, b)
            reverse = matcher.compare(b, a) if left_object == right_object else decision
            found = differences(case.expect, decision, reverse)
            results.append(DedupCaseResult(file, index, case.name, decision, tuple(found)))
    return results


def read_dedup_tests(directory: Path) -> tuple[list[tuple[str, DedupTestFile]], list[Diagnostic]]:
    """The pair test files in ``directory`` (the other kinds left out) and the problems of broken ones."""
    others = frozenset(RULE_FILE_KINDS) - {"dedup_tests"}
    return read_models(directory, DedupTestFile, skip_kinds=others)
