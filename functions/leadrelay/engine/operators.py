"""Operators, compiled once into tests on the value a condition reads.

``value_test(op, value)`` checks the rule's ``value`` and returns a one-argument test; the
time operators (``within_last``, ``older_than``) return a test that also takes ``now`` as epoch
seconds. An invalid ``value`` raises ``OperatorValueError`` with a message for the author.

Semantics (see docs/rule-language.md): ``None`` — a missing or null field — makes every test
false except ``exists: false``; a value of the wrong type makes the test false; text is
NFKC-normalised, trimmed and case-folded; numeric strings (``"1,000"``, ``"１０００"``) compare
as numbers. No test ever raises.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Final

from leadrelay.engine.models import Window
from leadrelay.engine.regex_guard import MAX_REGEX_INPUT, UnsafeRegexError, compile_regex
from leadrelay.engine.values import as_bool, as_number, as_timestamp, fold, nfkc, present

ValueTest = Callable[[Any], bool]
TimeTest = Callable[[Any, float], bool]

TIME_OPERATORS: Final = frozenset({"within_last", "older_than"})
ORDERING: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}
_SCALARS: Final = (str, int, float, bool)
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u3000-\u303f"
# A letter or digit of an alphabetic script (text is case-folded first). Japanese has no spaces,
# so kana and kanji do not count: "CTO" matches in "取締役CTO". A small positive class: a
# negated Unicode class makes `re` build a huge charset, which costs ~30 ms per pattern.
_WORD = "[0-9a-z_\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]"
_HAS_CJK = re.compile(f"[{_CJK}]")
_WORD_CHAR = re.compile(_WORD)
_NOT_AFTER_WORD = f"(?<!{_WORD})"
_NOT_BEFORE_WORD = f"(?!{_WORD})"


class OperatorValueError(ValueError):
    """The rule's ``value`` does not suit its operator."""


def _is_scalar(value: Any) -> bool:
    return isinstance(value, _SCALARS) and value is not None


class Equality:
    """Equality as the rule language defines it, against one or more rule values (``eq`` / ``in``)."""

    __slots__ = ("bools", "numbers", "texts")

    def __init__(self, values: list[Any]) -> None:
        texts: set[str] = set()
        numbers: set[float] = set()
        bools: set[bool] = set()
        for value in values:
            if isinstance(value, bool):
                bools.add(value)
            elif isinstance(value, int | float):
                number = as_number(value)
                if number is None:
                    raise OperatorValueError(f"{value!r} is not a finite number")
                numbers.add(number)
            elif isinstance(value, str):
                texts.add(fold(value))
                number = as_number(value)
                if number is not None:
                    numbers.add(number)
            else:
                raise OperatorValueError(f"expected a string, number or true/false, got {_json_type(value)}")
        self.texts = frozenset(texts)
        self.numbers = frozenset(numbers)
        self.bools = frozenset(bools)

    def __call__(self, value: Any) -> bool:
        kind = type(value)
        if kind is str:
            if fold(value) in self.texts:
                return True
            if self.numbers:
                number = as_number(value)
                if number is not None and number in self.numbers:
                    return True
            return bool(self.bools) and as_bool(value) in self.bools
        if kind is bool:
            return value in self.bools
        if self.numbers and (kind is int or kind is float or isinstance(value, int | float)):
            return as_number(value) in self.numbers
        return False


def value_test(op: str, value: Any) -> ValueTest:
    """A test for operator ``op`` against the rule value ``value`` (not for time operators)."""
    factory = _FACTORIES.get(op)
    if factory is None:
        raise OperatorValueError(f"unknown operator {op!r}")
    return factory(value)


def time_test(op: str, value: Any) -> TimeTest:
    """A test for ``within_last`` / ``older_than``: ``test(field_value, now_epoch_seconds)``."""
    span = window_seconds(op, value)

    if op == "within_last":

        def within_last(field: Any, now: float) -> bool:
            moment = as_timestamp(field)
            return moment is not None and now - span <= moment <= now

        return within_last

    def older_than(field: Any, now: float) -> bool:
        moment = as_timestamp(field)
        return moment is not None and moment < now - span

    return older_than


def _eq(value: Any) -> ValueTest:
    if not _is_scalar(value):
        raise OperatorValueError(
            f"eq/ne compare with a string, number or true/false, got {_json_type(value)}"
        )
    return Equality([value])


def _ne(value: Any) -> ValueTest:
    equal = _eq(value)
    return lambda field: _is_scalar(field) and not equal(field)


def _in(value: Any) -> ValueTest:
    if not isinstance(value, list):
        raise OperatorValueError(f"in takes a list of values, got {_json_type(value)}")
    return Equality(value)


def _ordering(op: str) -> Callable[[Any], ValueTest]:
    compare = ORDERING[op]

    def factory(value: Any) -> ValueTest:
        bound = as_number(value) if not isinstance(value, bool) else None
        if bound is not None:
            number_bound = bound
            return lambda field: (number := as_number(field)) is not None and compare(number, number_bound)
        moment = as_timestamp(value) if isinstance(value, str) else None
        if moment is None:
            raise OperatorValueError(f"{op} compares with a number or an ISO date, got {value!r}")
        moment_bound = moment
        return lambda field: (when := as_timestamp(field)) is not None and compare(when, moment_bound)

    return factory


