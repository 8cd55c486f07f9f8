"""Reading values by path: plain dotted paths become direct lookups, JMESPath is compiled once.

A getter takes the scope (the evaluation root, or one activity for per-activity conditions)
and returns the value, or ``None`` when any step is missing or of the wrong shape. Getters
never raise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jmespath

Getter = Callable[[Any], Any]


_NOT_PLAIN = frozenset("[](){}*|&@'\"`!=<>,:?$ \t")
"""Characters that make a path JMESPath (``lead.Title[0]``, ``lead.*``), never part of a key."""


def split_path(path: str) -> list[str] | None:
    """The segments of a plain dotted path (``lead.Title``), or None if it is not one (empty
    segments, spaces, or JMESPath syntax such as ``lead.Title[0]``)."""
    segments = path.split(".")
    if any(not segment or _NOT_PLAIN.intersection(segment) for segment in segments):
        return None
    return segments


def dotted_getter(segments: list[str]) -> Getter:
    """A getter for a plain dotted path; numeric segments also index lists (``activities.0.type``)."""
    if any(segment.isdigit() for segment in segments):
        return _general_getter(tuple(segments))
    if len(segments) == 1:
        (key,) = segments
        return lambda scope: scope.get(key) if type(scope) is dict else None
    if len(segments) == 2:
        first, second = segments

        def two(scope: Any) -> Any:
            inner = scope.get(first) if type(scope) is dict else None
            return inner.get(second) if type(inner) is dict else None

        return two
    return _general_getter(tuple(segments))


def _general_getter(segments: tuple[str, ...]) -> Getter:
    steps = tuple((segment, int(segment) if segment.isdigit() else None) for segment in segments)

    def walk(scope: Any) -> Any:
        value = scope
        for key, index in steps:
            if type(value) is dict:
                value = value.get(key)
            elif index is not None and type(value) is list and index < len(value):
                value = value[index]
            else:
                return None
        return value

    return walk


def jmespath_getter(expression: str) -> Getter:
    """A getter for a JMESPath expression, compiled now; raises ``JMESPathError`` if it is invalid.

    Evaluation errors (a function applied to the wrong type, say) read as ``None``.
    """
    compiled = jmespath.compile(expression)
    search = compiled.search

    def read(scope: Any) -> Any:
        try:
            return search(scope)
        except Exception:  # a JMESPath function on the wrong type, deep recursion...
            return None

    return read
