"""Rejects regular expressions that can backtrack catastrophically, before they ever run.

Python's ``re`` backtracks, so a pattern like ``(a+)+b`` takes exponential time and ``\\d+\\d+x``
cubic time on a long input. ``compile_regex`` parses the pattern (with the standard library's
own parser) and refuses:

* back-references (``\\1``, ``(?P=name)``);
* a repeated group that itself contains a variable repeat (``(a+)+``, ``(\\w*,)*``) or
  alternatives that can start with the same character (``(a|ab)*``);
* two unbounded repeats next to each other that can match the same characters (``\\d+\\d+``,
  ``.*.*``), with only optional items between them, and chains of three unbounded repeats
  joined by characters they all match (``.*a.*a.*x``).

Inputs are also truncated to ``MAX_REGEX_INPUT`` characters at evaluation time.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any, Final

MAX_REGEX_INPUT: Final = 1_000
MAX_PATTERN_LENGTH: Final = 500

_parser: Any = importlib.import_module("re._parser")
_UNBOUNDED: Final[int] = _parser.MAXREPEAT
_MAX_CHAIN: Final = 3
_REPEATS = frozenset({"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"})
_SAMPLE = [chr(code) for code in range(256)] + list("\u3000あアー亜表１Ａａ")
_ALL = frozenset(_SAMPLE)
_CATEGORIES: dict[str, Callable[[str], bool]] = {
    "CATEGORY_DIGIT": str.isdigit,
    "CATEGORY_SPACE": str.isspace,
    "CATEGORY_WORD": lambda ch: ch.isalnum() or ch == "_",
}


class UnsafeRegexError(ValueError):
    """The pattern is invalid or can backtrack catastrophically; the message says why."""


@lru_cache(maxsize=512)
def compile_regex(pattern: str) -> re.Pattern[str]:
    """Compile ``pattern`` after checking it is safe; raises ``UnsafeRegexError`` with a reason."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise UnsafeRegexError(f"pattern is longer than {MAX_PATTERN_LENGTH} characters")
    try:
        compiled = re.compile(pattern)
        tree = _parser.parse(pattern)
    except re.error as error:
        raise UnsafeRegexError(f"invalid regex: {error}") from None
    _check_sequence(list(tree))
    return compiled


def _name(op: Any) -> str:
    return str(op)


def _check_sequence(items: Sequence[Any]) -> None:
    live: frozenset[str] | None = None  # what the current chain of unbounded repeats can match
    chain = 0  # unbounded repeats in the chain
    adjacent = False  # only optional items since the last unbounded repeat
    for op, arg in items:
        name = _name(op)
        if name in ("GROUPREF", "GROUPREF_EXISTS"):
            raise UnsafeRegexError("back-references are not allowed")
        if name in _REPEATS:
            low, high, body = arg
            body_items = list(body)
            if high > 1 and _has_variable_part(body_items):
                raise UnsafeRegexError(
                    "nested quantifiers (a repeated group containing a repeat) are not allowed"
                )
            _check_sequence(body_items)
            if high == _UNBOUNDED and low != high:
                chars = _charset(body_items)
                if live is not None and live & chars:
                    if adjacent:
                        raise UnsafeRegexError(
                            "adjacent unbounded repeats over the same characters are not allowed"
                        )
                    chain += 1
                    if chain >= _MAX_CHAIN:
                        raise UnsafeRegexError("three or more unbounded repeats that can match the same text")
                    live = live | chars
                elif low == 0 and live is not None:
                    live = live | chars  # may match nothing: what came before stays adjacent
                else:
                    live, chain = chars, 1
                adjacent = True
            elif low != 0:
                live, chain, adjacent = _after_item(live, chain, _charset(body_items))
            continue
        for child in _children(name, arg):
            _check_sequence(child)
        if name != "AT":
            live, chain, adjacent = _after_item(live, chain, _charset([(op, arg)]))


def _after_item(
    live: frozenset[str] | None, chain: int, chars: frozenset[str]
) -> tuple[frozenset[str] | None, int, bool]:
    """A mandatory item keeps a chain of repeats going only if the repeats could also match it."""
    if live is not None and live & chars:
        return live, chain, False
    return None, 0, False


def _children(name: str, arg: Any) -> Iterable[list[Any]]:
    if name == "SUBPATTERN":
        yield list(arg[-1])
    elif name == "ATOMIC_GROUP":
        yield list(arg)
    elif name == "BRANCH":
        for branch in arg[1]:
            yield list(branch)
    elif name in ("ASSERT", "ASSERT_NOT"):
        yield list(arg[1])


def _has_variable_part(items: Sequence[Any]) -> bool:
    for op, arg in items:
        name = _name(op)
        if name in _REPEATS:
            low, high, body = arg
            if low != high or _has_variable_part(list(body)):
                return True
        elif name == "BRANCH":
            starts = [_charset(list(branch)[:1]) for branch in arg[1]]
            if any(a & b for i, a in enumerate(starts) for b in starts[i + 1 :]):
                return True
            if any(_has_variable_part(list(branch)) for branch in arg[1]):
                return True
        elif any(_has_variable_part(child) for child in _children(name, arg)):
            return True
    return False


def _charset(items: Sequence[Any]) -> frozenset[str]:
    """Which sample characters a one-character item can match (everything, when not one character)."""
    if len(items) != 1:
        return _ALL
    op, arg = items[0]
    name = _name(op)
    if name == "LITERAL":
        return frozenset({chr(arg)})
    if name == "NOT_LITERAL":
        return _ALL - {chr(arg)}
    if name == "IN":
        return frozenset(ch for ch in _SAMPLE if _in_set(ch, arg))
    if name == "SUBPATTERN":
        return _charset(list(arg[-1]))
    return _ALL


def _in_set(ch: str, members: Sequence[Any]) -> bool:
    negate = False
    hit = False
    for op, arg in members:
        name = _name(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            hit = hit or ch == chr(arg)
        elif name == "RANGE":
            hit = hit or arg[0] <= ord(ch) <= arg[1]
        elif name == "CATEGORY":
            category = _name(arg)
            test = _CATEGORIES.get(category.replace("NOT_", ""))
            matched = True if test is None else test(ch)
            hit = hit or (matched != category.startswith("CATEGORY_NOT_"))
    return hit != negate
