"""Compiles each kind of scoring rule into its callables and its fast-path source lines.

Every rule becomes ``points(root, frame) -> float`` (0.0 when it does not match),
``explain(root, frame) -> (points, detail) | None`` for the trace, the values it reads, and
statements adding its points to a score variable in the generated fast-path function.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from leadrelay.engine.activities import Frame
from leadrelay.engine.bands import band_matcher, check_bands
from leadrelay.engine.codegen import indent
from leadrelay.engine.conditions import ConditionCompiler, Reader, ValueRead, selector_label
from leadrelay.engine.decision import RuleHit
from leadrelay.engine.scoring_models import ActivitiesRule, BandsRule, CasesRule, ConditionRule, RuleBase
from leadrelay.engine.values import as_number

Root = dict[str, Any]
_NONE: dict[str, Any] = {}


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """One scoring rule, compiled."""

    id: str
    score: str
    points: Any
    """``points(root, frame) -> float``: the rule's contribution, 0.0 when it does not match."""
    explain: Any
    """``explain(root, frame) -> (points, detail, values) | None``: the same, for the trace;
    ``values`` adds to what ``reads`` read (the count of an activities rule)."""
    reads: tuple[tuple[str, Reader], ...]
    lines: tuple[str, ...]
    """Fast-path statements adding the contribution to the rule's score variable."""

    def hit(self, root: Root, frame: Frame) -> RuleHit | None:
        """The trace entry for this rule, or None when it did not match."""
        explained = self.explain(root, frame)
        if explained is None:
            return None
        points, detail, extra = explained
        values = {label: read(root, frame) for label, read in self.reads}
        values.update(extra)
        return RuleHit(self.id, self.score, points, values, detail)


def capped(points: float, cap: float | None) -> float:
    """``points`` limited to ``cap`` (to ``-cap`` for negative points)."""
    if cap is None:
        return points
    return min(points, cap) if points >= 0 else max(points, -cap)


def compile_rule(rule: RuleBase, compiler: ConditionCompiler, at: str, target: str) -> CompiledRule:
    """Compile one rule found at ``at``; ``target`` is its score's variable in the fast path."""
    builders = {ActivitiesRule: _activities, BandsRule: _bands, CasesRule: _cases, ConditionRule: _constant}
    points, explain, reads, lines = builders[type(rule)](rule, compiler, at, target)  # type: ignore[operator]
    if rule.when is not None:
        guard = compiler.compile(rule.when, f"{at}/when")
        check, inner_points, inner_explain = guard.check, points, explain
        points = lambda root, frame: inner_points(root, frame) if check(root, frame) else 0.0  # noqa: E731
        explain = lambda root, frame: inner_explain(root, frame) if check(root, frame) else None  # noqa: E731
        reads = guard.reads + reads
        lines = [f"if {compiler.source(guard)}:", *indent(lines)]
    return CompiledRule(rule.id, rule.score, points, explain, reads, tuple(lines))


def _constant(rule: ConditionRule, compiler: ConditionCompiler, at: str, target: str) -> tuple[Any, ...]:
    value = capped(rule.points, rule.cap)
    detail = rule.description or "condition held"
    lines = [f"{target} += {compiler.code.bind(value)}"]
    return (lambda root, frame: value), (lambda root, frame: (value, detail, _NONE)), (), lines


