"""Compiles a scoring file into per-rule callables, and computes the scores of one evaluation.

Each rule becomes two callables: ``points(root, frame) -> float`` for the fast path (0.0 when
the rule does not match) and ``explain(root, frame) -> (points, detail) | None`` for the trace.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from leadrelay.core.rules.activities import Frame, Select
from leadrelay.core.rules.bands import band_matcher, check_bands
from leadrelay.core.rules.conditions import Compiled, ConditionCompiler, Reader, selector_label
from leadrelay.core.rules.decision import RuleHit
from leadrelay.core.rules.diagnostics import CheckContext, pointer
from leadrelay.core.rules.scoring_models import (
    ActivitiesRule,
    BandsRule,
    CasesRule,
    ConditionRule,
    RuleBase,
    ScoringFile,
)
from leadrelay.core.rules.values import as_number

Points = Callable[[dict[str, Any], Frame], float]
Explain = Callable[[dict[str, Any], Frame], tuple[float, str] | None]


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """One scoring rule, compiled."""

    id: str
    score: str
    points: Points
    explain: Explain
    reads: tuple[tuple[str, Reader], ...]

    def hit(self, root: dict[str, Any], frame: Frame) -> RuleHit | None:
        """The trace entry for this rule, or None when it did not match."""
        explained = self.explain(root, frame)
        if explained is None:
            return None
        points, detail = explained
        values = {label: read(root, frame) for label, read in self.reads}
        return RuleHit(self.id, self.score, points, values, detail)


@dataclass(frozen=True, slots=True)
class ScoreSpec:
    """A defined score: its label and bounds."""

    name: str
    label: str
    floor: float
    ceiling: float


@dataclass(frozen=True, slots=True)
class ScoringProgram:
    """A compiled scoring file."""

    scores: tuple[ScoreSpec, ...]
    rules: tuple[CompiledRule, ...]
    activity_types: frozenset[str] | None


def final_score(total: float, spec: ScoreSpec) -> int:
    """Clamp to ``[floor, ceiling]`` then round half up (2.5 → 3, -2.5 → -2)."""
    clamped = min(max(total, spec.floor), spec.ceiling)
    return math.floor(round(clamped, 9) + 0.5)


def compile_scoring(model: ScoringFile, ctx: CheckContext) -> ScoringProgram:
    """Compile (and so validate) a scoring file; problems go to ``ctx``."""
    compiler = ConditionCompiler(ctx, scores=None)
    specs = tuple(
        ScoreSpec(
            name,
            score.label or name,
            -math.inf if score.floor is None else score.floor,
            math.inf if score.ceiling is None else score.ceiling,
        )
        for name, score in model.scores.items()
    )
    seen: dict[str, int] = {}
    rules: list[CompiledRule] = []
    for index, rule in enumerate(model.rules):
        at = pointer("rules", index)
        if rule.id in seen:
            ctx.error(f"{at}/id", f"duplicate rule id {rule.id!r} (also /rules/{seen[rule.id]}/id)")
        seen.setdefault(rule.id, index)
        if rule.score not in model.scores:
            ctx.error(f"{at}/score", f"undefined score {rule.score!r} (defined: {', '.join(model.scores)})")
        rules.append(_compile_rule(rule, compiler, at))
    types = None if compiler.activity_types is None else frozenset(compiler.activity_types)
    return ScoringProgram(specs, tuple(rules), types)


def _capped(points: float, cap: float | None) -> float:
    if cap is None:
        return points
    return min(points, cap) if points >= 0 else max(points, -cap)


def _compile_rule(rule: RuleBase, compiler: ConditionCompiler, at: str) -> CompiledRule:
    guard = compiler.compile(rule.when, f"{at}/when") if rule.when is not None else None
    if isinstance(rule, ActivitiesRule):
        points, explain, reads = _activities(rule, compiler, at)
    elif isinstance(rule, BandsRule):
        points, explain, reads = _bands(rule, compiler, at)
    elif isinstance(rule, CasesRule):
        points, explain, reads = _cases(rule, compiler, at)
    elif isinstance(rule, ConditionRule):
        points, explain, reads = _constant(rule)
    else:
        raise TypeError(f"not a scoring rule: {type(rule).__name__}")
    if guard is not None:
        points, explain = _guarded(guard, points, explain)
        reads = guard.reads + reads
    return CompiledRule(rule.id, rule.score, points, explain, reads)


_Parts = tuple[Points, Explain, tuple[tuple[str, Reader], ...]]


def _guarded(guard: Compiled, points: Points, explain: Explain) -> tuple[Points, Explain]:
    check = guard.check
    return (
        lambda root, frame: points(root, frame) if check(root, frame) else 0.0,
        lambda root, frame: explain(root, frame) if check(root, frame) else None,
    )


def _constant(rule: ConditionRule) -> _Parts:
    value = _capped(rule.points, rule.cap)
    detail = rule.description or "condition held"
    return (lambda root, frame: value), (lambda root, frame: (value, detail)), ()


def _bands(rule: BandsRule, compiler: ConditionCompiler, at: str) -> _Parts:
    intervals = check_bands(rule.bands, compiler.ctx, f"{at}/bands")
    match = band_matcher(intervals)
    table = tuple(_capped(band.points, rule.cap) for band in rule.bands)
    if rule.field is not None:
        source, label = compiler.getter(rule.field, f"{at}/field", relative=False), rule.field
    else:
        label = rule.expr or ""
        source = compiler.expr_getter(label, f"{at}/expr")
    get = source or _nothing

    def points(root: dict[str, Any], frame: Frame) -> float:
        number = as_number(get(root))
        if number is None:
            return 0.0
        index = match(number)
        return table[index] if index >= 0 else 0.0

    def explain(root: dict[str, Any], frame: Frame) -> tuple[float, str] | None:
        number = as_number(get(root))
        index = -1 if number is None else match(number)
        if number is None or index < 0:
            return None
        band = rule.bands[index]
        return table[index], band.label or f"{number:g} in {intervals[index].describe()}"

    return points, explain, ((label, lambda root, frame: get(root)),)


def _nothing(scope: Any) -> Any:
    return None


def _cases(rule: CasesRule, compiler: ConditionCompiler, at: str) -> _Parts:
    parts = [compiler.compile(case.when, f"{at}/cases/{i}/when") for i, case in enumerate(rule.cases)]
    table = tuple(
        (part.check, _capped(case.points, rule.cap), case.label or f"case #{i + 1}")
        for i, (part, case) in enumerate(zip(parts, rule.cases, strict=True))
    )

    def points(root: dict[str, Any], frame: Frame) -> float:
        for check, value, _ in table:
            if check(root, frame):
                return value
        return 0.0

    def explain(root: dict[str, Any], frame: Frame) -> tuple[float, str] | None:
        for check, value, label in table:
            if check(root, frame):
                return value, label
        return None

    reads = tuple(dict(read for part in parts for read in part.reads).items())
    return points, explain, reads


def _activities(rule: ActivitiesRule, compiler: ConditionCompiler, at: str) -> _Parts:
    select: Select = compiler.selector(rule.activities, f"{at}/activities")
    per, cap = rule.points_per, rule.cap
    half_life = rule.half_life.seconds if rule.half_life else None
    if half_life == 0:
        compiler.ctx.error(f"{at}/half_life", "half_life must be longer than zero")
        half_life = None

    def raw(frame: Frame) -> float:
        matched = select(frame)
        if half_life is None:
            return per * len(matched)
        now = frame.now
        return per * sum(0.5 ** ((now - moment) / half_life) for moment, _ in matched)  # type: ignore[no-any-return]

    def points(root: dict[str, Any], frame: Frame) -> float:
        return _capped(raw(frame), cap)

    def explain(root: dict[str, Any], frame: Frame) -> tuple[float, str] | None:
        count = len(select(frame))
        if not count:
            return None
        total = raw(frame)
        value = _capped(total, cap)
        return value, _activity_detail(rule, count, total, value)

    label = selector_label("count", rule.activities)
    return points, explain, ((label, lambda root, frame: len(select(frame))),)


def _activity_detail(rule: ActivitiesRule, count: int, total: float, value: float) -> str:
    kinds = "|".join(rule.activities.types or ["activity"])
    window = f" in {rule.activities.within.label}" if rule.activities.within else ""
    text = f"{kinds} x{count}{window}"
    if rule.half_life:
        text += f", decayed {total:.1f}"
    if value != total:
        text += f", capped at {value:g}"
    return text


def score_order(rules: Sequence[CompiledRule], specs: Sequence[ScoreSpec]) -> tuple[tuple[int, Points], ...]:
    """The fast path's plan: ``(score slot, points)`` for every rule feeding a defined score."""
    slots = {spec.name: index for index, spec in enumerate(specs)}
    return tuple((slots[rule.score], rule.points) for rule in rules if rule.score in slots)
