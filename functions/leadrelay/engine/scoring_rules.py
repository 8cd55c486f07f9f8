"""Compiles each kind of scoring rule into lines of the scoring function and a trace entry.

Every rule becomes statements of the one generated scoring function (``scoring.py``): they add
the rule's points to its score's variable and, when a trace is asked for, append ``(rule
index, what matched)`` to ``hits`` — the band and the number read, the case, or the count and
summed decay of an activities rule. ``CompiledRule.hit`` turns such an entry into the
``RuleHit`` (points, detail, values read); nothing is evaluated twice.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from msgspec import Struct

from leadrelay.engine.activities import CompiledSelector
from leadrelay.engine.bands import check_bands
from leadrelay.engine.codegen import indent, remembered, tag
from leadrelay.engine.compiled import Compiled, Reader, ValueRead, reader, selector_label
from leadrelay.engine.conditions import ConditionCompiler
from leadrelay.engine.decision import RuleHit
from leadrelay.engine.scoring_models import ActivitiesRule, BandsRule, CasesRule, ConditionRule, RuleBase
from leadrelay.engine.values import as_number

Root = dict[str, Any]
MakeHit = Callable[[Any, dict[str, Any]], RuleHit]
_VALUES = "@values@"
"""Stands for the rule's values in its lines until its reads are known (never left in the source)."""
_LN2 = math.log(2)


class ActivityPass(Struct, frozen=True):
    """What an activities rule asks of the walk over the activities, and where it leaves the result.

    The walk counts the activities of ``kinds`` (every kind when None) no older than ``span``
    seconds that satisfy ``where`` into the variable ``count``, and sums their decay factors
    ``exp(age * rate)`` into ``decayed`` (``rate`` None: no half-life, only the count matters).
    """

    kinds: tuple[str, ...] | None
    span: float
    where: Compiled | None
    rate: float | None
    half_life: float | None
    selector: CompiledSelector
    count: str
    decayed: str


class CompiledRule(Struct, frozen=True):
    """One scoring rule, compiled: its lines in the scoring function and how to explain a hit."""

    id: str
    score: str
    pointer: str
    reads: tuple[tuple[str, Reader], ...]
    lines: tuple[str, ...]
    hit: MakeHit
    """``hit(matched, values)``: the trace entry for what the rule's lines recorded in ``hits``."""
    activities: ActivityPass | None = None


def capped(points: float, cap: float | None) -> float:
    """``points`` limited to ``cap`` (to ``-cap`` for negative points)."""
    if cap is None:
        return points
    return min(points, cap) if points >= 0 else max(points, -cap)


def compile_rule(
    rule: RuleBase, compiler: ConditionCompiler, at: str, target: str, index: int
) -> CompiledRule:
    """Compile rule ``index`` found at ``at``; ``target`` is its score's variable."""
    builders = {ActivitiesRule: _activities, BandsRule: _bands, CasesRule: _cases, ConditionRule: _constant}
    built: _Built = builders[type(rule)](rule, compiler, at, _Target(target, index))  # type: ignore[operator]
    reads, lines = built.reads, built.lines
    if rule.when is not None:
        guard = compiler.compile(rule.when, f"{at}/when")
        reads = guard.reads + reads
        lines = [f"if {compiler.source(guard)}:", *indent(lines)]
    values = compiler.reads_source(reads, built.extra)
    lines = [line.replace(_VALUES, values) for line in lines]
    return CompiledRule(rule.id, rule.score, at, reads, (tag(index), *lines), built.hit, built.activities)


class _Target(Struct, frozen=True):
    variable: str
    index: int

    def add(self, points: str, matched: str) -> list[str]:
        """Lines adding ``points`` to the score and recording ``matched`` and the values in ``hits``."""
        return [
            f"{self.variable} += {points}",
            f"if hits is not None: hits.append(({self.index}, {matched}, {_VALUES}))",
        ]


class _Built(Struct, frozen=True):
    lines: list[str]
    hit: MakeHit
    reads: tuple[tuple[str, Reader], ...] = ()
    activities: ActivityPass | None = None
    extra: tuple[tuple[str, str], ...] = ()
    """Values the rule adds to what it reads: ``(label, source)``."""


def _constant(rule: ConditionRule, compiler: ConditionCompiler, at: str, target: _Target) -> _Built:
    value = capped(rule.points, rule.cap)
    rule_id, score, detail = rule.id, rule.score, rule.description or "condition held"
    return _Built(
        target.add(compiler.code.bind(value), "None"),
        lambda matched, values: RuleHit(rule_id, score, value, values, detail),
    )


