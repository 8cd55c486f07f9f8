"""Generates the walk over a lead's activities: one pass per activity type for every rule that reads it.

The activities are parsed and grouped by type once per evaluation (``activities.py``). The
scoring function then walks each type's activities once; in that pass every activities rule
reading the type tests its window and its ``where`` and adds to its count and its summed decay.
A ``where`` reads each activity field once per activity; when every ``where`` of the pass
depends on nothing but those fields (text, equality and ordering tests), their results are
cached on the fields' values (URLs, titles and campaign names repeat across activities and
leads), so a page view usually costs one dictionary lookup whatever the number of rules.

A rule whose types would be walked out of its own order (so that its sum would add in another
order than the file's) or that reads every type keeps its own walk (``CompiledSelector.tally``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

from leadrelay.engine.codegen import CodeBuilder, indent, tag
from leadrelay.engine.conditions import Compiled
from leadrelay.engine.scoring_rules import ActivityPass

CACHE_LIMIT: Final = 4096
"""Remembered ``where`` results per pass (cleared when full)."""
_CACHEABLE: Final = frozenset({str, type(None)})
"""Field types whose values key the cache (``True`` and ``1`` are equal keys, so not numbers)."""

Passes = Sequence[tuple[int, ActivityPass]]


def walk_lines(passes: Passes, code: CodeBuilder) -> list[str]:
    """Statements setting every activities rule's count and decay variables (rule index, pass)."""
    lines = [tag(-1), "_idx = frame.activities"]
    order: dict[str, None] = {}
    for _, walk in passes:
        order.update(dict.fromkeys(walk.kinds or ()))
    position = {kind: place for place, kind in enumerate(order)}
    members: dict[str, list[tuple[int, ActivityPass]]] = {kind: [] for kind in order}
    for index, walk in passes:
        lines += [tag(index), f"{walk.count} = 0", f"{walk.decayed} = 0.0"]
        places = None if walk.kinds is None else [position[kind] for kind in walk.kinds]
        if places is None or places != sorted(places):
            tally, half_life = code.bind(walk.selector.tally), code.bind(walk.half_life)
            lines.append(f"{walk.count}, {walk.decayed} = {tally}(frame, {half_life})")
            continue
        if walk.span != math.inf:
            lines.append(f"_cut{index} = now - {code.bind(walk.span)}")
        for kind in walk.kinds or ():
            members[kind].append((index, walk))
    for kind, walks in members.items():
        if walks:
            lines += _pass(kind, walks, code)
    return lines


def _pass(kind: str, walks: Passes, code: CodeBuilder) -> list[str]:
    """One loop over the activities of ``kind`` for every rule in ``walks``."""
    wheres = [(index, walk.where) for index, walk in walks if walk.where is not None]
    keys = sorted({key for _, where in wheres for key in where.keys})
    body = code.activity_reads(keys)
    tests: dict[int, str] = {}
    if wheres and all(where.pure for _, where in wheres):
        body += _cached([(index, _source(where, code)) for index, where in wheres], keys, code)
        tests = {index: f"_w[{place}]" for place, (index, _) in enumerate(wheres)}
    else:
        tests = {index: _source(where, code) for index, where in wheres}
    for index, walk in walks:
        checks = [f"_m >= _cut{index}"] if walk.span != math.inf else []
        checks += [tests[index]] if index in tests else []
        body += [tag(index), f"if {' and '.join(checks) or 'True'}:", f"    {walk.count} += 1"]
        if walk.rate is not None:
            body.append(f"    {walk.decayed} += {code.bind(math.exp)}((now - _m) * {code.bind(walk.rate)})")
    return [tag(-1), f"for _m, _a in _idx.get({code.bind(kind)}, ()):", *indent(body)]


def _cached(sources: Sequence[tuple[int, str]], keys: Sequence[str], code: CodeBuilder) -> list[str]:
    """Lines setting ``_w`` to the tuple of ``where`` results, cached on the fields' values."""
    fields = [code.activity_field(key) for key in keys]
    key = "(" + "".join(f"{field}, " for field in fields) + ")"
    cacheable = " and ".join(f"type({field}) in {code.bind(_CACHEABLE)}" for field in fields) or "True"
    cache = code.bind({})
    results = ["("]
    for index, source in sources:
        results += [tag(index), f"    {source},"]
    results += [tag(-1), ")"]
    return [
        f"if {cacheable}:",
        f"    _w = {cache}.get({key})",
        "    if _w is None:",
        f"        if len({cache}) >= {CACHE_LIMIT}:",
        f"            {cache}.clear()",
        f"        _w = {cache}[{key}] = {results[0]}",
        *indent(results[1:], 3),
        "else:",
        f"    _w = {results[0]}",
        *indent(results[1:], 1),
    ]


def _source(where: Compiled, code: CodeBuilder) -> str:
    """The expression for a per-activity condition (over ``_a`` and its field variables)."""
    return where.source or f"{code.bind(where.check)}(_a, frame)"
