"""Operators, compiled once into tests on the value a condition reads.

``OPERATORS`` is the registry: one ``OperatorSpec`` per name of the rule-file models' ``Operator``
literal (which also gives the JSON Schemas their ``enum``), in its order; importing this module
fails if the two ever differ. ``value_test(op, value)`` checks the rule's ``value`` and returns a
one-argument test; the time operators (``within_last``, ``older_than``) return a test that also
takes ``now`` as epoch seconds. An invalid ``value`` raises ``OperatorValueError`` with a message
for the author.

Semantics (see docs/rule-language.md): ``None`` — a missing or null field — makes every test
false except ``exists: false``; a value of the wrong type makes the test false; text is
NFKC-normalised, trimmed and case-folded; numeric strings (``"1,000"``, ``"１０００"``) compare
as numbers. No test ever raises.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any, Final, get_args

from msgspec import Struct

from leadrelay.engine.models import Operator, Window
from leadrelay.engine.regex_guard import MAX_REGEX_INPUT, UnsafeRegexError, compile_regex
from leadrelay.engine.text_match import keyword_pattern, memoised
from leadrelay.engine.values import as_bool, as_number, as_timestamp, fold, nfkc, present

ValueTest = Callable[[Any], bool]
TimeTest = Callable[[Any, float], bool]

_SCALARS: Final = (str, int, float, bool)


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


def value_test(op: Operator, value: Any) -> ValueTest:
    """A test for operator ``op`` against the rule value ``value`` (not for time operators)."""
    build = OPERATORS[op].test
    if build is None:
        raise ValueError(f"{op} compares an instant with now: compile it with time_test")
    return build(value)


def time_test(op: Operator, value: Any) -> TimeTest:
    """A test for ``within_last`` / ``older_than``: ``test(field_value, now_epoch_seconds)``."""
    build = OPERATORS[op].timed
    if build is None:
        raise ValueError(f"{op} is not a time operator: compile it with value_test")
    return build(value)


def _within_last(value: Any) -> TimeTest:
    span = window_seconds("within_last", value)

    def within_last(field: Any, now: float) -> bool:
        moment = as_timestamp(field)
        return moment is not None and now - span <= moment <= now

    return within_last


def _older_than(value: Any) -> TimeTest:
    span = window_seconds("older_than", value)

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


def _ordering(op: str, compare: Callable[[float, float], bool]) -> Callable[[Any], ValueTest]:
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


class OperatorSpec(Struct, frozen=True):
    """What one operator of the rule language compiles to: a value test or a time test."""

    test: Callable[[Any], ValueTest] | None = None
    """Compiles the rule's ``value`` into a test of the value read (None for a time operator)."""
    timed: Callable[[Any], TimeTest] | None = None
    """Compiles the rule's window into a test of an instant against ``now`` (time operators only)."""
    numeric: bool = False
    """Also applies to a ``count`` or a ``sum`` (a number)."""

    def __post_init__(self) -> None:
        if (self.test is None) == (self.timed is None):
            raise TypeError("an operator compiles to a value test or to a time test, and to only one")


OPERATORS: Final[Mapping[Operator, OperatorSpec]] = {
    "eq": OperatorSpec(_eq, numeric=True),
    "ne": OperatorSpec(_ne, numeric=True),
    "lt": OperatorSpec(_ordering("lt", operator.lt), numeric=True),
    "lte": OperatorSpec(_ordering("lte", operator.le), numeric=True),
    "gt": OperatorSpec(_ordering("gt", operator.gt), numeric=True),
    "gte": OperatorSpec(_ordering("gte", operator.ge), numeric=True),
    "in": OperatorSpec(_in, numeric=True),
    "contains": OperatorSpec(_contains),
    "starts_with": OperatorSpec(_starts_with),
    "ends_with": OperatorSpec(_ends_with),
    "exists": OperatorSpec(_exists),
    "keyword": OperatorSpec(_keyword),
    "regex": OperatorSpec(_regex),
    "within_last": OperatorSpec(timed=_within_last),
    "older_than": OperatorSpec(timed=_older_than),
}
"""Every operator, in the order of the ``Operator`` literal (the schemas' and error messages' order)."""
if tuple(OPERATORS) != get_args(Operator):
    raise TypeError(
        f"OPERATORS must list exactly the Operator literal's names, in its order: {get_args(Operator)}"
    )
TIME_OPERATORS: Final = frozenset(op for op, spec in OPERATORS.items() if spec.timed is not None)
NUMERIC_OPERATORS: Final = frozenset(op for op, spec in OPERATORS.items() if spec.numeric)
"""The operators a ``count`` or a ``sum`` compares with."""


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
