"""regex: compiled when loaded, applied to NFKC text, bounded so it never backtracks catastrophically."""

from __future__ import annotations

import pytest
from leadrelay.engine import RuleSetError
from leadrelay.engine.regex_guard import UnsafeRegexError, compile_regex

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
        (r"(a)\1", "back-references are not supported"),
        (r"(?P<x>a)(?P=x)", "back-references are not supported"),
        ("foo(?=bar)", "lookahead is not supported"),
        ("foo(?!bar)", "lookahead is not supported"),
        ("(?<=a)b", "lookbehind is not supported"),
        ("[", "invalid regex"),
        ("a{2,1}", "invalid"),
        ("a{1001}", "invalid regex: invalid repetition size"),
        ("a" * 501, "longer than 500"),
    ],
)
def test_patterns_re2_cannot_run_in_linear_time_or_at_all_are_rejected(pattern: str, reason: str) -> None:
    with pytest.raises(UnsafeRegexError, match=reason):
        compile_regex(pattern)


CATASTROPHIC_FOR_A_BACKTRACKING_ENGINE = [
    r".{0,999}.{0,999}.{0,999}$x",
    "a{0,300}a{0,300}a{0,300}b",
    r"\d{1,1000}\d{1,1000}\d{1,1000}x",
    ".*a.*x",
    "(a+)+$",
    r"(\w*,)*x",
    "(a|ab)*c",
    ".*a.*a.*x",
]


@pytest.mark.parametrize("pattern", CATASTROPHIC_FOR_A_BACKTRACKING_ENGINE)
def test_patterns_that_hang_python_re_compile_on_re2(pattern: str) -> None:
    assert type(compile_regex(pattern)).__module__.startswith("re2")


def test_a_pattern_too_large_for_re2_is_refused() -> None:
    with pytest.raises(UnsafeRegexError, match="too large"):
        compile_regex(r"\p{L}{1000}\p{L}{1000}\p{L}{1000}")


@pytest.mark.parametrize("pattern", CATASTROPHIC_FOR_A_BACKTRACKING_ENGINE)
def test_a_catastrophic_pattern_finishes_on_1000_character_values(pattern: str) -> None:
    """Python's re needs minutes to hours here; RE2 finishes each value (no clock is asserted)."""
    rule = {"field": "lead.Description", "op": "regex", "value": pattern}
    answers = [holds(rule, lead={"Description": text}) for text in ("a" * 1000, "1" * 1000, "a," * 500)]
    assert answers == [pattern == "(a+)+$", False, False]


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


def test_a_rule_with_a_back_reference_does_not_load() -> None:
    rule = {"id": "fit.phone", "score": "fit", "when": phone(r"(\d)\1"), "points": 1}
    with pytest.raises(RuleSetError, match=r"/rules/0/when/value: back-references are not supported"):
        rule_set(rule)
