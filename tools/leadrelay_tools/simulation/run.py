"""Reading an export and evaluating it under both rule sets, on every core.

The export is read line by line; chunks of lines go to worker processes that each compiled both rule
sets once (``spawn``: nothing inherited but the arguments), at most two chunks per worker in flight, so
memory stays bounded by the results, not the input. Results come back in file order; the pools then
choose owners in that order (:mod:`leadrelay_tools.simulation.owners`), so one worker or many give the
same report.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from leadrelay.domain.owners import UserInfo, user_infos
from leadrelay.rulefiles.bundle import RuleBundle, load_rule_bundle

from leadrelay_tools.export_format import ExportedPerson, ExportedUser, line_problem, parse_line
from leadrelay_tools.simulation.evaluation import PersonResult, SideBySide
from leadrelay_tools.simulation.owners import resolve_owners

CHUNK_LINES = 1_000
SMALL_EXPORT_BYTES = 4_000_000
"""Below this an export is evaluated in this process: starting workers would cost more than they save."""
Chunk = list[tuple[int, str]]


@dataclass
class ChunkResult:
    """What one chunk of lines gave: people's results, users, and the lines skipped with why."""

    results: list[PersonResult] = field(default_factory=list)
    users: list[dict[str, object]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Simulation:
    """Both rule sets over one export: every person's verdicts and owners, the users, the skipped lines."""

    baseline: RuleBundle
    proposed: RuleBundle
    now: datetime
    band_width: int
    results: list[PersonResult]
    owners_before: list[tuple[str | None, str | None]]
    owners_after: list[tuple[str | None, str | None]]
    skipped: list[str]


_side_by_side: SideBySide | None = None


def _start_worker(baseline: Path, proposed: Path, now: datetime, band_width: int) -> None:
    global _side_by_side  # one per worker process, built once
    _side_by_side = SideBySide(load_rule_bundle(baseline), load_rule_bundle(proposed), now, band_width)


def _evaluate_chunk(chunk: Chunk) -> ChunkResult:
    if _side_by_side is None:
        raise RuntimeError("the simulation worker was not started")
    return evaluate_lines(_side_by_side, chunk)


def evaluate_lines(side_by_side: SideBySide, chunk: Chunk) -> ChunkResult:
    """Each line of ``chunk`` parsed and, when it is a person, evaluated under both rule sets."""
    done = ChunkResult()
    for number, line in chunk:
        if not line.strip():
            continue
        try:
            item = parse_line(line)
        except ValueError as error:
            done.problems.append((number, f"line {number}: {line_problem(error)}"))
            continue
        if isinstance(item, ExportedPerson):
            done.results.append(side_by_side.person(item, number))
        elif isinstance(item, ExportedUser):
            done.users.append({**item.record, "Id": item.id})
    return done


def simulate(
    export: Path,
    baseline: Path,
    proposed: Path,
    *,
    now: datetime,
    workers: int | None = None,
    band_width: int = 10,
    progress: Callable[[int], None] | None = None,
) -> Simulation:
    """Evaluate every person of ``export`` under both rules directories at ``now``; ``progress(n)`` after
    each chunk of ``n`` lines. Invalid rules raise ``RuleSetError`` naming file and pointer."""
    first, second = load_rule_bundle(baseline), load_rule_bundle(proposed)
    side_by_side = SideBySide(first, second, now, band_width)
    count = workers or (1 if export.stat().st_size < SMALL_EXPORT_BYTES else os.cpu_count() or 1)
    done = ChunkResult()
    for part in _evaluate(export, side_by_side, (baseline, proposed, now, band_width), count, progress):
        done.results.extend(part.results)
        done.users.extend(part.users)
        done.problems.extend(part.problems)
    users = _users(done.users)
    current = [result.owner for result in done.results]
    before = resolve_owners([r.before for r in done.results], first.routing, users, current, now)
    after = resolve_owners([r.after for r in done.results], second.routing, users, current, now)
    skipped = [why for _, why in sorted(done.problems)]
    return Simulation(first, second, now, band_width, done.results, before, after, skipped)


def _evaluate(
    export: Path,
    side_by_side: SideBySide,
    start: tuple[Path, Path, datetime, int],
    workers: int,
    progress: Callable[[int], None] | None,
) -> Iterator[ChunkResult]:
    chunks = _chunks(export)
    if workers <= 1:
        for chunk in chunks:
            yield evaluate_lines(side_by_side, chunk)
            if progress:
                progress(len(chunk))
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=start) as pool:
        pending: deque[tuple[Future[ChunkResult], int]] = deque()
        for chunk in chunks:
            pending.append((pool.submit(_evaluate_chunk, chunk), len(chunk)))
            if len(pending) >= 2 * workers:
                yield _next(pending, progress)
        while pending:
            yield _next(pending, progress)


def _next(
    pending: deque[tuple[Future[ChunkResult], int]], progress: Callable[[int], None] | None
) -> ChunkResult:
    future, lines = pending.popleft()
    result = future.result()
    if progress:
        progress(lines)
    return result


def _chunks(export: Path) -> Iterator[Chunk]:
    chunk: Chunk = []
    with export.open(encoding="utf-8-sig") as lines:
        for number, line in enumerate(lines, start=1):
            chunk.append((number, line))
            if len(chunk) >= CHUNK_LINES:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _users(records: list[dict[str, object]]) -> dict[str, UserInfo]:
    return user_infos(records, ()) if records else {}
