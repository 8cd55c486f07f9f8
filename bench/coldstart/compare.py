"""``python -m bench.coldstart --against DIR``: this checkout's functions and another's (``git archive`` a
commit into ``DIR``), measured in interleaved pairs so that the machine's drifting load falls on both.

Each repeat runs one cold start of each, the first of the pair alternating; the table gives each side's
median wall time, CPU time and peak RSS over the repeats, and the ratio of the medians (now / before).
On this machine single cold starts move by ±50 ms from minute to minute, more than most changes.
"""

from __future__ import annotations

from collections.abc import Callable
from statistics import median
from typing import Any

Run = dict[str, Any]
HEADER = (
    f"{'function':<20}{'before':>10}{'now':>9}{'now/before':>12}{'CPU before':>12}{'CPU now':>9}"
    f"{'RSS before':>12}{'RSS now':>9}   (medians of the interleaved repeats)"
)


def interleaved(
    repeats: int, before: Callable[[], Run], now: Callable[[], Run]
) -> tuple[list[Run], list[Run]]:
    """``repeats`` cold starts of each side, run in pairs whose first member alternates."""
    befores: list[Run] = []
    nows: list[Run] = []
    for repeat in range(repeats):
        if repeat % 2:
            nows.append(now())
            befores.append(before())
        else:
            befores.append(before())
            nows.append(now())
    return befores, nows


def comparison_row(name: str, before: list[Run], now: list[Run]) -> str:
    """One function's line of the comparison table."""

    def mid(runs: list[Run], key: str) -> float:
        return float(median(run[key] for run in runs))

    wall_before, wall_now = mid(before, "wall_ms"), mid(now, "wall_ms")
    return (
        f"{name:<20}{wall_before:>7.0f} ms{wall_now:>6.0f} ms{wall_now / wall_before:>11.2f}×"
        f"{mid(before, 'cpu_ms'):>9.0f} ms{mid(now, 'cpu_ms'):>6.0f} ms"
        f"{mid(before, 'rss_mb'):>9.0f} MB{mid(now, 'rss_mb'):>6.0f} MB"
    )
