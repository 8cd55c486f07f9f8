"""Why not: the stage moves not taken and the scoring rules that gave nothing, each with its reason."""

from __future__ import annotations

from typing import Any

from leadrelay.engine import RuleSet
from leadrelay.engine.misses import Misses

from tests.rules_engine.builders import NOW, context, days_ago, rule_set

GIVEN = [
    {"id": "fit.given", "score": "fit", "points": 24},
    {"id": "engagement.given", "score": "engagement", "points": 36},
]


def misses(rules: RuleSet, **parts: Any) -> Misses:
    """Evaluate ``parts`` and return the decision's nearest misses."""
    lead_context = context(**parts)
    decision = rules.evaluate(lead_context, now=NOW, trace=True)
    return rules.nearest_misses(lead_context, now=NOW, decision=decision)


def reason_of(found: Misses, rule_id: str) -> str:
    """The reason a scoring rule gave nothing."""
    return next(miss.reason for miss in found.rules if miss.rule_id == rule_id)


def test_a_lead_short_of_mql_is_told_by_how_much_on_each_score() -> None:
    (mql,) = misses(rule_set(*GIVEN)).transitions
    assert (mql.rule_id, mql.from_stage, mql.to_stage) == ("lifecycle.mql", "Lead", "MQL")
    assert mql.reasons == ("scores.fit 24 < 30 (6 short)", "scores.engagement 36 < 50 (14 short)")


def test_only_the_failing_condition_of_an_all_is_reported() -> None:
    rules = rule_set(
        {"id": "fit.given", "score": "fit", "points": 45},
        {"id": "engagement.given", "score": "engagement", "points": 36},
    )
    assert misses(rules).transitions[0].reasons == ("scores.engagement 36 < 50 (14 short)",)


def test_bant_says_how_many_of_the_four_hold() -> None:
    rules = rule_set(*GIVEN)
    lead = {"LR_Lifecycle_Stage__c": "MQL", "LR_Budget_Confirmed__c": True}
    found = misses(rules, lead=lead)
    sql = next(t for t in found.transitions if t.to_stage == "SQL")
    assert sql.reasons[0].startswith("1 of 4 hold, 2 needed: lead.LR_Authority_Confirmed__c has no value")


def test_an_excluding_not_names_the_value_that_excludes_the_lead() -> None:
    transitions = [
        {
            "id": "lifecycle.mql",
            "from": ["Lead"],
            "to": "MQL",
            "when": {"not": {"field": "lead.Status", "op": "in", "value": ["見送り"]}},
        }
    ]
    rules = rule_set(*GIVEN, transitions=transitions)
    (mql,) = misses(rules, lead={"Status": "見送り"}).transitions
    assert mql.reasons == ('excluded: lead.Status "見送り" is one of ["見送り"]',)


def test_an_activities_rule_with_no_activity_of_its_type_says_so() -> None:
    rules = rule_set(
        {
            "id": "engagement.webinar",
            "score": "engagement",
            "activities": {"types": ["webinar_attended"]},
            "points_per": 15,
        }
    )
    assert reason_of(misses(rules), "engagement.webinar") == "no webinar_attended activity"


def test_an_activities_rule_whose_activities_are_too_old_gives_the_latest_age() -> None:
    rules = rule_set(
        {
            "id": "engagement.download",
            "score": "engagement",
            "activities": {"types": ["download"], "within": {"days": 90}},
            "points_per": 10,
        }
    )
    activities = [{"type": "download", "occurred_at": days_ago(120), "asset": "ホワイトペーパー"}]
    found = misses(rules, activities=activities)
    assert reason_of(found, "engagement.download") == "no download in the last 90d (latest 120 days ago)"


def test_an_activities_rule_whose_where_fails_explains_the_latest_activity() -> None:
    rules = rule_set(
        {
            "id": "engagement.pricing_page",
            "score": "engagement",
            "activities": {
                "types": ["page_view"],
                "within": {"days": 30},
                "where": {"field": "url", "op": "contains", "value": "/pricing"},
            },
            "points_per": 15,
        }
    )
    activities = [{"type": "page_view", "occurred_at": days_ago(2), "url": "https://sample.co.jp/blog"}]
    reason = reason_of(misses(rules, activities=activities), "engagement.pricing_page")
    assert reason == (
        "1 page_view in the window, none matching its where condition "
        '(the latest: url "https://sample.co.jp/blog" does not match contains "/pricing")'
    )


def test_a_bands_rule_names_a_missing_or_unreadable_value() -> None:
    rules = rule_set(
        {
            "id": "fit.company_size",
            "score": "fit",
            "field": "lead.NumberOfEmployees",
            "bands": [{"gte": 100, "points": 15}],
        }
    )
    assert reason_of(misses(rules, lead={}), "fit.company_size") == "lead.NumberOfEmployees has no value"
    unreadable = misses(rules, lead={"NumberOfEmployees": "不明"})
    assert reason_of(unreadable, "fit.company_size") == 'lead.NumberOfEmployees is "不明", not a number'
    small = misses(rules, lead={"NumberOfEmployees": 12})
    assert reason_of(small, "fit.company_size") == "lead.NumberOfEmployees 12 is in none of its 1 bands"


def test_a_cases_rule_shows_the_values_no_case_matched() -> None:
    rules = rule_set(
        {
            "id": "fit.title",
            "score": "fit",
            "cases": [{"when": {"field": "lead.Title", "op": "keyword", "value": ["部長"]}, "points": 15}],
        }
    )
    found = misses(rules, lead={"Title": "一般社員"})
    assert reason_of(found, "fit.title") == 'none of its 1 cases held (lead.Title "一般社員")'


def test_a_guarded_rule_reports_its_failed_guard() -> None:
    rules = rule_set(
        {
            "id": "fit.japan",
            "score": "fit",
            "when": {"field": "lead.Country", "op": "eq", "value": "Japan"},
            "points": 5,
        }
    )
    found = misses(rules, lead={"Country": "United States"})
    assert (
        reason_of(found, "fit.japan") == 'its condition failed: lead.Country is "United States", not "Japan"'
    )


def test_rules_that_fired_are_not_misses_and_the_json_form_lists_both_kinds() -> None:
    found = misses(rule_set(*GIVEN))
    assert [miss.rule_id for miss in found.rules] == []
    assert found.to_dict()["transitions"][0]["reasons"][0] == "scores.fit 24 < 30 (6 short)"
