"""The activity history, indexed once per evaluation, and compiled activity selectors.

``index_activities`` reads ``context["activities"]`` once: it keeps only activities whose
type some rule asks for, parses each ``occurred_at`` once (aware datetime, ISO-8601 string
or epoch seconds) and groups them by type. Activities without a readable type or time, and
activities after ``now``, are ignored — scores are a pure function of the history up to ``now``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from leadrelay.core.rules.values import as_timestamp

Activity = dict[str, Any]
Indexed = list[tuple[float, Activity]]
"""``(occurred_at as epoch seconds, activity)`` pairs of one type."""


class Frame:
    """Per-evaluation state the compiled rules share: ``now``, the activity index and the root scope."""

    __slots__ = ("activities", "now", "root")

    def __init__(self, now: float, activities: dict[str, Indexed], root: dict[str, Any]) -> None:
        self.now = now
        self.activities = activities
        self.root = root


Check = Callable[[Any, Frame], bool]
"""A compiled condition: ``check(scope, frame)``; the scope is the root or one activity."""
Select = Callable[[Frame], Indexed]
"""A compiled selector: the matching activities of a frame."""


def index_activities(raw: Any, wanted: frozenset[str] | None, now: float) -> dict[str, Indexed]:
    """Group readable activities up to ``now`` by type (only ``wanted`` types, unless None)."""
    index: dict[str, Indexed] = {}
    if type(raw) is not list:
        return index
    for activity in raw:
        if type(activity) is not dict:
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


def compile_selector(types: list[str] | None, window: float | None, where: Check | None) -> Select:
    """A selector: activities of ``types`` (all when None), within ``window`` seconds, matching ``where``."""
    kinds = tuple(dict.fromkeys(types)) if types is not None else None

    def candidates(frame: Frame) -> Indexed:
        index = frame.activities
        if kinds is None:
            return [item for bucket in index.values() for item in bucket]
        if len(kinds) == 1:
            return index.get(kinds[0]) or []
        return [item for kind in kinds for item in index.get(kind) or ()]

    if window is None and where is None:
        return candidates
    span = window if window is not None else float("inf")

    def select(frame: Frame) -> Indexed:
        cutoff = frame.now - span
        if where is None:
            return [item for item in candidates(frame) if item[0] >= cutoff]
        return [item for item in candidates(frame) if item[0] >= cutoff and where(item[1], frame)]

    return select
