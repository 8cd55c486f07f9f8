"""Scoring: condition, bands, cases and activities rules; caps, floors, ceilings, decay and rounding."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.rules_engine.builders import NOW, days_ago, evaluate, rule_set

SIZE_BANDS = {
    "id": "fit.company_size",
    "score": "fit",
    "field": "lead.NumberOfEmployees",
    "bands": [
        {"gte": 1000, "points": 20, "label": "1,000名以上"},
        {"gte": 300, "lt": 1000, "points": 15, "label": "300–999名"},
        {"gte": 1, "lt": 300, "points": 5},
    ],
}
TITLE_CASES = {
    "id": "fit.title",
    "score": "fit",
    "cases": [
        {
            "when": {"field": "lead.Title", "op": "keyword", "value": ["代表取締役", "CEO"]},
            "points": 20,
            "label": "代表",
        },
        {
            "when": {"field": "lead.Title", "op": "keyword", "value": ["取締役", "CTO"]},
            "points": 16,
            "label": "役員",
        },
        {"when": {"field": "lead.Title", "op": "keyword", "value": ["部長"]}, "points": 12},
    ],
}


def page_views(**overrides: Any) -> dict[str, Any]:
    return {
        "id": "engagement.page_views",
        "score": "engagement",
        "activities": {"types": ["page_view"], "within": {"days": 30}},
        "points_per": 3,
        "cap": 15,
        **overrides,
    }


def views(*ages_in_days: float) -> list[dict[str, Any]]:
    return [
        {"type": "page_view", "occurred_at": days_ago(age), "url": "https://sample-shoji.co.jp/"}
        for age in ages_in_days
    ]


def fit(*rules: dict[str, Any], **lead: Any) -> int:
    return evaluate(rule_set(*rules), lead=lead).scores["fit"]


def engagement(*rules: dict[str, Any], activities: list[dict[str, Any]]) -> int:
    return evaluate(rule_set(*rules), activities=activities).scores["engagement"]


def test_a_condition_rule_gives_its_points_when_its_condition_holds() -> None:
    rule = {
        "id": "fit.tokyo",
        "score": "fit",
        "when": {"field": "lead.State", "op": "eq", "value": "東京都"},
        "points": 5,
    }
    assert fit(rule, State="東京都") == 5
    assert fit(rule, State="大阪府") == 0


def test_a_condition_rule_without_when_always_applies() -> None:
    assert fit({"id": "fit.base", "score": "fit", "points": 3}) == 3


@pytest.mark.parametrize(
    ("employees", "points"), [(5000, 20), (1000, 20), (999, 15), (300, 15), (299, 5), (1, 5), (0, 0)]
)
def test_the_first_band_holding_the_value_gives_its_points(employees: int, points: int) -> None:
    assert fit(SIZE_BANDS, NumberOfEmployees=employees) == points


@pytest.mark.parametrize("employees", [None, "多数", [1000], True])
def test_a_missing_or_non_numeric_value_matches_no_band(employees: Any) -> None:
    assert fit(SIZE_BANDS, NumberOfEmployees=employees) == 0


def test_bands_read_full_width_numbers() -> None:
    assert fit(SIZE_BANDS, NumberOfEmployees="１，２００") == 20


def test_bands_can_read_a_jmespath_expression() -> None:
    rule = {
        "id": "fit.emails",
        "score": "fit",
        "expr": "length(lead.Emails)",
        "bands": [{"gte": 2, "points": 4}],
    }
    assert fit(rule, Emails=["a@sample-shoji.co.jp", "b@sample-shoji.co.jp"]) == 4


def test_the_first_matching_case_wins_so_daihyo_torishimariyaku_is_not_also_torishimariyaku() -> None:
    assert fit(TITLE_CASES, Title="代表取締役社長") == 20
    assert fit(TITLE_CASES, Title="取締役 CTO") == 16
    assert fit(TITLE_CASES, Title="営業部長") == 12
    assert fit(TITLE_CASES, Title="主任") == 0


def test_rule_points_add_up_per_score() -> None:
    assert fit(SIZE_BANDS, TITLE_CASES, NumberOfEmployees=350, Title="代表取締役") == 35


def test_a_guard_stops_a_rule_from_contributing() -> None:
    guarded = {**SIZE_BANDS, "when": {"field": "lead.Country", "op": "eq", "value": "日本"}}
    assert fit(guarded, NumberOfEmployees=5000, Country="日本") == 20
    assert fit(guarded, NumberOfEmployees=5000, Country="USA") == 0


def test_points_per_activity_are_capped() -> None:
    assert engagement(page_views(), activities=views(1, 2, 3)) == 9
    assert engagement(page_views(), activities=views(*range(1, 11))) == 15


def test_activities_outside_the_window_do_not_count() -> None:
    assert engagement(page_views(), activities=views(29.99, 30.01)) == 3


def test_a_half_life_halves_an_activitys_points_after_each_half_life() -> None:
    pricing = page_views(id="engagement.pricing", points_per=16, cap=None, half_life={"days": 7})
    assert engagement(pricing, activities=views(0)) == 16
    assert engagement(pricing, activities=views(7)) == 8
    assert engagement(pricing, activities=views(14)) == 4


def test_each_rule_decays_with_its_own_half_life() -> None:
    fast = page_views(id="engagement.pricing", points_per=10, cap=None, half_life={"days": 7})
    slow = {
        "id": "engagement.seminar",
        "score": "engagement",
        "activities": {"types": ["seminar_attended"], "within": {"days": 90}},
        "points_per": 10,
        "half_life": {"days": 28},
    }
    activities = [*views(14), {"type": "seminar_attended", "occurred_at": days_ago(14)}]
    decision = evaluate(rule_set(fast, slow), activities=activities)
    points = {hit.rule_id: hit.points for hit in decision.trace or ()}
    assert points["engagement.pricing"] == pytest.approx(2.5)
    assert points["engagement.seminar"] == pytest.approx(10 * 0.5**0.5)


def test_scores_are_recomputed_from_the_whole_history_as_of_now() -> None:
    ruleset = rule_set(page_views(cap=None, half_life={"days": 7}))
    activities = views(0, 7)
    today = evaluate(ruleset, activities=activities).scores["engagement"]
    a_week_later = evaluate(ruleset, activities=activities, now=NOW + timedelta(days=7)).scores["engagement"]
    assert (today, a_week_later) == (5, 2)


def test_a_negative_rule_subtracts_within_its_cap() -> None:
    competitor = {
        "id": "fit.competitor",
        "score": "fit",
        "when": {"field": "lead.Company", "op": "keyword", "value": ["競合"]},
        "points": -30,
        "cap": 10,
    }
    assert fit(competitor, SIZE_BANDS, Company="競合システム株式会社", NumberOfEmployees=5000) == 10


def test_a_score_is_clamped_to_its_floor_and_ceiling() -> None:
    minus = {"id": "fit.minus", "score": "fit", "points": -5}
    plenty = {"id": "fit.plenty", "score": "fit", "points": 100}
    assert fit(minus) == 0
    assert fit(plenty) == 60


def test_a_score_without_bounds_is_not_clamped() -> None:
    scores = {"fit": {}, "engagement": {}, "intent": {}}
    ruleset = rule_set({"id": "intent.minus", "score": "intent", "points": -7.5}, scores=scores)
    assert evaluate(ruleset).scores["intent"] == -7


@pytest.mark.parametrize(("points", "score"), [(2.5, 3), (2.4999, 2), (0.5, 1), (0.1 + 0.2 + 0.2, 1)])
def test_the_total_is_rounded_half_up(points: float, score: int) -> None:
    assert fit({"id": "fit.x", "score": "fit", "points": points}) == score


def test_any_number_of_named_scores() -> None:
    scores = {"fit": {}, "engagement": {}, "intent": {"ceiling": 10}}
    ruleset = rule_set({"id": "intent.base", "score": "intent", "points": 12}, scores=scores)
    assert evaluate(ruleset).scores == {"fit": 0, "engagement": 0, "intent": 10}
    assert ruleset.score_names == ("fit", "engagement", "intent")
