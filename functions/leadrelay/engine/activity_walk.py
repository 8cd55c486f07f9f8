"""Generates the one pass over a lead's activities that serves every activities rule.

The scoring function reads each activity once, in the order given: it skips what is not a
mapping or has a type no rule reads, parses ``occurred_at`` once (as ``activities.py`` defines
it), then dispatches on the type to the rules that read it. Each of them tests its window and
its ``where`` and adds to its count and its summed decay. A ``where`` reads each activity field
once; when every ``where`` of a type depends on nothing but those fields (text, equality and
ordering tests), their results are cached on the fields' values (URLs, titles and campaign
names repeat across activities and leads), so a page view usually costs one dictionary lookup
whatever the number of rules.

A rule that reads every type keeps its own walk over ``Frame.activities`` (``tally``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from leadrelay.engine.codegen import CodeBuilder, indent, remembered, tag
from leadrelay.engine.compiled import Compiled
from leadrelay.engine.scoring_rules import ActivityPass
from leadrelay.engine.values import as_timestamp

Passes = Sequence[tuple[int, ActivityPass]]


def walk_lines(passes: Passes, code: CodeBuilder) -> list[str]:
    """Statements setting every activities rule's count and decay variables (rule index, pass)."""
    lines: list[str] = []
    if passes:  # every count and sum starts at zero (one line each: less source to compile)
        lines += [
            " = ".join([*(walk.count for _, walk in passes), "0"]),
            " = ".join([*(walk.decayed for _, walk in passes), "0.0"]),
        ]
    members: dict[str, list[tuple[int, ActivityPass]]] = {}
    for index, walk in passes:
        if walk.kinds is None:
            lines.append(tag(index))
            tally, half_life = code.bind(walk.selector.tally), code.bind(walk.half_life)
            lines.append(f"{walk.count}, {walk.decayed} = {tally}(frame, {half_life})")
            continue
        if walk.span != math.inf:
            lines.append(f"_cut{index} = now - {code.bind(walk.span)}")
        for kind in walk.kinds:
            members.setdefault(kind, []).append((index, walk))
    if not members:
        return lines
    groups = {kind: number for number, kind in enumerate(members)}
    dispatch = []
    for number, walks in enumerate(members.values()):
        dispatch += [f"{'if' if number == 0 else 'elif'} _g == {number}:", *indent(_pass(walks, code))]
    return [*lines, tag(-1), *_reading(code, code.bind(groups)), *indent(dispatch)]


def _reading(code: CodeBuilder, groups: str) -> list[str]:
    """The loop head: each activity as a dict ``_a`` of group ``_g`` at ``_m`` seconds, or skipped."""
    parsed = f"({code.bind(datetime.fromisoformat)}(_o))"
    utc = code.bind(UTC)
    return [
        f"for _a in root[{code.bind('activities')}]:",
        "    if type(_a) is not dict:",
        f"        if not isinstance(_a, {code.bind(Mapping)}):",
        "            continue",
        "        _a = dict(_a)",
        "    _g = _a.get('type')",
        f"    _g = {groups}.get(_g) if type(_g) is str else None",
        "    if _g is None:",
        "        continue",
        "    _o = _a.get('occurred_at')",
        "    if type(_o) is str:",
        "        try:",
        f"            _m = (_p if (_p := {parsed}).tzinfo else _p.replace(tzinfo={utc})).timestamp()",
        f"        except {code.bind((ValueError, OverflowError, OSError))}:",
        f"            _m = {code.bind(as_timestamp)}(_o)",
        "    else:",
        f"        _m = {code.bind(as_timestamp)}(_o)",
        "    if _m is None or _m > now:",
        "        continue",
    ]


def _pass(walks: Passes, code: CodeBuilder) -> list[str]:
    """The statements for one activity ``_a`` of a type, for every rule in ``walks``."""
    wheres = [(index, walk.where) for index, walk in walks if walk.where is not None]
    variables = sorted({variable for _, where in wheres for variable in where.keys})
    body = code.activity_reads(variables)
    tests: dict[int, str] = {}
    if wheres and all(where.pure for _, where in wheres):
        results = ["("]
        for index, where in wheres:
            results += [tag(index), f"    {_source(where, code)},"]
        body += remembered(code, "_w", variables, [*results, tag(-1), ")"])
        tests = {index: f"_w[{place}]" for place, (index, _) in enumerate(wheres)}
    else:
        tests = {index: _source(where, code) for index, where in wheres}
    for span, same in itertools.groupby(walks, key=lambda item: item[1].span):
        rules: list[str] = []
        for index, walk in same:
            rules += [tag(index), f"if {tests.get(index, 'True')}:", f"    {walk.count} += 1"]
            if walk.rate is not None:
                decay = f"{code.bind(math.exp)}((now - _m) * {code.bind(walk.rate)})"
                rules.append(f"    {walk.decayed} += {decay}")
        # Rules with the same window test it once (their cut-offs are equal).
        body += rules if span == math.inf else [f"if _m >= _cut{index}:", *indent(rules)]
    return body


def _source(where: Compiled, code: CodeBuilder) -> str:
    """The expression for a per-activity condition (over ``_a`` and its field variables)."""
    return where.source or f"{code.bind(where.check)}(_a, frame)"
