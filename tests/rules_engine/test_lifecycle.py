"""Lifecycle: guarded transitions in file order, chaining, no stage twice, backward only with a reason."""

from __future__ import annotations

from typing import Any

from tests.rules_engine.builders import evaluate, rule_set


def scored(fit: int, engagement: int, **lead: Any) -> Any:
    """Evaluate the standard lifecycle for a lead whose scores are ``fit`` and ``engagement``."""
    rules = [
        {"id": "fit.given", "score": "fit", "points": fit},
        {"id": "engagement.given", "score": "engagement", "points": engagement},
    ]
    return evaluate(rule_set(*rules), lead=lead)


def test_a_lead_becomes_mql_at_fit_30_and_engagement_50() -> None:
    decision = scored(30, 50, LR_Lifecycle_Stage__c="Lead")
    assert (decision.previous_stage, decision.stage) == ("Lead", "MQL")
    (move,) = decision.transitions
    assert (move.rule_id, move.from_stage, move.to_stage, move.backward) == (
        "lifecycle.mql",
        "Lead",
        "MQL",
        False,
    )
    assert move.values == {"scores.fit": 30, "scores.engagement": 50}


def test_one_point_below_either_threshold_stays_a_lead() -> None:
    assert scored(29, 50).stage == "Lead"
    assert scored(30, 49).stage == "Lead"
    assert not scored(29, 100).changed_stage


def test_a_missing_or_unknown_current_stage_starts_from_initial() -> None:
    assert scored(0, 0).previous_stage == "Lead"
    assert scored(0, 0, LR_Lifecycle_Stage__c="見込み").previous_stage == "Lead"
    assert scored(0, 0, LR_Lifecycle_Stage__c=3).previous_stage == "Lead"


def test_the_current_stage_is_matched_ignoring_case_and_width() -> None:
    assert scored(0, 0, LR_Lifecycle_Stage__c="ｍｑｌ").previous_stage == "MQL"


def test_transitions_chain_within_one_evaluation() -> None:
    decision = scored(40, 60, LR_Budget_Confirmed__c=True, LR_Authority_Confirmed__c=True)
    assert [t.to_stage for t in decision.transitions] == ["MQL", "SQL"]
    assert decision.stage == "SQL"


def test_a_backward_transition_carries_its_reason_code() -> None:
    decision = scored(40, 10, LR_Lifecycle_Stage__c="MQL")
    (move,) = decision.transitions
    assert (move.to_stage, move.reason_code, move.backward) == ("Nurture", "ENGAGEMENT_DECAYED", True)


def test_no_stage_is_entered_twice_in_one_evaluation() -> None:
    back_and_forth = [
        {"id": "t.up", "from": ["Lead"], "to": "MQL", "when": {"all": []}},
        {"id": "t.down", "from": ["MQL"], "to": "Lead", "reason_code": "BOUNCE", "when": {"all": []}},
    ]
    decision = evaluate(rule_set(transitions=back_and_forth), lead={"LR_Lifecycle_Stage__c": "MQL"})
    assert [t.rule_id for t in decision.transitions] == ["t.down"]
    assert decision.stage == "Lead"


def test_transitions_are_tried_in_file_order() -> None:
    both = [
        {"id": "t.first", "from": ["Lead"], "to": "Nurture", "when": {"all": []}},
        {"id": "t.second", "from": ["Lead"], "to": "MQL", "when": {"all": []}},
    ]
    assert evaluate(rule_set(transitions=both)).transitions[0].rule_id == "t.first"


def test_a_stage_with_no_applicable_transition_stays() -> None:
    decision = scored(60, 100, LR_Lifecycle_Stage__c="Customer")
    assert (decision.stage, decision.transitions) == ("Customer", ())
