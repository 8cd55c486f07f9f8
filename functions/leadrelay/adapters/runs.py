"""Splitting what one AWS request or item may carry into runs bounded by size (and count)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def bounded_runs(
    items: Iterable[T], size: Callable[[T], int], *, max_bytes: int, max_items: int | None = None
) -> Iterator[list[T]]:
    """``items`` in order, in runs of at most ``max_bytes`` (by ``size``) and ``max_items``; an item
    larger than ``max_bytes`` alone is a run of its own."""
    run: list[T] = []
    total = 0
    for item in items:
        length = size(item)
        if run and (len(run) == max_items or total + length > max_bytes):
            yield run
            run, total = [], 0
        run.append(item)
        total += length
    if run:
        yield run
