"""Properties: evaluation never raises on arbitrary lead JSON or activities; a trace never changes it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, get_args

import leadrelay
from hypothesis import given, settings
from hypothesis import strategies as st
from leadrelay.engine.models import Operator

from tests.rules_engine.builders import NOW, rule_set
from tests.tiers import examples

FIELDS = ["Title", "NumberOfEmployees", "Industry", "State", "CreatedDate", "LR_Lifecycle_Stage__c", "Tags"]
TYPES = ["page_view", "download", "webinar_attended", "seminar_attended", "email_opened", "email_clicked"]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | st.sampled_from(
        [
            "１，２００",
            "ＣＴＯ",
            "代表取締役社長",
            "2026-11-20",
            "2026-11-20T09:00:00+09:00",
            "MQL",
            "/pricing",
        ]
    ),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
instants = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)).map(
        str
    ),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    json_values,
)
activities = st.lists(
    st.one_of(
        st.fixed_dictionaries(
            {"type": st.sampled_from(TYPES) | json_values, "occurred_at": instants},
            optional={
                "url": json_values,
                "title": json_values,
                "duration_minutes": json_values,
                "asset": json_values,
            },
        ),
        json_values,
    ),
    max_size=12,
)
leads = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=10), json_values, max_size=8) | json_values
contexts = (
    st.fixed_dictionaries({"lead": leads, "activities": activities | json_values, "event": json_values})
    | json_values
)

EVERY_OPERATOR = [
    {"field": "lead.Title", "op": "eq", "value": "CTO"},
    {"field": "lead.Title", "op": "ne", "value": "CTO"},
    {"field": "lead.NumberOfEmployees", "op": "lt", "value": 300},
    {"field": "lead.NumberOfEmployees", "op": "lte", "value": "1,000"},
    {"field": "lead.NumberOfEmployees", "op": "gt", "value": 0},
    {"field": "lead.CreatedDate", "op": "gte", "value": "2026-01-01"},
    {"field": "lead.State", "op": "in", "value": ["東京都", 13, True]},
    {"field": "lead.Tags", "op": "contains", "value": "ma"},
    {"field": "lead.Title", "op": "starts_with", "value": "代表"},
    {"field": "lead.Title", "op": "ends_with", "value": "部長"},
    {"field": "lead.Industry", "op": "exists", "value": True},
    {"field": "lead.Title", "op": "keyword", "value": ["cto", "取締役"]},
    {"field": "lead.Title", "op": "regex", "value": "(?i)^(vp|chief) "},
    {"field": "lead.CreatedDate", "op": "within_last", "value": {"days": 30}},
    {"field": "lead.CreatedDate", "op": "older_than", "value": {"hours": 1}},
    {"expr": "length(lead.Tags)", "op": "gte", "value": 2},
    {"expr": "lead.*", "op": "contains", "value": "x"},
    {"field": "event.attributes.0.url", "op": "contains", "value": "/pricing"},
    {"count": {"where": {"field": "url", "op": "regex", "value": "/pricing"}}, "op": "gte", "value": 1},
    {
        "sum": {"types": ["webinar_attended"], "within": {"days": 90}},
        "of": "duration_minutes",
        "op": "gte",
        "value": 60,
    },
]
RULES = rule_set(
    *(
        {"id": f"fit.op{index}", "score": "fit", "when": condition, "points": index - 5, "cap": 7}
        for index, condition in enumerate(EVERY_OPERATOR)
    ),
    {"id": "fit.any", "score": "fit", "cases": [{"when": {"any": EVERY_OPERATOR}, "points": 1}]},
    {"id": "fit.two", "score": "fit", "when": {"at_least": 2, "of": EVERY_OPERATOR}, "points": 2},
    {
        "id": "fit.size",
        "score": "fit",
        "field": "lead.NumberOfEmployees",
        "bands": [{"gte": 300, "points": 15}, {"lt": 300, "points": 1}],
    },
    {"id": "fit.emp", "score": "fit", "expr": "lead.NumberOfEmployees", "bands": [{"gt": 0, "points": 2}]},
    {
        "id": "engagement.all",
        "score": "engagement",
        "activities": {
            "within": {"days": 365},
            "where": {"not": {"field": "title", "op": "keyword", "value": ["料金"]}},
        },
        "points_per": 2.5,
        "half_life": {"days": 7},
        "cap": 40,
    },
)
SHIPPED = leadrelay.load_rules(Path(__file__).resolve().parents[2] / "rules")


def test_the_properties_exercise_every_operator_of_the_language() -> None:
    assert {condition["op"] for condition in EVERY_OPERATOR} == set(get_args(Operator))


def check(ruleset: Any, context: Any, now: datetime) -> None:
    fast = ruleset.evaluate(context, now=now)
    traced = ruleset.evaluate(context, now=now, trace=True)
    assert (fast.scores, fast.stage, fast.transitions) == (traced.scores, traced.stage, traced.transitions)
    assert all(isinstance(score, int) for score in fast.scores.values())
    assert fast.stage in ruleset.stage_names


@settings(max_examples=examples(150), deadline=None)
@given(context=contexts, days=st.floats(min_value=-3650, max_value=3650))
def test_evaluation_never_raises_on_arbitrary_json(context: Any, days: float) -> None:
    check(RULES, context, NOW + timedelta(days=days))


@settings(max_examples=examples(150), deadline=None)
@given(context=contexts)
def test_the_shipped_rules_never_raise_on_arbitrary_json(context: Any) -> None:
    check(SHIPPED, context, NOW)
