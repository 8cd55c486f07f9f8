"""An exception while evaluating names the rule that raised it: the file, the rule's JSON pointer and its id.

Evaluation never raises for anything JSON can hold; these tests hand it a value no reader expects
(a number whose conversion fails) to show what an engine bug would look like in a dead letter.
"""

from __future__ import annotations

import traceback

import pytest
from leadrelay.engine import RuleEvaluationError

from tests.rules_engine.builders import days_ago, evaluate, rule_set

TITLE = {
    "id": "fit.title",
    "score": "fit",
    "cases": [{"when": {"field": "lead.Title", "op": "keyword", "value": ["部長"]}, "points": 12}],
}
SIZE = {
    "id": "fit.size",
    "score": "fit",
    "field": "lead.NumberOfEmployees",
    "bands": [{"gte": 300, "points": 15}],
}
LONG_WEBINARS = {
    "id": "engagement.long_webinars",
    "score": "engagement",
    "activities": {
        "types": ["webinar_attended"],
        "where": {"field": "minutes", "op": "gte", "value": 30},
    },
    "points_per": 10,
}


class Unreadable(float):
    """A number whose conversion to float fails: what no JSON document ever holds."""

    def __float__(self) -> float:
        raise RuntimeError("this number cannot be read")


@pytest.mark.parametrize("trace", [False, True])
def test_an_error_in_a_scoring_rule_names_the_file_pointer_and_rule(trace: bool) -> None:
    rules = rule_set(TITLE, SIZE)
    lead = {"Title": "営業部長", "NumberOfEmployees": Unreadable(350)}

    with pytest.raises(RuleEvaluationError) as raised:
        evaluate(rules, trace=trace, lead=lead)

    assert str(raised.value) == (
        "rules/scoring.json:/rules/1: rule 'fit.size' failed: RuntimeError: this number cannot be read"
    )
    assert (raised.value.file, raised.value.pointer, raised.value.rule_id) == (
        "rules/scoring.json",
        "/rules/1",
        "fit.size",
    )
    assert isinstance(raised.value.__cause__, RuntimeError)


def test_an_error_in_an_activity_condition_names_the_activities_rule() -> None:
    rules = rule_set(TITLE, LONG_WEBINARS)
    webinar = {"type": "webinar_attended", "occurred_at": days_ago(3), "minutes": Unreadable(45)}

    with pytest.raises(
        RuleEvaluationError, match=r"^rules/scoring.json:/rules/1: rule 'engagement.long_webinars'"
    ):
        evaluate(rules, lead={"Title": "営業部長"}, activities=[webinar])


def test_an_error_in_a_transition_names_the_transition() -> None:
    big = {
        "id": "lifecycle.big_company",
        "from": ["Lead"],
        "to": "MQL",
        "when": {"field": "lead.NumberOfEmployees", "op": "gte", "value": 1000},
    }
    rules = rule_set(TITLE, transitions=[big])

    with pytest.raises(RuleEvaluationError) as raised:
        evaluate(rules, lead={"NumberOfEmployees": Unreadable(5000)})

    assert str(raised.value).startswith(
        "rules/lifecycle.json:/transitions/0/when: rule 'lifecycle.big_company' failed: RuntimeError"
    )


def test_the_traceback_shows_the_generated_line_that_raised() -> None:
    rules = rule_set(TITLE, SIZE)

    with pytest.raises(RuleEvaluationError) as raised:
        evaluate(rules, lead={"NumberOfEmployees": Unreadable(350)})

    text = "".join(traceback.format_exception(raised.value))
    assert "<leadrelay rules/scoring.json" in text
    assert "_n = " in text  # the generated source line, from linecache