def _bands(rule: BandsRule, compiler: ConditionCompiler, at: str, target: str) -> tuple[Any, ...]:
    intervals = check_bands(rule.bands, compiler.ctx, f"{at}/bands")
    match = band_matcher(intervals)
    table = tuple(capped(band.points, rule.cap) for band in rule.bands)
    if rule.field is not None:
        read = compiler.read(rule.field, f"{at}/field", relative=False)
    else:
        get = compiler.expr_getter(rule.expr or "", f"{at}/expr")
        read = None if get is None else ValueRead(get, rule.expr or "", relative=False)
    if read is None:
        return (lambda root, frame: 0.0), (lambda root, frame: None), (), []
    get = read.get

    def points(root: Root, frame: Frame) -> float:
        number = as_number(get(root))
        index = -1 if number is None else match(number)
        return table[index] if index >= 0 else 0.0

    def explain(root: Root, frame: Frame) -> tuple[float, str, dict[str, Any]] | None:
        number = as_number(get(root))
        index = -1 if number is None else match(number)
        if number is None or index < 0:
            return None
        return table[index], rule.bands[index].label or f"{number:g} in {intervals[index].describe()}", _NONE

    code = compiler.code
    lines = [f"_n = {code.bind(as_number)}({compiler.value_source(read)})", "if _n is not None:"]
    branch = "if"
    for interval, value in zip(intervals, table, strict=True):
        if interval.empty:
            continue
        tests = []
        if interval.low != -math.inf:
            tests.append(f"_n {'>=' if interval.low_closed else '>'} {code.bind(interval.low)}")
        if interval.high != math.inf:
            tests.append(f"_n {'<=' if interval.high_closed else '<'} {code.bind(interval.high)}")
        lines += indent([f"{branch} {' and '.join(tests) or 'True'}:", f"    {target} += {code.bind(value)}"])
        branch = "elif"
    if branch == "if":
        lines.append("    pass")
    return points, explain, ((read.label, lambda root, frame: get(root)),), lines


def _cases(rule: CasesRule, compiler: ConditionCompiler, at: str, target: str) -> tuple[Any, ...]:
    parts = [compiler.compile(case.when, f"{at}/cases/{i}/when") for i, case in enumerate(rule.cases)]
    table = tuple(
        (part.check, capped(case.points, rule.cap), case.label or f"case #{i + 1}")
        for i, (part, case) in enumerate(zip(parts, rule.cases, strict=True))
    )

    def points(root: Root, frame: Frame) -> float:
        for check, value, _ in table:
            if check(root, frame):
                return value
        return 0.0

    def explain(root: Root, frame: Frame) -> tuple[float, str, dict[str, Any]] | None:
        for check, value, label in table:
            if check(root, frame):
                return value, label, _NONE
        return None

    lines: list[str] = []
    for index, (part, (_, value, _)) in enumerate(zip(parts, table, strict=True)):
        branch = "if" if index == 0 else "elif"
        lines += [f"{branch} {compiler.source(part)}:", f"    {target} += {compiler.code.bind(value)}"]
    reads = tuple(dict(read for part in parts for read in part.reads).items())
    return points, explain, reads, lines


def _activities(rule: ActivitiesRule, compiler: ConditionCompiler, at: str, target: str) -> tuple[Any, ...]:
    select = compiler.selector(rule.activities, f"{at}/activities")
    per, cap = rule.points_per, rule.cap
    half_life = rule.half_life.seconds if rule.half_life else None
    if half_life == 0:
        compiler.ctx.error(f"{at}/half_life", "half_life must be longer than zero")
        half_life = None
    count, decayed = select.count, select.decayed

    def raw(frame: Frame) -> float:
        return per * (count(frame) if half_life is None else decayed(frame, half_life))

    def points(root: Root, frame: Frame) -> float:
        total = raw(frame)
        if cap is None:
            return total
        return min(total, cap) if total >= 0 else max(total, -cap)

    label = selector_label("count", rule.activities)
    tally = select.tally

    def explain(root: Root, frame: Frame) -> tuple[float, str, dict[str, Any]] | None:
        matched, factors = tally(frame, half_life)
        if not matched:
            return None
        total = per * factors
        value = capped(total, cap)
        return value, _activity_detail(rule, matched, total, value), {label: matched}

    code = compiler.code
    if half_life is None:
        total = f"{code.bind(per)} * {code.bind(count)}(frame)"
    else:
        total = f"{code.bind(per)} * {code.bind(decayed)}(frame, {code.bind(half_life)})"
    if cap is None:
        lines = [f"{target} += {total}"]
    else:
        limit = code.bind(cap)
        lines = [
            f"_p = {total}",
            f"{target} += (_p if _p <= {limit} else {limit}) if _p >= 0 else max(_p, -{limit})",
        ]
    return points, explain, (), lines


def _activity_detail(rule: ActivitiesRule, count: int, total: float, value: float) -> str:
    kinds = "|".join(rule.activities.types or ["activity"])
    window = f" in {rule.activities.within.label}" if rule.activities.within else ""
    text = f"{kinds} x{count}{window}"
    if rule.half_life:
        text += f", decayed {total:.1f}"
    if value != total:
        text += f", capped at {value:g}"
    return text