def _bands(rule: BandsRule, compiler: ConditionCompiler, at: str, target: _Target) -> _Built:
    intervals = check_bands(rule.bands, compiler.ctx, f"{at}/bands")
    table = tuple(capped(band.points, rule.cap) for band in rule.bands)
    if rule.field is not None:
        read = compiler.read(rule.field, f"{at}/field", relative=False)
    else:
        get = compiler.expr_getter(rule.expr or "", f"{at}/expr")
        read = None if get is None else ValueRead(get, rule.expr or "", relative=False)
    if read is None:
        return _Built([], lambda matched, values: RuleHit(rule.id, rule.score, 0.0, values))

    def explain(matched: tuple[int, float]) -> str:
        index, number = matched
        return rule.bands[index].label or f"{number:g} in {intervals[index].describe()}"

    rule_id, score = rule.id, rule.score

    def hit(matched: tuple[int, float], values: dict[str, Any]) -> RuleHit:
        return RuleHit(rule_id, score, table[matched[0]], values, explain=(explain, matched))

    code = compiler.code
    choice = ""
    for index, interval in enumerate(intervals):
        tests = []
        if interval.low != -math.inf:
            tests.append(f"_n {'>=' if interval.low_closed else '>'} {code.bind(interval.low)}")
        if interval.high != math.inf:
            tests.append(f"_n {'<=' if interval.high_closed else '<'} {code.bind(interval.high)}")
        if not interval.empty:
            choice += f"{index} if {' and '.join(tests) or 'True'} else "
    lines = [
        f"_n = {code.bind(as_number)}({compiler.value_source(read)})",
        f"_i = -1 if _n is None else {choice}-1",
        "if _i >= 0:",
        *indent(target.add(f"{code.bind(table)}[_i]", "(_i, _n)")),
    ]
    return _Built(lines, hit, ((read.label, reader(read)),))


def _cases(rule: CasesRule, compiler: ConditionCompiler, at: str, target: _Target) -> _Built:
    parts = [compiler.compile(case.when, f"{at}/cases/{i}/when") for i, case in enumerate(rule.cases)]
    table = tuple(
        (capped(case.points, rule.cap), case.label or f"case #{i + 1}") for i, case in enumerate(rule.cases)
    )
    code = compiler.code
    values = code.bind(tuple(value for value, _ in table))
    first = "".join(f"{index} if {compiler.source(part)} else " for index, part in enumerate(parts)) + "-1"
    if parts and all(part.pure for part in parts):
        # Cases on plain lead fields (title, state…): the matching case is cached on their values.
        variables = sorted({variable for part in parts for variable in part.keys})
        lines = remembered(code, "_i", variables, [first])
    else:
        lines = [f"_i = {first}"]
    lines += ["if _i >= 0:", *indent(target.add(f"{values}[_i]", "_i"))]
    reads = tuple(dict(read for part in parts for read in part.reads).items())
    rule_id, score = rule.id, rule.score

    def hit(matched: int, values: dict[str, Any]) -> RuleHit:
        points, label = table[matched]
        return RuleHit(rule_id, score, points, values, label)

    return _Built(lines, hit, reads)


def _activities(rule: ActivitiesRule, compiler: ConditionCompiler, at: str, target: _Target) -> _Built:
    select, where = compiler.selector_parts(rule.activities, f"{at}/activities")
    per, cap = rule.points_per, rule.cap
    half_life = rule.half_life.seconds if rule.half_life else None
    if half_life == 0:
        compiler.ctx.error(f"{at}/half_life", "half_life must be longer than zero")
        half_life = None
    count, decayed = f"_c{target.index}", f"_d{target.index}"
    rate = None if half_life is None else -_LN2 / half_life
    walk = ActivityPass(select.kinds, select.span, where, rate, half_life, select, count, decayed)
    label = selector_label("count", rule.activities)
    detail = _activity_detail(rule)

    rule_id, score = rule.id, rule.score

    def hit(matched: tuple[int, float], values: dict[str, Any]) -> RuleHit:
        matches, factors = matched
        total = per * (float(matches) if half_life is None else factors)
        return RuleHit(rule_id, score, capped(total, cap), values, explain=(detail, (matches, total)))

    code = compiler.code
    points = f"{code.bind(per)} * {count if half_life is None else decayed}"
    if cap is not None:
        points = f"{code.bind(capped)}({points}, {code.bind(cap)})"
    lines = [f"if {count}:", *indent(target.add(points, f"({count}, {decayed})"))]
    return _Built(lines, hit, (), walk, ((label, count),))


def _activity_detail(rule: ActivitiesRule) -> Callable[[tuple[int, float]], str]:
    """``detail((count, total))``: ``page_view x4 in 30d, decayed 9.2, capped at 15``."""
    kinds = "|".join(rule.activities.types or ["activity"])
    window = f" in {rule.activities.within.label}" if rule.activities.within else ""
    decays = rule.half_life is not None

    def detail(matched: tuple[int, float]) -> str:
        count, total = matched
        value = capped(total, rule.cap)
        text = f"{kinds} x{count}{window}"
        if decays:
            text += f", decayed {total:.1f}"
        if value != total:
            text += f", capped at {value:g}"
        return text

    return detail
