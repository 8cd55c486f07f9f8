"""Semantic checks of a rule test file (``rules/tests/*.json``) against the rule set beside it: unique
case names, and scores, stages and rule ids the rule set has (with a did-you-mean)."""

from __future__ import annotations

from typing import Any

from leadrelay.engine.diagnostics import CheckContext, pointer
from leadrelay.rulefiles.rulecases import RuleTestFile
from leadrelay.rulefiles.suggest import did_you_mean


def check_rule_tests(document: RuleTestFile, context: CheckContext) -> None:
    """Semantic checks of a test file against its rule set: unique names, known scores, stages and rule ids.

    Unknown scores are errors. Unknown stages and rule ids are warnings here, because a rule file
    with an invalid item reaches this check without that item (``leadrelay rules validate`` reports
    the item itself); ``leadrelay rules test`` fails such a case against the complete rule set.
    """
    scoring = context.documents.get("scoring")
    lifecycle = context.documents.get("lifecycle")
    scores = set(scoring.scores) if scoring is not None else None
    stages = {stage.name for stage in lifecycle.stages} if lifecycle is not None else None
    rule_ids = _rule_ids(scoring, lifecycle)
    seen: set[str] = set()
    for index, case in enumerate(document.cases):
        if case.name in seen:
            context.error(pointer("cases", index, "name"), f"duplicate case name {case.name!r}")
        seen.add(case.name)
        expect = case.expect
        named = [(pointer("cases", index, "expect", "scores", name), name, "score") for name in expect.scores]
        named += [(pointer("cases", index, "expect", "stage"), expect.stage, "stage")] if expect.stage else []
        for key in ("matched", "not_matched"):
            ids = getattr(expect, key) or ()
            named += [
                (pointer("cases", index, "expect", key, i), rule_id, "rule id")
                for i, rule_id in enumerate(ids)
            ]
        named += [
            (pointer("cases", index, "expect", "points", rule_id), rule_id, "rule id")
            for rule_id in expect.points
        ]
        known: dict[str, set[str] | None] = {"score": scores, "stage": stages, "rule id": rule_ids}
        for where, name, noun in named:
            names = known[noun]
            if names is not None and name not in names:
                context.error(where, f"unknown {noun} {name!r}{did_you_mean(name, names)}")


def _rule_ids(scoring: Any, lifecycle: Any) -> set[str] | None:
    if scoring is None or lifecycle is None:
        return None
    return {rule.id for rule in scoring.rules} | {transition.id for transition in lifecycle.transitions}
