"""eq, ne and in: text folded (NFKC, trimmed, case-insensitive), numbers numeric, booleans strict."""

from __future__ import annotations

from typing import Any

import pytest

from tests.rules_engine.builders import holds


def eq(field: str, value: Any) -> dict[str, Any]:
    return {"field": f"lead.{field}", "op": "eq", "value": value}


def test_eq_matches_text_case_insensitively_after_trimming() -> None:
    assert holds(eq("Industry", "manufacturing"), lead={"Industry": "  Manufacturing "})


def test_eq_matches_full_width_text_to_its_ascii_form() -> None:
    assert holds(eq("Title", "CTO"), lead={"Title": "ＣＴＯ"})


@pytest.mark.parametrize("employees", [1000, 1000.0, "1000", "1,000", "１０００", "１，０００", " 1000 "])
def test_eq_compares_numbers_numerically_whatever_their_spelling(employees: Any) -> None:
    assert holds(eq("NumberOfEmployees", 1000), lead={"NumberOfEmployees": employees})


def test_a_numeric_string_rule_value_equals_the_number() -> None:
    assert holds(eq("NumberOfEmployees", "1,000"), lead={"NumberOfEmployees": 1000})


def test_eq_true_matches_a_checkbox_and_the_string_true() -> None:
    assert holds(eq("LR_Budget_Confirmed__c", True), lead={"LR_Budget_Confirmed__c": True})
    assert holds(eq("LR_Budget_Confirmed__c", True), lead={"LR_Budget_Confirmed__c": "ＴＲＵＥ"})


@pytest.mark.parametrize("value", [1, 1.0, "1", "yes"])
def test_booleans_never_equal_numbers_or_other_words(value: Any) -> None:
    assert not holds(eq("LR_Budget_Confirmed__c", True), lead={"LR_Budget_Confirmed__c": value})


def test_the_number_one_does_not_equal_true() -> None:
    assert not holds(eq("NumberOfEmployees", 1), lead={"NumberOfEmployees": True})


@pytest.mark.parametrize(
    "lead", [{}, {"Industry": None}, {"Industry": {"name": "製造"}}, {"Industry": ["製造"]}]
)
def test_eq_is_false_for_missing_null_and_wrong_types(lead: dict[str, Any]) -> None:
    assert not holds(eq("Industry", "製造"), lead=lead)


@pytest.mark.parametrize("lead", [{}, {"Industry": None}, {"Industry": {"name": "製造"}}, {"Industry": []}])
def test_ne_is_also_false_for_missing_null_and_wrong_types(lead: dict[str, Any]) -> None:
    assert not holds({"field": "lead.Industry", "op": "ne", "value": "製造"}, lead=lead)


def test_ne_holds_for_a_present_different_value() -> None:
    assert holds({"field": "lead.Industry", "op": "ne", "value": "製造"}, lead={"Industry": "金融"})


def test_ne_is_false_for_an_equal_value_in_another_width() -> None:
    assert not holds({"field": "lead.Industry", "op": "ne", "value": "IT"}, lead={"Industry": "ＩＴ"})


def test_not_around_eq_holds_for_a_missing_field() -> None:
    assert holds({"not": eq("Industry", "製造")}, lead={})


def test_in_uses_the_same_equality_as_eq() -> None:
    condition = {"field": "lead.State", "op": "in", "value": ["東京都", "神奈川県", 13]}
    assert holds(condition, lead={"State": "東京都"})
    assert holds(condition, lead={"State": "１３"})
    assert not holds(condition, lead={"State": "大阪府"})
    assert not holds(condition, lead={"State": None})


def test_in_with_an_empty_list_never_holds() -> None:
    assert not holds({"field": "lead.State", "op": "in", "value": []}, lead={"State": "東京都"})
