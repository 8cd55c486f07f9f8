"""decision_fields: which Salesforce values a Decision wants, through the map's outputs."""

from __future__ import annotations

from collections.abc import Callable

from leadrelay.domain.ownership import OwnershipMap
from leadrelay.domain.writeplan import decision_fields, score_reasons_text
from leadrelay.engine.decision import Decision, RuleHit, StageTransition

from tests.writeplan.conftest import NOW, load_ownership_json

MakeDecision = Callable[..., Decision]


def test_scores_stage_and_rules_version_go_to_leadrelays_fields(
    make_decision: MakeDecision, ownership: OwnershipMap
) -> None:
    fields = decision_fields(make_decision(stage="Lead", fit=42, engagement=18), now=NOW, ownership=ownership)

    assert fields == {
        "LR_Fit_Score__c": 42,
        "LR_Engagement_Score__c": 18,
        "LR_Lifecycle_Stage__c": "Lead",
        "LR_Rules_Version__c": "3f2a9c41b7de",
    }


def test_first_entry_into_mql_sets_the_mql_time_to_now(
    make_decision: MakeDecision, ownership: OwnershipMap
) -> None:
    fields = decision_fields(make_decision(stage="MQL", previous_stage="Lead"), now=NOW, ownership=ownership)

    assert fields["LR_MQL_At__c"] == NOW


def test_a_lead_staying_in_mql_does_not_touch_the_mql_time(
    make_decision: MakeDecision, ownership: OwnershipMap
) -> None:
    fields = decision_fields(make_decision(stage="MQL", previous_stage="MQL"), now=NOW, ownership=ownership)

    assert "LR_MQL_At__c" not in fields


def test_passing_through_mql_to_sql_in_one_evaluation_still_records_the_mql_time(
    make_decision: MakeDecision, ownership: OwnershipMap
) -> None:
    transitions = (
        StageTransition("lifecycle.mql", "Lead", "MQL"),
        StageTransition("lifecycle.sql_bant", "MQL", "SQL"),
    )
    decision = make_decision(stage="SQL", previous_stage="Lead", transitions=transitions)

    fields = decision_fields(decision, now=NOW, ownership=ownership)

    assert fields["LR_MQL_At__c"] == NOW
    assert fields["LR_Stage_Reason__c"] is None


def test_a_backward_transition_writes_its_reason_code(
    make_decision: MakeDecision, ownership: OwnershipMap
) -> None:
    back = StageTransition("lifecycle.mql_to_nurture", "MQL", "Nurture", "ENGAGEMENT_DECAYED", backward=True)
    decision = make_decision(stage="Nurture", previous_stage="MQL", transitions=(back,), engagement=12)

    fields = decision_fields(decision, now=NOW, ownership=ownership)

    assert fields["LR_Stage_Reason__c"] == "ENGAGEMENT_DECAYED"
    assert fields["LR_Lifecycle_Stage__c"] == "Nurture"


def test_a_forward_transition_clears_a_stale_reason(
    make_decision: MakeDecision, ownership: OwnershipMap
) -> None:
    decision = make_decision(stage="MQL", previous_stage="Nurture")

    assert decision_fields(decision, now=NOW, ownership=ownership)["LR_Stage_Reason__c"] is None


def test_without_a_transition_the_stage_reason_is_left_alone(
    make_decision: MakeDecision, ownership: OwnershipMap
) -> None:
    decision = make_decision(stage="Nurture", previous_stage="Nurture")

    assert "LR_Stage_Reason__c" not in decision_fields(decision, now=NOW, ownership=ownership)


def test_score_reasons_list_the_weightiest_hits_one_per_line(
    make_decision: MakeDecision, ownership: OwnershipMap
) -> None:
    trace = (
        RuleHit("fit.employees", "fit", 15, detail="従業員数 300-999"),
        RuleHit("fit.title", "fit", 20, detail="代表取締役/CEO"),
        RuleHit("engagement.page_views", "engagement", 9.23, detail="page_view x4 in 30d, decayed"),
        RuleHit("fit.free_mail", "fit", -10, detail="フリーメール"),
        RuleHit("engagement.nothing", "engagement", 0),
    )

    fields = decision_fields(make_decision(trace=trace), now=NOW, ownership=ownership)

    assert fields["LR_Score_Reasons__c"].splitlines() == [
        "fit +20 代表取締役/CEO (fit.title)",
        "fit +15 従業員数 300-999 (fit.employees)",
        "fit -10 フリーメール (fit.free_mail)",
        "engagement +9.2 page_view x4 in 30d, decayed (engagement.page_views)",
    ]


def test_score_reasons_keep_only_the_top_n(make_decision: MakeDecision) -> None:
    data = load_ownership_json()
    data["outputs"]["score_reasons"]["top"] = 2
    ownership = OwnershipMap.model_validate(data)
    trace = tuple(RuleHit(f"fit.rule_{i}", "fit", i) for i in range(1, 6))

    reasons = decision_fields(make_decision(trace=trace), now=NOW, ownership=ownership)["LR_Score_Reasons__c"]

    assert reasons == "fit +5 fit.rule_5 (fit.rule_5)\nfit +4 fit.rule_4 (fit.rule_4)"


def test_score_reasons_are_cut_to_the_field_length() -> None:
    trace = [RuleHit("fit.title", "fit", 20, detail="代表取締役" * 40)]

    text = score_reasons_text(trace, max_length=50)

    assert len(text) == 50
    assert text.endswith("…")


def test_an_empty_trace_clears_the_score_reasons(
    make_decision: MakeDecision, ownership: OwnershipMap
) -> None:
    fields = decision_fields(make_decision(trace=()), now=NOW, ownership=ownership)

    assert fields["LR_Score_Reasons__c"] is None


def test_without_a_trace_the_score_reasons_are_left_alone(
    make_decision: MakeDecision, ownership: OwnershipMap
) -> None:
    assert "LR_Score_Reasons__c" not in decision_fields(
        make_decision(trace=None), now=NOW, ownership=ownership
    )


def test_outputs_the_map_omits_are_not_written(make_decision: MakeDecision) -> None:
    data = load_ownership_json()
    data["outputs"] = {"scores": {"fit": "LR_Fit_Score__c"}}
    ownership = OwnershipMap.model_validate(data)

    assert decision_fields(make_decision(), now=NOW, ownership=ownership) == {"LR_Fit_Score__c": 35}


def test_a_score_the_decision_lacks_is_not_written(ownership: OwnershipMap) -> None:
    decision = Decision(
        scores={"fit": 10}, stage="Lead", previous_stage="Lead", transitions=(), ruleset_version="v"
    )

    assert "LR_Engagement_Score__c" not in decision_fields(decision, now=NOW, ownership=ownership)
