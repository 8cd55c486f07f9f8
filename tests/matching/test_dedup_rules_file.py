"""rules/dedup.json is validated like every rule file: each mistake reported as FILE:JSON-POINTER."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from leadrelay.engine.diagnostics import RuleSetError
from leadrelay.rulefiles.dedup_loading import load_match_rules
from leadrelay.rulefiles.validation import validate_document

from tests.matching.rules_builders import SHIPPED

FILE = "rules/dedup.json"


def _shipped() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(SHIPPED.read_text(encoding="utf-8"))
    return document


def _problems(document: dict[str, Any]) -> list[str]:
    return [d.format() for d in validate_document(document, FILE) if d.severity == "error"]


def _lead_lead(document: dict[str, Any]) -> dict[str, Any]:
    pair: dict[str, Any] = document["pairs"]["lead_lead"]
    return pair


def test_the_shipped_file_is_valid() -> None:
    assert _problems(_shipped()) == []


def test_an_unknown_level_in_weights_is_located() -> None:
    document = copy.deepcopy(_shipped())
    _lead_lead(document)["comparisons"][1]["weights"]["same_persona"] = 12

    (problem,) = _problems(document)

    assert problem.startswith(f"{FILE}:/pairs/lead_lead/comparisons/1/weights/same_persona: unknown level")
    assert "same_personal" in problem


def test_a_rule_naming_an_unknown_comparison_or_level_is_located() -> None:
    document = copy.deepcopy(_shipped())
    _lead_lead(document)["rules"][0]["when"] = {"persn": ["different"], "email": ["same"]}

    problems = _problems(document)

    assert (
        f"{FILE}:/pairs/lead_lead/rules/0/when/persn: unknown comparison 'persn' in pair lead_lead"
        in problems
    )
    assert any(
        p.startswith(f"{FILE}:/pairs/lead_lead/rules/0/when/email/0: unknown level 'same'") for p in problems
    )


def test_a_similarity_method_needs_levels_and_a_field() -> None:
    document = copy.deepcopy(_shipped())
    _lead_lead(document)["comparisons"][0] = {"id": "person", "method": "jaro_winkler", "weights": {}}

    problems = _problems(document)

    assert f"{FILE}:/pairs/lead_lead/comparisons/0/field: the jaro_winkler method needs a field" in problems
    assert any(
        p.startswith(f"{FILE}:/pairs/lead_lead/comparisons/0/levels: name at least one level")
        for p in problems
    )


def test_an_unknown_method_is_a_schema_error_at_its_pointer() -> None:
    document = copy.deepcopy(_shipped())
    _lead_lead(document)["comparisons"][2]["method"] = "soundex"

    (problem,) = _problems(document)

    assert problem.startswith(f"{FILE}:/pairs/lead_lead/comparisons/2/method:")


def test_a_candidate_threshold_above_the_match_threshold_is_an_error() -> None:
    document = copy.deepcopy(_shipped())
    _lead_lead(document)["thresholds"] = {"match": 5, "candidate": 8}

    assert _problems(document) == [
        f"{FILE}:/pairs/lead_lead/thresholds/candidate: the candidate threshold is above the match threshold"
    ]


def test_same_as_must_name_a_pair_defined_in_full() -> None:
    document = copy.deepcopy(_shipped())
    document["pairs"]["lead_contact"]["blocking"] = [["email"]]

    (problem,) = _problems(document)

    assert problem.startswith(f"{FILE}:/pairs/lead_contact/same_as: same_as names another pair")


@pytest.mark.parametrize("missing", ["blocking", "comparisons", "thresholds"])
def test_a_pair_without_same_as_needs_its_parts(missing: str) -> None:
    document = copy.deepcopy(_shipped())
    del document["pairs"]["lead_account"][missing]

    assert (
        f"{FILE}:/pairs/lead_account: pair lead_account needs {missing} (or same_as another pair)"
        in _problems(document)
    )


def test_loading_an_invalid_file_raises_with_every_problem(tmp_path: Any) -> None:
    document = copy.deepcopy(_shipped())
    _lead_lead(document)["thresholds"] = {"match": 5, "candidate": 8}
    path = tmp_path / "dedup.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    with pytest.raises(RuleSetError) as raised:
        load_match_rules(tmp_path)

    assert "/pairs/lead_lead/thresholds/candidate" in str(raised.value)
