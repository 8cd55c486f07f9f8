"""regex: compiled when loaded, applied to NFKC text, bounded so it never backtracks catastrophically."""

from __future__ import annotations

import pytest
from leadrelay.core.rules import RuleSetError
from leadrelay.core.rules.regex_guard import UnsafeRegexError, compile_regex

from tests.rules_engine.builders import holds, rule_set


def phone(pattern: str) -> dict[str, str]:
    return {"field": "lead.Phone", "op": "regex", "value": pattern}


def test_regex_searches_the_field() -> None:
    assert holds(phone(r"^0\d{1,4}-\d{1,4}-\d{4}$"), lead={"Phone": "03-1234-5678"})
    assert not holds(phone(r"^0\d{1,4}-\d{1,4}-\d{4}$"), lead={"Phone": "+81 3 1234 5678"})


def test_regex_sees_full_width_digits_as_ascii() -> None:
    assert holds(phone(r"^03-[0-9]{4}-[0-9]{4}$"), lead={"Phone": "０３－１２３４－５６７８"})


def test_regex_is_case_sensitive_unless_the_pattern_says_otherwise() -> None:
    assert not holds(phone("^tel"), lead={"Phone": "TEL 03"})
    assert holds(phone("(?i)^tel"), lead={"Phone": "TEL 03"})


@pytest.mark.parametrize("value", [None, 312345678, ["03-1234-5678"]])
def test_regex_is_false_for_null_and_non_text(value: object) -> None:
    assert not holds(phone(r"\d"), lead={"Phone": value})


def test_only_the_first_1000_characters_are_searched() -> None:
    assert holds(phone("x"), lead={"Phone": "a" * 999 + "x"})
    assert not holds(phone("x"), lead={"Phone": "a" * 1000 + "x"})


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(a+)+$", "nested quantifiers"),
        (r"(\w*,)*x", "nested quantifiers"),
        ("(a|ab)*c", "nested quantifiers"),
        (r"\d+\d+x", "adjacent unbounded repeats"),
        (r"\d+\s*\d+", "adjacent unbounded repeats"),
        (".*.*=", "adjacent unbounded repeats"),
        (".*a.*a.*x", "three or more unbounded repeats"),
        (r"(a)\1", "back-references"),
        ("[", "invalid regex"),
        ("a" * 501, "longer than 500"),
    ],
)
def test_dangerous_or_invalid_patterns_are_rejected(pattern: str, reason: str) -> None:
    with pytest.raises(UnsafeRegexError, match=reason):
        compile_regex(pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        r"/(pricing|price|plans)(/|\?|#|$)",
        r"^\d{3}-\d{4}$",
        r"(\d{3})+",
        r"^[a-z]+\d+$",
        r"[^,]+,[^,]+",
        r".*/pricing.*",
    ],
)
def test_ordinary_patterns_are_accepted(pattern: str) -> None:
    assert compile_regex(pattern).pattern == pattern


def test_a_rule_with_a_dangerous_regex_does_not_load() -> None:
    rule = {"id": "fit.phone", "score": "fit", "when": phone("(a+)+$"), "points": 1}
    with pytest.raises(RuleSetError, match=r"/rules/0/when/value: nested quantifiers"):
        rule_set(rule)
