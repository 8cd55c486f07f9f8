"""Every kind of mistake a rule author can make is reported at its exact JSON pointer, all at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from leadrelay.engine import RuleSetError
from leadrelay.engine.diagnostics import Diagnostic
from leadrelay.rulefiles.kinds import RULE_FILE_KINDS
from leadrelay.rulefiles.validate import validate_path
from msgspec.structs import replace

from tests.rules_engine.builders import lifecycle_doc, rule_set, scoring_doc, write_rules

TITLE = {"field": "lead.Title", "op": "keyword", "value": ["部長"]}
STAGES = "Lead, MQL, SQL, Opportunity, Customer, Nurture, Recycled"
KINDS = ", ".join(sorted(RULE_FILE_KINDS))


def problems(*rules: dict[str, Any], transitions: list[dict[str, Any]] | None = None) -> list[str]:
    """The formatted diagnostics of a rule set that must not load."""
    with pytest.raises(RuleSetError) as caught:
        rule_set(*rules, transitions=transitions)
    return [diagnostic.format() for diagnostic in caught.value.diagnostics]


def warnings(*rules: dict[str, Any]) -> list[str]:
    """The formatted warnings of a rule set that loads."""
    return [diagnostic.format() for diagnostic in rule_set(*rules).warnings]


def rule(**fields: Any) -> dict[str, Any]:
    return {"id": "fit.title", "score": "fit", "when": TITLE, "points": 10, **fields}


def test_an_unknown_key_is_named_where_it_is() -> None:
    assert problems(rule(when={**TITLE, "vaule": 1})) == [
        "rules/scoring.json:/rules/0/when/vaule: unknown key 'vaule'"
    ]
    assert problems(rule(descripton="役職")) == [
        "rules/scoring.json:/rules/0/descripton: unknown key 'descripton'"
    ]


def test_a_wrong_type_says_what_was_expected_and_what_was_found() -> None:
    assert problems(rule(points="ten")) == [
        "rules/scoring.json:/rules/0/points: input should be a valid number, unable to parse string "
        "as a number, got 'ten'"
    ]


def test_a_missing_key_is_named() -> None:
    assert problems(rule(when={"field": "lead.Title", "value": ["部長"]})) == [
        "rules/scoring.json:/rules/0/when/op: missing required key 'op'"
    ]


def test_an_unknown_operator_deep_inside_a_condition() -> None:
    (message,) = problems(rule(when={"all": [TITLE, {"any": [TITLE, {**TITLE, "op": "like"}]}]}))
    assert message.startswith(
        "rules/scoring.json:/rules/0/when/all/1/any/1/op: unknown operator 'like'; expected 'eq'"
    )


def test_a_condition_without_a_known_key() -> None:
    assert problems(rule(when={"feld": "lead.Title", "op": "eq", "value": "部長"})) == [
        "rules/scoring.json:/rules/0/when: a condition needs one of the keys field, expr, count, "
        "sum, all, any, not, at_least"
    ]


def test_a_rule_without_points_bands_cases_or_activities() -> None:
    assert problems({"id": "fit.x", "score": "fit", "pionts": 5}) == [
        "rules/scoring.json:/rules/0: a scoring rule needs one of the keys points, bands, cases or activities"
    ]


def test_an_invalid_jmespath_expression() -> None:
    assert problems(rule(when={"expr": "lead.[", "op": "exists", "value": True})) == [
        "rules/scoring.json:/rules/0/when/expr: invalid JMESPath expression: incomplete expression "
        "at character 7"
    ]


def test_a_regex_re2_cannot_run() -> None:
    assert problems(rule(when={"field": "lead.Phone", "op": "regex", "value": "(\\d)\\1"})) == [
        "rules/scoring.json:/rules/0/when/value: back-references are not supported "
        "(rule regexes run on RE2, which matches in linear time)"
    ]


def test_an_invalid_regex() -> None:
    assert problems(rule(when={"field": "lead.Phone", "op": "regex", "value": "(03"})) == [
        "rules/scoring.json:/rules/0/when/value: invalid regex: missing ): (03"
    ]


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({**TITLE, "value": "部長"}, "keyword takes a non-empty list of non-empty strings"),
        ({**TITLE, "op": "eq", "value": None}, "eq/ne compare with a string, number or true/false, got null"),
        ({**TITLE, "op": "in", "value": "部長"}, "in takes a list of values, got the string '部長'"),
        ({**TITLE, "op": "gte", "value": "三百"}, "gte compares with a number or an ISO date, got '三百'"),
        ({**TITLE, "op": "exists", "value": "yes"}, "exists takes true or false, got 'yes'"),
        (
            {**TITLE, "op": "within_last", "value": {"weeks": 2}},
            "unknown key 'weeks' in the window; use days, hours or minutes",
        ),
        (
            {**TITLE, "op": "within_last", "value": 30},
            'within_last takes a window such as {"days": 30}, got the number 30',
        ),
    ],
)
def test_a_value_that_does_not_suit_its_operator(condition: dict[str, Any], message: str) -> None:
    assert problems(rule(when=condition)) == [f"rules/scoring.json:/rules/0/when/value: {message}"]


def test_a_path_that_is_not_plain() -> None:
    assert problems(rule(when={**TITLE, "field": "lead..Title"})) == [
        "rules/scoring.json:/rules/0/when/field: 'lead..Title' is not a plain dotted path; use "
        '"expr" for a JMESPath expression'
    ]


def test_duplicate_rule_ids() -> None:
    assert problems(rule(), rule()) == [
        "rules/scoring.json:/rules/1/id: duplicate rule id 'fit.title' (also /rules/0/id)"
    ]


def test_a_transition_id_may_not_repeat_a_scoring_rule_id() -> None:
    transitions = [{"id": "fit.title", "from": ["Lead"], "to": "MQL", "when": TITLE}]
    assert problems(rule(), transitions=transitions) == [
        "rules/lifecycle.json:/transitions/0/id: duplicate rule id 'fit.title' (also scoring rule /rules/0)"
    ]


def test_a_rule_feeding_an_undefined_score() -> None:
    assert problems(rule(score="fitness")) == [
        "rules/scoring.json:/rules/0/score: undefined score 'fitness' (defined: fit, engagement)"
    ]


def test_a_lifecycle_condition_reading_an_undefined_score() -> None:
    transitions = [
        {
            "id": "t.mql",
            "from": ["Lead"],
            "to": "MQL",
            "when": {"field": "scores.intent", "op": "gte", "value": 1},
        }
    ]
    assert problems(transitions=transitions) == [
        "rules/lifecycle.json:/transitions/0/when/field: undefined score 'intent' (defined: fit, engagement)"
    ]


def test_a_scoring_condition_may_not_read_scores() -> None:
    assert problems(rule(when={"field": "scores.fit", "op": "gte", "value": 30})) == [
        "rules/scoring.json:/rules/0/when/field: scoring conditions cannot read scores.*: scores are "
        "what these rules compute"
    ]


def test_undefined_stages() -> None:
    transitions = [{"id": "t.x", "from": ["Lead", "Prospect"], "to": "Won", "when": TITLE}]
    assert problems(transitions=transitions) == [
        f"rules/lifecycle.json:/transitions/0/from/1: undefined stage 'Prospect' (stages: {STAGES})",
        f"rules/lifecycle.json:/transitions/0/to: undefined stage 'Won' (stages: {STAGES})",
    ]


def test_a_backward_transition_needs_a_reason_code() -> None:
    transitions = [{"id": "t.back", "from": ["MQL", "SQL"], "to": "Nurture", "when": TITLE}]
    assert problems(transitions=transitions) == [
        "rules/lifecycle.json:/transitions/0: backward transition MQL (rank 1) → Nurture (rank 0) "
        "needs a reason_code"
    ]


def test_at_least_more_than_there_are_conditions() -> None:
    assert problems(rule(when={"at_least": 3, "of": [TITLE, TITLE]})) == [
        "rules/scoring.json:/rules/0/when/at_least: at_least 3 of 2 conditions can never hold"
    ]


def test_a_count_compared_with_a_text_operator() -> None:
    assert problems(rule(when={"count": {"types": ["download"]}, "op": "keyword", "value": ["x"]})) == [
        "rules/scoring.json:/rules/0/when/op: keyword does not apply to a count or sum; use eq, gt, "
        "gte, in, lt, lte, ne"
    ]


def test_a_zero_half_life() -> None:
    decayed = {
        "id": "e.x",
        "score": "engagement",
        "activities": {"types": ["download"]},
        "points_per": 1,
        "half_life": {"days": 0},
    }
    assert problems(decayed) == ["rules/scoring.json:/rules/0/half_life: half_life must be longer than zero"]


def test_one_broken_rule_does_not_hide_the_problems_of_the_others() -> None:
    assert problems(rule(when={**TITLE, "op": "like"}), rule(id="fit.size", score="size")) == [
        "rules/scoring.json:/rules/0/when/op: unknown operator 'like'; expected 'eq', 'ne', 'lt', "
        "'lte', 'gt', 'gte', "
        "'in', 'contains', 'starts_with', 'ends_with', 'exists', 'keyword', 'regex', 'within_last' "
        "or 'older_than'",
        "rules/scoring.json:/rules/1/score: undefined score 'size' (defined: fit, engagement)",
    ]


def test_an_overlapping_band_is_a_warning() -> None:
    bands = [{"gte": 100, "points": 10}, {"gte": 50, "lt": 200, "points": 5}]
    assert warnings(
        {"id": "fit.size", "score": "fit", "field": "lead.NumberOfEmployees", "bands": bands}
    ) == [
        "rules/scoring.json:/rules/0/bands/1: warning: band [50, 200) overlaps band 0 [100, inf); "
        "the first matching band wins",
    ]


def test_a_band_that_can_never_be_chosen_is_an_error() -> None:
    bands = [
        {"gte": 100, "points": 10},
        {"gte": 150, "lt": 300, "points": 3},
        {"gt": 10, "lt": 5, "points": 1},
    ]
    assert problems(
        {"id": "fit.size", "score": "fit", "field": "lead.NumberOfEmployees", "bands": bands}
    ) == [
        "rules/scoring.json:/rules/0/bands/1: unreachable band [150, 300): earlier bands cover all of it",
        "rules/scoring.json:/rules/0/bands/2: unreachable band (10, 5): its bounds are empty",
    ]


def test_a_transition_to_the_stage_it_leaves_is_an_error() -> None:
    loop = [{"id": "lifecycle.stay", "from": ["Lead"], "to": "Lead", "when": {"all": []}}]
    assert problems(transitions=loop) == [
        "rules/lifecycle.json:/transitions/0/to: transition to 'Lead' from itself never fires"
    ]


def test_adjacent_bands_sharing_an_open_bound_do_not_overlap() -> None:
    bands = [{"gte": 1000, "points": 20}, {"gte": 300, "lt": 1000, "points": 15}, {"lt": 300, "points": 5}]
    assert (
        warnings({"id": "fit.size", "score": "fit", "field": "lead.NumberOfEmployees", "bands": bands}) == []
    )


def test_a_path_outside_the_context_is_a_warning() -> None:
    assert warnings(rule(when={"field": "Lead.Title", "op": "exists", "value": True})) == [
        "rules/scoring.json:/rules/0/when/field: warning: 'Lead' is not part of the context "
        "(lead, event, activities, scores): it never has a value"
    ]


def _by_pointer(diagnostic: Diagnostic) -> str:
    """``FILE:POINTER: message`` (the line and column left out), or the broken-JSON form."""
    if not diagnostic.pointer:
        return diagnostic.format()
    return replace(diagnostic, line=None, column=None).format()


def test_validate_path_reports_every_file_without_raising(tmp_path: Path) -> None:
    scores = {"fit": {"floor": 10, "ceiling": 5}, "fit-score": {}}
    write_rules(tmp_path, scoring_doc(scores=scores), lifecycle_doc(initial="Start"))
    (tmp_path / "mystery.json").write_text('{"kind": "scorng"}', encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "broken.json").write_text('{"kind": "rule_tests",,}', encoding="utf-8")

    assert [_by_pointer(d) for d in validate_path(tmp_path)] == [
        f"{tmp_path}/lifecycle.json:/initial: undefined stage 'Start' (stages: {STAGES})",
        f"{tmp_path}/mystery.json:/kind: unknown kind 'scorng'; expected one of: {KINDS}",
        f"{tmp_path}/scoring.json:/scores/fit: floor 10 is above ceiling 5",
        f"{tmp_path}/scoring.json:/scores/fit-score: string should match pattern '^[A-Za-z_][A-Za-z0-9_]*$'",
        f"{tmp_path}/tests/broken.json:1:23: invalid JSON: Expecting property name enclosed in double quotes "
        "(line 1, column 23)",
    ]


def test_validate_path_checks_a_single_file_against_its_siblings(tmp_path: Path) -> None:
    lifecycle = lifecycle_doc(
        [
            {
                "id": "t.x",
                "from": ["Lead"],
                "to": "MQL",
                "when": {"field": "scores.intent", "op": "gte", "value": 1},
            }
        ]
    )
    write_rules(tmp_path, scoring_doc(), lifecycle)

    (problem,) = validate_path(tmp_path / "lifecycle.json")
    assert _by_pointer(problem) == (
        f"{tmp_path}/lifecycle.json:/transitions/0/when/field: undefined score 'intent' (defined: "
        "fit, engagement)"
    )


def test_a_file_without_a_kind(tmp_path: Path) -> None:
    path = tmp_path / "scoring.json"
    path.write_text('{"rules": []}', encoding="utf-8")
    (problem,) = validate_path(path)
    assert problem.pointer == ""
    assert problem.message.startswith("missing required key 'kind' (one of: dedup, dedup_tests, lifecycle,")


def test_a_missing_path(tmp_path: Path) -> None:
    assert [d.format() for d in validate_path(tmp_path / "nope")] == [
        f"{tmp_path}/nope: no such file or directory"
    ]
