"""Pair test cases for the match rules (``rules/tests/*.json``, ``kind: dedup_tests``).

A case is two records of a pair (``lead_lead``: record A and record B as Salesforce fields) and the
expected outcome, optionally the deciding rule and the level each named comparison must reach
(the reasons). ``run_dedup_cases`` compares both ways round (a decision must not depend on which
record came first) and returns one ``DedupCaseResult`` per case. Pure: the CLI reads the files.
"""

from typing import Any, Literal

from pydantic import Field

from leadrelay.domain.dedup_rules import DedupFile, Outcome, PairName
from leadrelay.engine.diagnostics import CheckContext, pointer
from leadrelay.engine.file_models import RuleFile, Strict


class DedupExpectation(Strict):
    """The expected decision; only the given keys are checked."""

    outcome: Outcome
    rule: str | None = Field(default=None, description="The ordered rule that decides (omit: any or none).")
    reasons: dict[str, str] = Field(
        default_factory=dict, description="Comparison id → the level it must reach (exact, same_personal …)."
    )


class DedupTestCase(Strict):
    """Record A and record B of a pair, and the expected decision."""

    name: str = Field(min_length=1)
    description: str | None = None
    pair: PairName = "lead_lead"
    a: dict[str, Any] = Field(description="Record A, by Salesforce field API name (or the mapped columns).")
    b: dict[str, Any] = Field(description="Record B, likewise.")
    expect: DedupExpectation


class DedupTestFile(RuleFile):
    """``rules/tests/*.json`` of kind ``dedup_tests``: pair test cases for ``rules/dedup.json``."""

    kind: Literal["dedup_tests"]
    description: str | None = None
    cases: list[DedupTestCase] = Field(min_length=1)


def check_dedup_tests(document: DedupTestFile, ctx: CheckContext) -> None:
    """Unique case names; pairs, rules and comparisons the rule set's dedup file defines."""
    rules = ctx.documents.get("dedup")
    seen: set[str] = set()
    for index, case in enumerate(document.cases):
        if case.name in seen:
            ctx.error(pointer("cases", index, "name"), f"duplicate case name {case.name!r}")
        seen.add(case.name)
        if isinstance(rules, DedupFile):
            _check_names(rules, case, index, ctx)


def _check_names(rules: DedupFile, case: DedupTestCase, index: int, ctx: CheckContext) -> None:
    spec = rules.pairs.get(case.pair)
    if spec is None:
        ctx.error(pointer("cases", index, "pair"), f"the dedup file has no pair {case.pair!r}")
        return
    source = rules.pairs.get(spec.same_as) if spec.same_as else spec
    if source is None:
        return
    comparisons = {comparison.id for comparison in source.comparisons}
    for comparison in case.expect.reasons:
        if comparison not in comparisons:
            where = pointer("cases", index, "expect", "reasons", comparison)
            ctx.error(where, f"unknown comparison {comparison!r} in pair {case.pair}")
    rule_ids = {rule.id for rule in source.rules}
    if case.expect.rule is not None and case.expect.rule not in rule_ids:
        ctx.error(
            pointer("cases", index, "expect", "rule"),
            f"unknown rule {case.expect.rule!r} in pair {case.pair}",
        )