def _text_value(op: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise OperatorValueError(f"{op} takes a non-empty string, got {_json_type(value)}")
    return fold(value)


def _contains(value: Any) -> ValueTest:
    if not _is_scalar(value):
        raise OperatorValueError(
            f"contains takes a string (or a scalar, for list fields), got {_json_type(value)}"
        )
    member = Equality([value])
    needle = fold(value) if isinstance(value, str) else None

    def contains(field: Any) -> bool:
        if type(field) is str:
            return needle is not None and needle in fold(field)
        if type(field) is list:
            return any(member(item) for item in field)
        return False

    return contains


def _starts_with(value: Any) -> ValueTest:
    prefix = _text_value("starts_with", value)
    return lambda field: type(field) is str and fold(field).startswith(prefix)


def _ends_with(value: Any) -> ValueTest:
    suffix = _text_value("ends_with", value)
    return lambda field: type(field) is str and fold(field).endswith(suffix)


def _exists(value: Any) -> ValueTest:
    if not isinstance(value, bool):
        raise OperatorValueError(f"exists takes true or false, got {value!r}")
    if value:
        return present
    return lambda field: not present(field)


@lru_cache(maxsize=512)
def keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for a keyword list: whole words for Latin keywords, substrings for CJK ones.

    Keywords are grouped by which ends need a word boundary, so the pattern holds at most a
    few boundary classes however many keywords there are (cheap to compile at cold start).
    """
    groups: dict[tuple[bool, bool], list[str]] = {}
    for keyword in sorted({fold(word) for word in keywords}, key=len, reverse=True):
        edges = (False, False) if _HAS_CJK.search(keyword) else (_is_word(keyword[0]), _is_word(keyword[-1]))
        groups.setdefault(edges, []).append(re.escape(keyword))
    parts = [
        (_NOT_AFTER_WORD if before else "")
        + "(?:"
        + "|".join(words)
        + ")"
        + (_NOT_BEFORE_WORD if after else "")
        for (before, after), words in groups.items()
    ]
    return re.compile("|".join(parts))


def _is_word(char: str) -> bool:
    return _WORD_CHAR.fullmatch(char) is not None


def _keyword(value: Any) -> ValueTest:
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(word, str) and word.strip() for word in value)
    ):
        raise OperatorValueError("keyword takes a non-empty list of non-empty strings")
    search = keyword_pattern(tuple(value)).search
    matches = memoised(lambda text: search(fold(text)) is not None)

    def keyword(field: Any) -> bool:
        if type(field) is str:
            return matches(field)
        if type(field) is list:
            return any(type(item) is str and matches(item) for item in field)
        return False

    return keyword


def _regex(value: Any) -> ValueTest:
    if not isinstance(value, str) or not value:
        raise OperatorValueError(f"regex takes a pattern string, got {_json_type(value)}")
    try:
        search = compile_regex(value).search
    except UnsafeRegexError as error:
        raise OperatorValueError(str(error)) from None
    matches = memoised(lambda text: search(nfkc(text[:MAX_REGEX_INPUT])) is not None)
    return lambda field: type(field) is str and matches(field)


def memoised(test: Callable[[str], bool], limit: int = 4096) -> Callable[[str], bool]:
    """``test`` with its results remembered for the last few thousand texts.

    Titles, URLs and campaign names repeat across leads and across the rules of one rule set,
    so a text test (keyword, regex) usually costs one dict lookup. Pure: same text, same answer.
    """
    results: dict[str, bool] = {}

    def remembered(text: str) -> bool:
        known = results.get(text)
        if known is None:
            known = test(text)
            if len(results) >= limit:
                results.clear()
            results[text] = known
        return known

    return remembered


_FACTORIES: Final[dict[str, Callable[[Any], ValueTest]]] = {
    "eq": _eq,
    "ne": _ne,
    "in": _in,
    "contains": _contains,
    "starts_with": _starts_with,
    "ends_with": _ends_with,
    "exists": _exists,
    "keyword": _keyword,
    "regex": _regex,
    **{op: _ordering(op) for op in ORDERING},
}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def window_seconds(op: str, value: Any) -> float:
    """The length of a window value (``{"days": 30}``), or ``OperatorValueError`` saying what is wrong."""
    if not isinstance(value, dict) or not value:
        raise OperatorValueError(f'{op} takes a window such as {{"days": 30}}, got {_json_type(value)}')
    for key, amount in value.items():
        if key not in Window.model_fields:
            raise OperatorValueError(f"unknown key {key!r} in the window; use days, hours or minutes")
        if isinstance(amount, bool) or not isinstance(amount, int | float) or not amount >= 0:
            raise OperatorValueError(f"window {key} must be a number ≥ 0, got {_json_type(amount)}")
    return Window.model_validate(value).seconds
