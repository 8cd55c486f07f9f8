"""How deep a rule file may nest, checked before anything recursive reads it.

A condition nested hundreds of levels deep (``{"not": {"not": …}}``) is never what an author
means, and it breaks the tools that read it: Python's JSON reader and pydantic recurse once per
level, and the compiled condition would have more nested parentheses than Python can compile.
So a rule file may nest at most :data:`MAX_NESTING` levels of objects and arrays (the shipped
rules use 9); deeper is a located error, found by a linear scan of the text before the file is
parsed and by a walk of an already parsed document.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any, Final

from msgspec import Struct

MAX_NESTING: Final = 64
"""Objects and arrays a rule file may nest (the top-level object is level 1)."""

TOO_DEEP: Final = (
    f"nested deeper than {MAX_NESTING} levels of objects and arrays; "
    "split the condition into named rules or flatten all/any"
)


_STRING: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
"""A string literal (the unrolled form: no backtracking per character)."""
_BRACKETS: Final = re.compile(r"[^{}\[\]]+")
_STEP: Final = {"{": 1, "[": 1, "}": -1, "]": -1}


class TooDeep(Struct, frozen=True):
    """Where a file first nests too deeply: JSON pointer, line and column."""

    pointer: str
    line: int
    column: int


class _Frame(Struct):
    is_object: bool
    key: str = ""
    index: int = 0


def too_deep_in_text(text: str) -> TooDeep | None:
    """The first place where ``text`` nests deeper than :data:`MAX_NESTING`, without parsing it."""
    if _deepest(text) <= MAX_NESTING:
        return None
    return _locate_too_deep(text)


def _deepest(text: str) -> int:
    """An upper bound of how deep ``text`` nests: its brackets outside string literals, counted.

    Fast (the strings and everything but brackets go in a split or regex pass and a regex pass, the
    depths are summed in C); a string left open only leaves more brackets to count (or, split, hides
    what JSON reads as that string too), so the bound never undercounts what the parser would nest.
    A closer with nothing open (broken JSON) is counted the slow way: never below zero.
    """
    # Without an escaped quote, the text between string literals is every other piece between quotes.
    outside = _STRING.sub("", text) if '\\"' in text else "".join(text.split('"')[::2])
    brackets = _BRACKETS.sub("", outside)
    if not brackets:
        return 0
    depths = list(itertools.accumulate(map(_STEP.__getitem__, brackets)))
    if min(depths) >= 0:
        return max(depths)
    depth = deepest = 0
    for bracket in brackets:
        if bracket in "{[":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest


def _locate_too_deep(text: str) -> TooDeep | None:
    """The exact scan: the pointer, line and column where ``text`` first nests too deeply."""
    frames: list[_Frame] = []
    last_string = ""
    line, line_start, position = 1, 0, 0
    while position < len(text):
        char = text[position]
        if char == '"':
            end = _string_end(text, position)
            last_string = _decode(text[position:end])
            position = end
            continue
        if char in "{[":
            frames.append(_Frame(is_object=char == "{"))
            if len(frames) > MAX_NESTING:
                return TooDeep(_pointer(frames[:-1]), line, position - line_start + 1)
        elif char in "}]" and frames:
            frames.pop()
        elif char == ":" and frames and frames[-1].is_object:
            frames[-1].key = last_string
        elif char == "," and frames and not frames[-1].is_object:
            frames[-1].index += 1
        elif char == "\n":
            line, line_start = line + 1, position + 1
        position += 1
    return None


def too_deep_in_document(document: Any) -> str | None:
    """The JSON pointer of the first value nested deeper than :data:`MAX_NESTING`, if any."""
    if _document_depth(document) <= MAX_NESTING:
        return None
    stack: list[tuple[Any, int, str]] = [(document, 1, "")]
    while stack:
        value, depth, where = stack.pop()
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_NESTING:
            return where
        items = value.items() if isinstance(value, dict) else enumerate(value)
        stack.extend((child, depth + 1, f"{where}/{_escape(str(key))}") for key, child in items)
    return None


def _document_depth(document: Any) -> int:
    """How deep ``document`` nests (objects and arrays; the top level is 1, a scalar 0), counted no
    further than one level past :data:`MAX_NESTING` (so the recursion is bounded)."""
    return _depth(document, 1)


def _depth(value: Any, level: int) -> int:
    if isinstance(value, dict):
        children: Any = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return 0
    if level > MAX_NESTING:
        return level
    deepest = level
    for child in children:
        if isinstance(child, dict | list):
            found = _depth(child, level + 1)
            if found > deepest:
                deepest = found
    return deepest


def _string_end(text: str, start: int) -> int:
    """The index just past the string literal opening at ``start`` (or the end of the text)."""
    position = start + 1
    while position < len(text):
        if text[position] == "\\":
            position += 2
            continue
        if text[position] == '"':
            return position + 1
        position += 1
    return len(text)


def _decode(literal: str) -> str:
    try:
        value = json.loads(literal)
    except ValueError:
        return literal.strip('"')
    return value if isinstance(value, str) else literal


def _pointer(frames: list[_Frame]) -> str:
    return "".join(f"/{_escape(frame.key if frame.is_object else str(frame.index))}" for frame in frames)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")
