"""Builders for the match-rule tests: the shipped rules, and a one-comparison rule file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from leadrelay.domain.dedup_rules import DedupFile
from leadrelay.domain.matching.match_rules import MatchDecision, MatchRules, compile_match_rules
from leadrelay.rulefiles.dedup_loading import load_match_rules

SHIPPED = Path(__file__).resolve().parents[2] / "rules" / "dedup.json"


def shipped() -> MatchRules:
    """The shipped rules/dedup.json, compiled."""
    return load_match_rules(SHIPPED)


def decide(a: dict[str, Any], b: dict[str, Any], pair: str = "lead_lead") -> MatchDecision:
    """The shipped rules' decision for two records (Salesforce field names)."""
    rules = shipped()
    matcher = rules.pair(pair)
    return matcher.compare(rules.record(matcher.objects[0], a), rules.record(matcher.objects[1], b))


def one_comparison(**comparison: Any) -> dict[str, Any]:
    """A dedup document whose lead_lead pair has exactly ``comparison`` (id ``c``)."""
    return {
        "kind": "dedup",
        "pairs": {
            "lead_lead": {
                "blocking": [["email"]],
                "comparisons": [{"id": "c", "weights": {}, **comparison}],
                "thresholds": {"match": 1, "candidate": 0.5},
            }
        },
    }


def level(comparison: dict[str, Any], a: dict[str, Any], b: dict[str, Any]) -> tuple[str, float | None]:
    """The level (and similarity) one comparison gives two Lead records."""
    rules = compile_match_rules(DedupFile.model_validate(one_comparison(**comparison)))
    decision = rules.pair("lead_lead").compare(rules.record("Lead", a), rules.record("Lead", b))
    reason = decision.reasons[0]
    return reason.level, reason.similarity
