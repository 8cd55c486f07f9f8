"""The trace: each matched rule, its unrounded points, a readable detail and the values it read."""

from __future__ import annotations

import pytest

from tests.rules_engine.builders import NOW, context, days_ago, evaluate, rule_set

TITLE = {
    "id": "fit.title",
    "score": "fit",
    "cases": [
        {
            "when": {"field": "lead.Title", "op": "keyword", "value": ["代表取締役"]},
            "points": 20,
            "label": "代表取締役/CEO",
        },
        {"when": {"field": "lead.Title", "op": "keyword", "value": ["部長"]}, "points": 12},
    ],
}
SIZE = {
    "id": "fit.size",
    "score": "fit",
    "field": "lead.NumberOfEmployees",
    "bands": [{"gte": 300, "points": 15}],
}
PRICING = {
    "id": "engagement.pricing",
    "score": "engagement",
    "activities": {
        "types": ["page_view"],
        "within": {"days": 30},
        "where": {"field": "url", "op": "contains", "value": "/pricing"},
    },
    "points_per": 15,
    "cap": 15,
    "half_life": {"days": 7},
}
PRICING_VIEWS = [
    {"type": "page_view", "occurred_at": days_ago(age), "url": "https://sample-shoji.co.jp/pricing"}
    for age in (0, 7)
]


def test_without_trace_the_decision_has_no_trace() -> None:
    decision = rule_set(TITLE).evaluate(context({"Title": "代表取締役"}), now=NOW)
    assert decision.trace is None
    assert decision.scores["fit"] == 20


def test_the_trace_names_each_matched_rule_with_its_case_label_and_the_value_it_read() -> None:
    decision = evaluate(rule_set(TITLE, SIZE), lead={"Title": "代表取締役社長", "NumberOfEmployees": "350"})
    hits = {hit.rule_id: hit for hit in decision.trace or ()}
    assert hits["fit.title"].points == 20
    assert hits["fit.title"].detail == "代表取締役/CEO"
    assert hits["fit.title"].values == {"lead.Title": "代表取締役社長"}
    assert hits["fit.size"].detail == "350 in [300, inf)"
    assert hits["fit.size"].values == {"lead.NumberOfEmployees": "350"}


def test_unmatched_rules_are_not_in_the_trace() -> None:
    decision = evaluate(rule_set(TITLE, SIZE), lead={"Title": "主任"})
    assert decision.trace == ()


def test_an_unlabelled_case_is_named_by_its_position() -> None:
    (hit,) = evaluate(rule_set(TITLE), lead={"Title": "営業部長"}).trace or ()
    assert hit.detail == "case #2"


def test_activity_rules_show_count_decay_and_cap_and_keep_unrounded_points() -> None:
    (hit,) = evaluate(rule_set(PRICING), activities=PRICING_VIEWS).trace or ()
    assert hit.points == 15
    assert hit.detail == "page_view x2 in 30d, decayed 22.5, capped at 15"
    assert hit.values == {"count(page_view, 30d, where)": 2}


def test_unrounded_points_are_kept() -> None:
    decayed = {**PRICING, "cap": None}
    decision = evaluate(rule_set(decayed), activities=PRICING_VIEWS[1:])
    (hit,) = decision.trace or ()
    assert hit.points == pytest.approx(7.5)
    assert decision.scores["engagement"] == 8


def test_trace_and_fast_path_agree() -> None:
    ruleset = rule_set(TITLE, SIZE, PRICING)
    parts = {"lead": {"Title": "代表取締役", "NumberOfEmployees": 500}, "activities": PRICING_VIEWS}
    assert evaluate(ruleset, trace=True, **parts).scores == evaluate(ruleset, trace=False, **parts).scores


def test_matched_rule_ids_list_rules_and_transitions() -> None:
    decision = evaluate(
        rule_set(TITLE),
        lead={
            "Title": "代表取締役",
            "LR_Lifecycle_Stage__c": "MQL",
            "LR_Budget_Confirmed__c": True,
            "LR_Need_Confirmed__c": True,
        },
    )
    assert decision.matched_rule_ids == ("fit.title", "lifecycle.sql_bant")


def test_the_decision_carries_the_rule_set_version() -> None:
    ruleset = rule_set(TITLE)
    assert evaluate(ruleset).ruleset_version == ruleset.version


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        rule_set(TITLE).evaluate(context(), now=NOW.replace(tzinfo=None))
