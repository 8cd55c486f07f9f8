"""Compiles a scoring file into a ``ScoringProgram``: one generated function, the trace optional.

``ScoringProgram.run(root, frame, hits)`` is the one evaluation path: a function generated from
the whole file (see ``codegen.py``) that walks each activity type once for every rule reading it
(``activity_walk.py``), then runs the rules in file order and returns the unrounded total of each
score. With a ``hits`` list it also records each matched rule and what matched, which
``ScoringProgram.trace`` turns into ``RuleHit``s; without one it records nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from msgspec import Struct

from leadrelay.engine.activities import Frame
from leadrelay.engine.activity_walk import walk_lines
from leadrelay.engine.codegen import tag
from leadrelay.engine.conditions import ConditionCompiler
from leadrelay.engine.decision import RuleHit
from leadrelay.engine.diagnostics import CheckContext, RuleEvaluationError, pointer
from leadrelay.engine.scoring_models import ScoringFile
from leadrelay.engine.scoring_rules import CompiledRule, compile_rule

Hits = list[tuple[int, Any, dict[str, Any]]]


class ScoreSpec(Struct, frozen=True):
    """A defined score: its label and bounds."""

    name: str
    label: str
    floor: float
    ceiling: float


class ScoringProgram(Struct, frozen=True):
    """A compiled scoring file."""

    file: str
    scores: tuple[ScoreSpec, ...]
    rules: tuple[CompiledRule, ...]
    activity_types: frozenset[str] | None
    """The activity types some rule reads (None: every type)."""
    run: Callable[[dict[str, Any], Frame, Hits | None], dict[str, int]]
    """The generated function: each score, by name (its rules' total clamped to the score's floor
    and ceiling, then rounded half up: 2.5 → 3, -2.5 → -2); it
    appends ``(rule index, what matched)`` to the list it is given, if any."""
    locate: Callable[[BaseException], int | None]
    """The index of the rule whose generated lines raised an exception, if any."""

    def trace(self, hits: Hits) -> tuple[RuleHit, ...]:
        """The ``RuleHit`` of every rule ``run`` recorded in ``hits``, in file order."""
        trace = []
        rules = self.rules
        for index, matched, values in hits:
            try:
                trace.append(rules[index].hit(matched, values))
            except Exception as error:
                raise self.failure(error, index) from error
        return tuple(trace)

    def failure(self, error: Exception, index: int | None = None) -> Exception:
        """``error`` as a ``RuleEvaluationError`` naming its rule (``error`` itself if none is known)."""
        index = self.locate(error) if index is None else index
        if index is None or not 0 <= index < len(self.rules):
            return error
        rule = self.rules[index]
        return RuleEvaluationError(self.file, rule.pointer, rule.id, error)


def compile_scoring(model: ScoringFile, ctx: CheckContext) -> ScoringProgram:
    """Compile (and so validate) a scoring file; problems go to ``ctx``."""
    compiler = ConditionCompiler(ctx, scores=None, label=ctx.file)
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
        rules.append(compile_rule(rule, compiler, at, targets.get(rule.score, "_unused"), index))
    body = ["now = frame.now", "_unused = 0.0", *(f"{target} = 0.0" for target in targets.values())]
    walks = [(index, rule.activities) for index, rule in enumerate(rules) if rule.activities is not None]
    body += walk_lines(walks, compiler.code)
    for compiled in rules:
        body += compiled.lines
    code = compiler.code
    floor, rounded = code.bind(math.floor), code.bind(round)
    final = [  # clamp, then round half up (round(…, 9) first absorbs float noise: 2.4999999999 → 2.5)
        f"{code.bind(spec.name)}: {floor}({rounded}(min(max({targets[spec.name]}, "
        f"{code.bind(spec.floor)}), {code.bind(spec.ceiling)}), 9) + 0.5)"
        for spec in specs
    ]
    body += [tag(-1), f"return {{{', '.join(final)}}}"]
    code.define("score", "root, frame, hits", body)
    run = code.build()["score"]
    types = None if compiler.activity_types is None else frozenset(compiler.activity_types)
    return ScoringProgram(ctx.file, specs, tuple(rules), types, run, compiler.code.locate)
