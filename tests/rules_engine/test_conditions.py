"""Composition (all/any/not/at_least), paths, JMESPath expressions, and counts and sums of activities."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from leadrelay.engine import build_rule_set

from tests.rules_engine.builders import NOW, days_ago, holds, lifecycle_doc, scoring_doc

BANT = [
    {"field": f"lead.LR_{name}_Confirmed__c", "op": "eq", "value": True}
    for name in ("Budget", "Authority", "Need", "Timeline")
]
TOKYO = {"field": "lead.State", "op": "eq", "value": "東京都"}
LARGE = {"field": "lead.NumberOfEmployees", "op": "gte", "value": 300}


def confirmed(*names: str) -> dict[str, Any]:
    return {f"LR_{name}_Confirmed__c": True for name in names}


def test_all_holds_when_every_condition_holds() -> None:
    assert holds({"all": [TOKYO, LARGE]}, lead={"State": "東京都", "NumberOfEmployees": 350})
    assert not holds({"all": [TOKYO, LARGE]}, lead={"State": "東京都", "NumberOfEmployees": 30})


def test_any_holds_when_one_condition_holds() -> None:
    assert holds({"any": [TOKYO, LARGE]}, lead={"State": "大阪府", "NumberOfEmployees": 350})
    assert not holds({"any": [TOKYO, LARGE]}, lead={})


def test_empty_all_holds_and_empty_any_does_not() -> None:
    assert holds({"all": []}, lead={})
    assert not holds({"any": []}, lead={})


def test_not_inverts() -> None:
    assert holds({"not": TOKYO}, lead={"State": "大阪府"})
    assert not holds({"not": TOKYO}, lead={"State": "東京都"})


def test_at_least_two_of_four_bant_fields() -> None:
    at_least_two = {"at_least": 2, "of": BANT}
    assert not holds(at_least_two, lead=confirmed("Budget"))
    assert holds(at_least_two, lead=confirmed("Budget", "Timeline"))
    assert holds(at_least_two, lead=confirmed("Budget", "Authority", "Need", "Timeline"))


def test_at_least_zero_always_holds() -> None:
    assert holds({"at_least": 0, "of": BANT}, lead={})


def test_nested_composition() -> None:
    condition = {"any": [{"all": [TOKYO, {"not": LARGE}]}, {"at_least": 3, "of": BANT}]}
    assert holds(condition, lead={"State": "東京都", "NumberOfEmployees": 50})
    assert holds(condition, lead=confirmed("Budget", "Need", "Timeline"))
    assert not holds(condition, lead={"State": "東京都", "NumberOfEmployees": 500})


def test_event_fields_are_read_by_path() -> None:
    condition = {"field": "event.attributes.campaign", "op": "keyword", "value": ["展示会"]}
    assert holds(condition, event={"attributes": {"campaign": "2026 製造業DX展示会"}})
    assert not holds(condition, event={"attributes": "展示会"})


def test_a_numeric_segment_indexes_a_list() -> None:
    condition = {"field": "lead.Emails.1", "op": "ends_with", "value": "sample-shoji.co.jp"}
    assert holds(condition, lead={"Emails": ["a@example.com", "taro.yamada@sample-shoji.co.jp"]})
    assert not holds(condition, lead={"Emails": ["a@example.com"]})


def test_a_path_through_a_non_object_reads_as_missing() -> None:
    condition = {"field": "lead.Address.State", "op": "exists", "value": False}
    assert holds(condition, lead={"Address": "東京都千代田区"})


def test_jmespath_expressions_read_anything_beyond_a_plain_path() -> None:
    condition = {"expr": "length(activities[?type=='download'])", "op": "gte", "value": 2}
    downloads = [{"type": "download", "occurred_at": days_ago(1)}] * 2
    assert holds(condition, activities=downloads)
    assert not holds(condition, activities=downloads[:1])


def test_a_jmespath_error_at_evaluation_reads_as_missing() -> None:
    condition = {"expr": "length(lead.NumberOfEmployees)", "op": "exists", "value": False}
    assert holds(condition, lead={"NumberOfEmployees": 350})


def test_count_of_activities_of_a_type_within_a_window() -> None:
    twice = {"count": {"types": ["page_view"], "within": {"days": 30}}, "op": "gte", "value": 2}
    views = [{"type": "page_view", "occurred_at": days_ago(d)} for d in (1, 29.9, 31)]
    assert holds(twice, activities=views)
    assert not holds(twice, activities=views[1:])


def test_count_with_a_per_activity_condition() -> None:
    pricing_twice = {
        "count": {
            "types": ["page_view"],
            "within": {"days": 30},
            "where": {"field": "url", "op": "contains", "value": "/pricing"},
        },
        "op": "gte",
        "value": 2,
    }
    views = [
        {"type": "page_view", "occurred_at": days_ago(1), "url": "https://sample-shoji.co.jp/pricing"},
        {"type": "page_view", "occurred_at": days_ago(2), "url": "https://sample-shoji.co.jp/blog"},
        {"type": "page_view", "occurred_at": days_ago(3), "url": "https://sample-shoji.co.jp/pricing#plans"},
    ]
    assert holds(pricing_twice, activities=views)
    assert not holds(pricing_twice, activities=views[:2])


def test_count_without_types_counts_every_type() -> None:
    condition = {"count": {"within": {"hours": 24}}, "op": "eq", "value": 2}
    activities = [{"type": kind, "occurred_at": days_ago(0.5)} for kind in ("email_opened", "page_view")]
    assert holds(condition, activities=activities)


def test_sum_adds_a_numeric_activity_field_and_skips_the_rest() -> None:
    condition = {"sum": {"types": ["webinar_attended"]}, "of": "duration_minutes", "op": "gte", "value": 60}
    webinars = [
        {"type": "webinar_attended", "occurred_at": days_ago(3), "duration_minutes": 45},
        {"type": "webinar_attended", "occurred_at": days_ago(2), "duration_minutes": "１５"},
        {"type": "webinar_attended", "occurred_at": days_ago(1), "duration_minutes": "途中退出"},
    ]
    assert holds(condition, activities=webinars)
    assert not holds(condition, activities=webinars[:1])


def test_activities_in_the_future_of_now_are_ignored() -> None:
    condition = {"count": {"types": ["download"]}, "op": "eq", "value": 0}
    assert holds(condition, activities=[{"type": "download", "occurred_at": days_ago(-1)}])


def test_activities_without_a_readable_type_or_time_are_ignored() -> None:
    condition = {"count": {}, "op": "eq", "value": 1}
    activities: list[Any] = [
        {"type": "download", "occurred_at": days_ago(1)},
        {"type": "download", "occurred_at": "先週"},
        {"type": "download"},
        {"type": None, "occurred_at": days_ago(1)},
        {"type": ["download"], "occurred_at": days_ago(1)},
        "download",
        None,
    ]
    assert holds(condition, activities=activities)


def test_mappings_and_tuples_read_like_json_objects_and_arrays() -> None:
    rule = {
        "id": "fit.x",
        "score": "fit",
        "when": {"all": [TOKYO, {"count": {}, "op": "eq", "value": 1}]},
        "points": 1,
    }
    ruleset = build_rule_set(("s.json", scoring_doc(rule)), ("l.json", lifecycle_doc()))
    activity = MappingProxyType({"type": "download", "occurred_at": days_ago(1)})
    context = MappingProxyType({"lead": MappingProxyType({"State": "東京都"}), "activities": (activity,)})
    assert ruleset.evaluate(context, now=NOW).scores["fit"] == 1
