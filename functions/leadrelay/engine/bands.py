"""Bands: numeric intervals tried in order, and the warnings for overlapping or unreachable ones."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from leadrelay.engine.diagnostics import CheckContext
from leadrelay.engine.scoring_models import Band


class Interval(NamedTuple):
    """A numeric interval; ``-inf``/``inf`` ends are open."""

    low: float
    low_closed: bool
    high: float
    high_closed: bool

    @property
    def empty(self) -> bool:
        """True when no number lies in the interval."""
        return self.low > self.high or (self.low == self.high and not (self.low_closed and self.high_closed))

    def intersect(self, other: Interval) -> Interval:
        """The numbers in both intervals."""
        low = max((self.low, not self.low_closed), (other.low, not other.low_closed))
        high = min((self.high, self.high_closed), (other.high, other.high_closed))
        return Interval(low[0], not low[1], high[0], high[1])

    def minus(self, other: Interval) -> list[Interval]:
        """The numbers in this interval but not in ``other`` (at most two pieces)."""
        left = Interval(-math.inf, False, other.low, not other.low_closed).intersect(self)
        right = Interval(other.high, not other.high_closed, math.inf, False).intersect(self)
        return [piece for piece in (left, right) if not piece.empty]

    def describe(self) -> str:
        """``[300, 1000)`` style."""
        return (
            f"{'[' if self.low_closed else '('}{self.low:g}, {self.high:g}{']' if self.high_closed else ')'}"
        )


def band_interval(band: Band) -> Interval:
    """The interval a band's bounds describe (``gte``/``gt`` below, ``lte``/``lt`` above)."""
    low, low_closed = -math.inf, False
    if band.gte is not None:
        low, low_closed = band.gte, True
    if band.gt is not None and (band.gt >= low):
        low, low_closed = band.gt, False
    high, high_closed = math.inf, False
    if band.lte is not None:
        high, high_closed = band.lte, True
    if band.lt is not None and band.lt <= high:
        high, high_closed = band.lt, False
    return Interval(low, low_closed, high, high_closed)


def check_bands(bands: Sequence[Band], ctx: CheckContext, at: str) -> list[Interval]:
    """The bands' intervals; a band never chosen is an error, one overlapping an earlier one a warning."""
    intervals: list[Interval] = []
    for index, band in enumerate(bands):
        where = f"{at}/{index}"
        if band.gte is not None and band.gt is not None:
            ctx.warning(where, "a band has both gte and gt; the tighter bound applies")
        if band.lte is not None and band.lt is not None:
            ctx.warning(where, "a band has both lte and lt; the tighter bound applies")
        interval = band_interval(band)
        remaining = [] if interval.empty else [interval]
        for earlier in intervals:
            remaining = [piece for part in remaining for piece in part.minus(earlier)]
        if not remaining:
            reason = "its bounds are empty" if interval.empty else "earlier bands cover all of it"
            ctx.error(where, f"unreachable band {interval.describe()}: {reason}")
        else:
            overlapping = [i for i, earlier in enumerate(intervals) if not interval.intersect(earlier).empty]
            if overlapping:
                first = overlapping[0]
                ctx.warning(
                    where,
                    f"band {interval.describe()} overlaps band {first} {intervals[first].describe()}; "
                    "the first matching band wins",
                )
        intervals.append(interval)
    return intervals
