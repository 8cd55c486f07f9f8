"""Rule regexes run on RE2, an engine that cannot backtrack, so no pattern can hang evaluation.

Python's ``re`` backtracks: ``(a+)+b`` takes exponential time and even bounded repeats such as
``.{0,999}.{0,999}.{0,999}$x`` take minutes on a 1,000-character value. RE2 (the maintained
``google-re2`` binding) matches in time linear in the input, whatever the pattern, so every rule
regex costs a bounded time per value. What RE2 cannot do in linear time it refuses when the rules
load, and ``compile_regex`` turns that into a reason an admin can act on:

* back-references (``\\1``, ``(?P=name)``) and lookaround (``(?=…)``, ``(?!…)``, ``(?<=…)``);
* patterns longer than ``MAX_PATTERN_LENGTH`` or whose compiled program exceeds RE2's memory
  budget (very large bounded repeats).

RE2's ``\\d``, ``\\w``, ``\\s`` and ``\\b`` are ASCII classes; values are NFKC-normalised first,
so full-width digits and letters are ASCII by then. For Japanese text use ``\\p{Han}``,
``\\p{Hiragana}``, ``\\p{Katakana}`` or a literal. Inputs are truncated to ``MAX_REGEX_INPUT``
characters at evaluation time.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final, Protocol

import re2

MAX_REGEX_INPUT: Final = 1_000
MAX_PATTERN_LENGTH: Final = 500
_MAX_PROGRAM_MEMORY: Final = 8 << 20

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 would print every refused pattern to stderr
_OPTIONS.max_mem = _MAX_PROGRAM_MEMORY
_REASONS: Final = (
    ("invalid named capture group", "back-references are not supported"),
    ("invalid perl operator: (?=", "lookahead is not supported"),
    ("invalid perl operator: (?!", "lookahead is not supported"),
    ("invalid perl operator: (?<", "lookbehind is not supported"),
    ("pattern too large", "the pattern is too large (use smaller repeat counts)"),
    ("bad repetition operator", "invalid repeat"),
)


class UnsafeRegexError(ValueError):
    """The pattern is invalid or cannot run in linear time; the message says why."""


class CompiledRegex(Protocol):
    """What the rule engine needs of a compiled pattern."""

    @property
    def pattern(self) -> str:
        """The source pattern."""
        ...

    def search(self, text: str) -> object | None:
        """A match object where ``text`` contains a match, else ``None``."""
        ...


@lru_cache(maxsize=512)
def compile_regex(pattern: str) -> CompiledRegex:
    """Compile ``pattern`` with RE2; raises ``UnsafeRegexError`` with a reason an admin can act on."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise UnsafeRegexError(f"pattern is longer than {MAX_PATTERN_LENGTH} characters")
    if "(?P=" in pattern:
        raise UnsafeRegexError(_explain("back-references are not supported"))
    try:
        compiled: CompiledRegex = re2.compile(pattern, _OPTIONS)
    except re2.error as error:
        raise UnsafeRegexError(_explain(_reason(error))) from None
    return compiled


def _reason(error: Exception) -> str:
    detail = error.args[0] if error.args else error
    message = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
    if message.startswith("invalid escape sequence: \\") and message[-1:].isdigit():
        return "back-references are not supported"
    for needle, reason in _REASONS:
        if needle in message:
            return reason
    return f"invalid regex: {message}"


def _explain(reason: str) -> str:
    if reason.startswith("invalid regex"):
        return reason
    return f"{reason} (rule regexes run on RE2, which matches in linear time)"
