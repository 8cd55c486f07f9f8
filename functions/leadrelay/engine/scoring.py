"""Compiles a scoring file into a ``ScoringProgram``: per-rule callables plus one generated function.

``ScoringProgram.totals(root, frame)`` is the fast path: a function generated from the whole
file (see ``codegen.py``) returning the unrounded total of each score. The trace walks the
per-rule closures instead, so it can name each matched rule, its points and what it read.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from leadrelay.engine.activities import Frame
from leadrelay.engine.conditions import ConditionCompiler
from leadrelay.engine.diagnostics import CheckContext, pointer
from leadrelay.engine.scoring_models import ScoringFile
from leadrelay.engine.scoring_rules import CompiledRule, compile_rule


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
    """The activity types some rule reads (None: every type)."""
    totals: Callable[[dict[str, Any], Frame], list[float]]
    """The generated fast path: each score's unrounded total, in ``scores`` order."""


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
    targets = {spec.name: f"_s{index}" for index, spec in enumerate(specs)}
    seen: dict[str, int] = {}
    rules: list[CompiledRule] = []
    for index, rule in enumerate(model.rules):
        at = pointer("rules", index)
        if rule.id in seen:
            ctx.error(f"{at}/id", f"duplicate rule id {rule.id!r} (also /rules/{seen[rule.id]}/id)")
        seen.setdefault(rule.id, index)
        if rule.score not in targets:
            ctx.error(f"{at}/score", f"undefined score {rule.score!r} (defined: {', '.join(model.scores)})")
        rules.append(compile_rule(rule, compiler, at, targets.get(rule.score, "_unused")))
    body = ["now = frame.now", "_unused = 0.0", *(f"{target} = 0.0" for target in targets.values())]
    for compiled in rules:
        body += compiled.lines
    body.append(f"return [{', '.join(targets.values())}]")
    compiler.code.define("score_totals", "root, frame", body)
    totals = compiler.code.build()["score_totals"]
    types = None if compiler.activity_types is None else frozenset(compiler.activity_types)
    return ScoringProgram(specs, tuple(rules), types, totals)
