"""The activity history as the rules read it, and compiled activity selectors.

An activity counts when it is a mapping with a string ``type`` some rule asks for and an
``occurred_at`` that reads as an instant (aware datetime, ISO-8601 string — UTC without an
offset — or epoch seconds) no later than ``now``: scores are a pure function of the history up
to ``now``. The generated scoring function reads the activities that way in its one pass
(``activity_walk.py``); ``count``/``sum`` conditions and the rules that pass cannot serve read
``Frame.activities``, the same activities grouped by type, built on first use.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from math import exp
from typing import Any, Final

from leadrelay.engine.values import as_timestamp

Activity = dict[str, Any]
Indexed = list[tuple[float, Activity]]
"""``(occurred_at as epoch seconds, activity)`` pairs of one type."""


class Frame:
    """Per-evaluation state the compiled rules share: ``now``, the root scope and the activities."""

    __slots__ = ("_index", "_wanted", "now", "root")

    def __init__(self, now: float, root: dict[str, Any], wanted: frozenset[str] | None) -> None:
        self.now = now
        self.root = root
        self._wanted = wanted
        self._index: dict[str, Indexed] | None = None

    @property
    def activities(self) -> dict[str, Indexed]:
        """The activities of ``root`` grouped by type (only wanted types), indexed on first use."""
        if self._index is None:
            self._index = index_activities(self.root["activities"], self._wanted, self.now)
        return self._index


Check = Callable[[Any, Frame], bool]
"""A compiled condition: ``check(scope, frame)``; the scope is the root or one activity."""
_LN2: Final = math.log(2)


def index_activities(raw: Any, wanted: frozenset[str] | None, now: float) -> dict[str, Indexed]:
    """Group readable activities up to ``now`` by type (only ``wanted`` types, unless None)."""
    index: dict[str, Indexed] = {}
    if type(raw) is not list:
        return index
    for item in raw:
        if type(item) is dict:
            activity = item
        elif isinstance(item, Mapping):
            activity = dict(item)
        else:
            continue
        kind = activity.get("type")
        if type(kind) is not str or (wanted is not None and kind not in wanted):
            continue
        moment = as_timestamp(activity.get("occurred_at"))
        if moment is None or moment > now:
            continue
        bucket = index.get(kind)
        if bucket is None:
            index[kind] = [(moment, activity)]
        else:
            bucket.append((moment, activity))
    return index


class CompiledSelector:
    """Activities of some types (all when None), within a window of seconds, matching ``where``.

    Calling it returns the matching ``(epoch seconds, activity)`` pairs; ``count(frame)`` and
    ``tally(frame, half_life)`` walk the index without building a list. (Activities rules are
    served by the generated scoring function's one pass; ``tally`` serves the rules that read
    every type, ``count`` and the call serve ``count``/``sum`` conditions.)
    """

    __slots__ = ("count", "kinds", "span", "where")

    def __init__(self, types: list[str] | None, window: float | None, where: Check | None) -> None:
        self.kinds = tuple(dict.fromkeys(types)) if types is not None else None
        self.span = window if window is not None else math.inf
        self.where = where
        self.count: Callable[[Frame], int] = _counter(self.kinds, self.span, where)

    def tally(self, frame: Frame, half_life: float | None) -> tuple[int, float]:
        """``(matches, sum of decay factors)`` in one pass (the factor is 1 without a half-life)."""
        now, where = frame.now, self.where
        cutoff = now - self.span
        rate = -_LN2 / half_life if half_life else 0.0
        count, total = 0, 0.0
        for bucket in _buckets(self.kinds, frame):
            for moment, activity in bucket:
                if moment >= cutoff and (where is None or where(activity, frame)):
                    count += 1
                    total += exp((now - moment) * rate)
        return count, total

    def __call__(self, frame: Frame) -> Indexed:
        cutoff, where = frame.now - self.span, self.where
        return [
            item
            for bucket in _buckets(self.kinds, frame)
            for item in bucket
            if item[0] >= cutoff and (where is None or where(item[1], frame))
        ]


def _buckets(kinds: tuple[str, ...] | None, frame: Frame) -> list[Indexed]:
    index = frame.activities
    if kinds is None:
        return list(index.values())
    return [bucket for kind in kinds if (bucket := index.get(kind))]


def _counter(kinds: tuple[str, ...] | None, span: float, where: Check | None) -> Callable[[Frame], int]:
    if kinds is not None and len(kinds) == 1 and where is None:
        (kind,) = kinds

        def count_one(frame: Frame) -> int:
            bucket = frame.activities.get(kind)
            if not bucket:
                return 0
            cutoff = frame.now - span
            total = 0
            for moment, _ in bucket:
                if moment >= cutoff:
                    total += 1
            return total

        return count_one

    def count(frame: Frame) -> int:
        cutoff = frame.now - span
        total = 0
        for bucket in _buckets(kinds, frame):
            for moment, activity in bucket:
                if moment >= cutoff and (where is None or where(activity, frame)):
                    total += 1
        return total

    return count
