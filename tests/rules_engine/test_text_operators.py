"""contains, starts_with, ends_with, exists and keyword (whole words; CJK keywords as substrings)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.rules_engine.builders import holds


def title(op: str, value: Any) -> dict[str, Any]:
    return {"field": "lead.Title", "op": op, "value": value}


def test_contains_is_a_folded_substring_test() -> None:
    assert holds(title("contains", "MARKETING"), lead={"Title": "Head of Ｍａｒｋｅｔｉｎｇ"})


def test_contains_on_a_list_field_tests_membership() -> None:
    condition = {"field": "lead.Interests", "op": "contains", "value": "ＭＡ"}
    assert holds(condition, lead={"Interests": ["CRM", "ma"]})
    assert not holds(condition, lead={"Interests": ["CRM", "email marketing"]})


def test_starts_with_and_ends_with_use_folded_text() -> None:
    assert holds(title("starts_with", "営業"), lead={"Title": " 営業部長"})
    assert holds(title("ends_with", "manager"), lead={"Title": "Sales MANAGER"})
    assert not holds(title("ends_with", "部長"), lead={"Title": "部長代理"})


@pytest.mark.parametrize("op", ["contains", "starts_with", "ends_with", "keyword"])
@pytest.mark.parametrize("value", [None, 42, {"ja": "部長"}])
def test_text_operators_are_false_for_null_and_wrong_types(op: str, value: Any) -> None:
    assert not holds(title(op, ["部長"] if op == "keyword" else "部長"), lead={"Title": value})


@pytest.mark.parametrize(
    ("value", "present"),
    [("営業部長", True), (0, True), (False, True), ([], True), ("", False), ("  ", False), (None, False)],
)
def test_exists_means_present_not_null_and_not_blank(value: Any, present: bool) -> None:
    lead = {"Title": value}
    assert holds(title("exists", True), lead=lead) is present
    assert holds(title("exists", False), lead=lead) is not present


def test_a_missing_field_does_not_exist() -> None:
    assert holds(title("exists", False), lead={})
    assert not holds(title("exists", True), lead={})


def test_keyword_matches_whole_words_case_insensitively() -> None:
    assert holds(title("keyword", ["cto"]), lead={"Title": "CTO / 取締役"})
    assert holds(title("keyword", ["CTO"]), lead={"Title": "Co-founder & cto"})


def test_keyword_does_not_match_inside_a_longer_word() -> None:
    assert not holds(title("keyword", ["cto"]), lead={"Title": "Director"})
    assert not holds(title("keyword", ["vp"]), lead={"Title": "VPN engineer"})


@pytest.mark.parametrize(
    "text", ["CTO", "営業本部\nCTO", "CTO\n営業本部", "(CTO)", "CTO・CIO", "Ｖｐ, cto", "Sales Engineer\tCTO"]
)
def test_keyword_word_boundaries_are_the_texts_edges_and_any_non_word_character(text: str) -> None:
    assert holds(title("keyword", ["cto", "vice president"]), lead={"Title": text})


def test_keyword_lists_with_regex_characters_match_them_literally() -> None:
    assert holds(title("keyword", ["c++", "r&d", "(株)"]), lead={"Title": "R&D Manager"})
    assert not holds(title("keyword", ["c.o"]), lead={"Title": "CEO"})


def test_keyword_matches_full_width_latin_text() -> None:
    assert holds(title("keyword", ["cto"]), lead={"Title": "ＣＴＯ"})


def test_a_latin_keyword_next_to_japanese_text_is_a_whole_word() -> None:
    assert holds(title("keyword", ["cto"]), lead={"Title": "取締役CTO"})


def test_japanese_keywords_match_as_substrings() -> None:
    assert holds(title("keyword", ["取締役"]), lead={"Title": "代表取締役社長"})
    assert holds(title("keyword", ["部長"]), lead={"Title": "マーケティング部長"})


def test_multi_word_keywords_match_as_phrases() -> None:
    assert holds(title("keyword", ["vice president"]), lead={"Title": "Vice President, Sales"})
    assert not holds(title("keyword", ["vice president"]), lead={"Title": "President"})


def test_keyword_on_a_list_field_matches_any_string_in_it() -> None:
    assert holds(title("keyword", ["部長"]), lead={"Title": [None, 3, "営業部長"]})
