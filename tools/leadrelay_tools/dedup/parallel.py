"""The batch's work spread over processes: rows → match records, candidate pairs → decisions.

``Workers`` runs both kinds of task either in this process (``count`` 1) or in a pool of ``count``
spawned processes, each of which compiles the rules once. Tasks are cut the same way whatever the
count and their results are consumed in submission order, with at most a few tasks per process in
flight — so the output does not depend on the number of workers and memory stays bounded. A task
carries what it needs (rows, or pairs with their compact ``MatchRecord``s), never the whole input.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from leadrelay.domain.dedup_rules import Outcome
from leadrelay.domain.matching.match_rules import MatchRules, PairMatcher, candidate_pairs
from leadrelay.domain.matching.readings import romaji
from leadrelay.domain.matching.record import MatchRecord
from leadrelay.rulefiles.dedup_runner import load_match_rules

ROWS_PER_TASK = 1000
PAIRS_PER_TASK = 2000
IN_FLIGHT_PER_WORKER = 4
Featured = tuple[int, str, MatchRecord | None, str | None]
"""Row number, id, the record (None when unusable) and why not."""
Decided = tuple[int, int, float, Outcome, str]
"""Two record indexes, the score, the outcome and the reasons."""

T = TypeVar("T")
R = TypeVar("R")
_RULES: list[MatchRules] = []


def featurise(rules: MatchRules, sobject: str, rows: Sequence[tuple[int, dict[str, Any]]]) -> list[Featured]:
    """Each row's id and ``MatchRecord`` (or the reason it has none)."""
    out: list[Featured] = []
    for number, row in rows:
        identifier = str(row.get("Id") or f"row{number}")
        try:
            out.append((number, identifier, rules.record(sobject, row), None))
        except (ValueError, TypeError) as error:
            out.append((number, identifier, None, str(error)))
    return out


def decide(matcher: PairMatcher, task: tuple[list[tuple[int, int]], dict[int, MatchRecord]]) -> list[Decided]:
    """The decisions for a chunk of candidate pairs that are not ``distinct``."""
    pairs, records = task
    out: list[Decided] = []
    for i, j in pairs:
        decision = matcher.compare(records[i], records[j])
        if decision.outcome is not Outcome.DISTINCT:
            out.append((i, j, decision.score, decision.outcome, decision.describe()))
    return out


def _start(path: Path) -> None:
    _RULES.append(load_match_rules(path))
    romaji("準備")  # pykakasi's converter, built once per process


def _featurise_task(task: tuple[str, list[tuple[int, dict[str, Any]]]]) -> list[Featured]:
    return featurise(_RULES[0], *task)


def _decide_task(
    task: tuple[str, list[tuple[int, int]], dict[int, MatchRecord]],
) -> list[Decided]:
    return decide(_RULES[0].pair(task[0]), (task[1], task[2]))


class Workers:
    """``count`` processes (or this one when ``count`` is 1) that know the rules at ``path``."""

    def __init__(self, rules: MatchRules, path: Path, count: int) -> None:
        self.rules = rules
        self.count = max(count, 1)
        self._pool = (
            ProcessPoolExecutor(self.count, multiprocessing.get_context("spawn"), _start, (path,))
            if self.count > 1
            else None
        )

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the processes."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def records(self, sobject: str, rows: Iterable[tuple[int, dict[str, Any]]]) -> Iterator[Featured]:
        """Each row's record, in input order, read as the rows arrive."""
        tasks = ((sobject, chunk) for chunk in _chunks(rows, ROWS_PER_TASK))
        local: Callable[[tuple[str, list[tuple[int, dict[str, Any]]]]], list[Featured]]
        local = lambda task: featurise(self.rules, *task)  # noqa: E731
        for chunk in self._map(_featurise_task, local, tasks):
            yield from chunk

    def decisions(self, pair: str, records: list[MatchRecord]) -> Iterator[Decided]:
        """Every candidate pair's decision that is not ``distinct``, in the order the pairs are found."""
        matcher = self.rules.pair(pair)
        tasks = (
            (pair, chunk, {k: records[k] for p in chunk for k in p})
            for chunk in _chunks(candidate_pairs(matcher, records, self.rules.max_block), PAIRS_PER_TASK)
        )
        for chunk in self._map(_decide_task, lambda task: decide(matcher, (task[1], task[2])), tasks):
            yield from chunk

    def _map(
        self, remote: Callable[[T], list[R]], local: Callable[[T], list[R]], tasks: Iterable[T]
    ) -> Iterator[list[R]]:
        if self._pool is None:
            yield from map(local, tasks)
            return
        pending: deque[Future[list[R]]] = deque()
        for task in tasks:
            pending.append(self._pool.submit(remote, task))
            if len(pending) >= self.count * IN_FLIGHT_PER_WORKER:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass
class Clusters:
    """Connected components of matches over record indexes (union-find)."""

    parent: list[int] = field(default_factory=list)

    def add(self) -> None:
        """One more record, alone."""
        self.parent.append(len(self.parent))

    def root(self, i: int) -> int:
        """The representative of ``i``'s cluster."""
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        """``i`` and ``j`` are one."""
        self.parent[self.root(i)] = self.root(j)

    def groups(self) -> list[list[int]]:
        """Each cluster of two records or more, members in input order, clusters by first member."""
        groups: dict[int, list[int]] = {}
        for index in range(len(self.parent)):
            groups.setdefault(self.root(index), []).append(index)
        return [members for members in groups.values() if len(members) > 1]
