"""The batch's work spread over processes: rows → match records, candidate pairs → decisions.

``Workers`` runs both kinds of task either in this process (``count`` 1) or in a pool of ``count``
processes (forked when safe, else spawned), each with the rules compiled once. Tasks are cut the
same way whatever the count and their results are consumed in submission order, with at most a few
tasks per process in flight — so the output does not depend on the number of workers and memory
stays bounded. A task carries what it needs (rows, or pairs with their packed records,
``store.pack``), never the whole input.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, TypeVar

from leadrelay.domain.dedup_rules import Outcome
from leadrelay.domain.matching.match_rules import MatchRules
from leadrelay.domain.matching.readings import romaji
from leadrelay.rulefiles.dedup_loading import load_match_rules

from leadrelay_tools.dedup.store import Store, key_hashes, pack, unpack

ROWS_PER_TASK = 1000
PAIRS_PER_TASK = 2000
IN_FLIGHT_PER_WORKER = 4
Featured = tuple[int, str, bytes | None, list[int], str | None]
"""Row number, id, the packed record (None when unusable), its blocking-key hashes, and why not."""
Decided = tuple[int, int, float, Outcome, str]
"""Two record indexes, the score, the outcome and the reasons."""
RowsTask = tuple[str, str, list[tuple[int, dict[str, Any]]]]
PairsTask = tuple[str, list[tuple[int, int]], dict[int, bytes]]

T = TypeVar("T")
R = TypeVar("R")
_RULES: list[MatchRules] = []


def featurise(rules: MatchRules, task: RowsTask) -> list[Featured]:
    """Each row's id (its ``id`` field, else ``row<N>``), packed ``MatchRecord`` and blocking-key hashes
    (or the reason it has none)."""
    sobject, pair, rows = task
    matcher = rules.pair(pair)
    out: list[Featured] = []
    for number, row in rows:
        try:
            record = rules.record(sobject, row)
        except (ValueError, TypeError) as error:
            out.append((number, str(row.get("Id") or f"row{number}"), None, [], str(error)))
            continue
        identifier = record.get("id") or f"row{number}"
        out.append((number, identifier, pack(record), key_hashes(matcher.blocking_keys(record)), None))
    return out


def decide(rules: MatchRules, task: PairsTask) -> list[Decided]:
    """The decisions for a chunk of candidate pairs that are not ``distinct``."""
    pair, pairs, blobs = task
    matcher = rules.pair(pair)
    records = {index: unpack(blob) for index, blob in blobs.items()}
    out: list[Decided] = []
    for i, j in pairs:
        decision = matcher.compare(records[i], records[j])
        if decision.outcome is not Outcome.DISTINCT:
            out.append((i, j, decision.score, decision.outcome, decision.describe()))
    return out


def _start(path: Path) -> None:
    if not _RULES:  # a forked process has them already
        _RULES.append(load_match_rules(path))
    romaji("準備")  # pykakasi's converter, built once per process


def _featurise_task(task: RowsTask) -> list[Featured]:
    return featurise(_RULES[0], task)


def _decide_task(task: PairsTask) -> list[Decided]:
    return decide(_RULES[0], task)


def _context() -> BaseContext:
    """Fork while this process has one thread (fast: the rules and readings are inherited), else spawn."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class Workers:
    """``count`` processes (or this one when ``count`` is 1) that know the rules at ``path``."""

    def __init__(self, rules: MatchRules, path: Path, count: int) -> None:
        self.rules = rules
        self.count = max(count, 1)
        self._pool = None
        if self.count > 1:
            romaji("準備")
            _RULES[:] = [rules]
            self._pool = ProcessPoolExecutor(self.count, _context(), _start, (path,))
            self._pool.submit(romaji, "準備").result()  # every process starts now, before any bar draws

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the processes."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def records(
        self, sobject: str, pair: str, rows: Iterable[tuple[int, dict[str, Any]]]
    ) -> Iterator[Featured]:
        """Each row's packed record and key hashes for ``pair``, in input order, as the rows arrive."""
        tasks = ((sobject, pair, chunk) for chunk in _chunks(rows, ROWS_PER_TASK))
        for chunk in self._map(_featurise_task, lambda task: featurise(self.rules, task), tasks):
            yield from chunk

    def decisions(self, pair: str, store: Store) -> Iterator[Decided]:
        """Every candidate pair's decision that is not ``distinct``, in the order the pairs are found."""
        blobs = store.blobs
        tasks = (
            (pair, chunk, {k: blobs[k] for p in chunk for k in p})
            for chunk in _chunks(store.candidate_pairs(self.rules.max_block), PAIRS_PER_TASK)
        )
        for chunk in self._map(_decide_task, lambda task: decide(self.rules, task), tasks):
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
    """Each record's parent: start with ``list(range(n))``, every record alone."""

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
