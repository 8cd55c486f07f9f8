"""Compiles a lifecycle file and moves a lead through its stages.

Transitions are tried in file order; the first whose ``from`` holds the current stage and
whose condition holds fires, and evaluation continues from the new stage (Lead → MQL → SQL in
one evaluation). No stage is entered twice in one evaluation, the starting stage included. A
move to a lower rank is backward and only exists with a ``reason_code`` (validated).

The whole machine is one generated function (``advance``: a branch per stage, each trying its
transitions' conditions inline); each transition also keeps its own check, for explanations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from msgspec import Struct

from leadrelay.engine.activities import Check, Frame
from leadrelay.engine.codegen import CodeBuilder, indent, tag
from leadrelay.engine.compiled import Reader
from leadrelay.engine.conditions import ConditionCompiler
from leadrelay.engine.decision import StageTransition
from leadrelay.engine.diagnostics import CheckContext, RuleEvaluationError, pointer
from leadrelay.engine.lifecycle_models import LifecycleFile
from leadrelay.engine.paths import Getter
from leadrelay.engine.values import fold


class CompiledTransition(Struct, frozen=True):
    """One guarded transition, compiled."""

    id: str
    pointer: str
    to: str
    reason_code: str | None
    check: Check
    reads: tuple[tuple[str, Reader], ...]


class LifecycleProgram(Struct, frozen=True):
    """A compiled lifecycle file."""

    file: str
    current_stage_path: str
    read_stage: Getter
    initial: str
    stages: tuple[str, ...]
    ranks: Mapping[str, int]
    folded: Mapping[str, str]
    outgoing: Mapping[str, tuple[CompiledTransition, ...]]
    transitions: tuple[CompiledTransition, ...]
    """Every transition, in file order (each with its own check, to explain a lead)."""
    advance: Callable[[dict[str, Any], Frame, str], tuple[str, list[int]]]
    """The generated machine: ``(final stage, indexes of the transitions fired)`` from a stage."""
    locate: Callable[[BaseException], int | None]
    """The index of the transition whose generated lines raised an exception, if any."""

    def current(self, root: dict[str, Any]) -> str:
        """The stage the lead is in now (``initial`` when missing or unknown)."""
        raw = self.read_stage(root)
        if type(raw) is str:
            if raw in self.ranks:
                return raw
            return self.folded.get(fold(raw), self.initial)
        return self.initial

    def run(self, root: dict[str, Any], frame: Frame) -> tuple[str, str, tuple[StageTransition, ...]]:
        """``(stage, previous stage, transitions fired)`` for one evaluation.

        An exception in a transition's condition is raised as ``RuleEvaluationError`` naming it.
        """
        raw = self.read_stage(root)
        start = raw if type(raw) is str and raw in self.ranks else self.current(root)
        try:
            stage, fired = self.advance(root, frame, start)
        except Exception as error:
            index = self.locate(error)
            if index is None:
                raise
            transition = self.transitions[index]
            raise RuleEvaluationError(self.file, transition.pointer, transition.id, error) from error
        if not fired:
            return stage, start, ()
        moves = []
        before = start
        for index in fired:
            transition = self.transitions[index]
            moves.append(self._fired(transition, before, root, frame))
            before = transition.to
        return stage, start, tuple(moves)

    def _fired(
        self, transition: CompiledTransition, stage: str, root: dict[str, Any], frame: Frame
    ) -> StageTransition:
        values = {label: read(root, frame) for label, read in transition.reads}
        backward = self.ranks[transition.to] < self.ranks[stage]
        return StageTransition(transition.id, stage, transition.to, transition.reason_code, backward, values)


def compile_lifecycle(
    model: LifecycleFile, ctx: CheckContext, scores: tuple[str, ...] | None
) -> LifecycleProgram:
    """Compile (and so validate) a lifecycle file; ``scores`` are the defined score names, if known."""
    compiler = ConditionCompiler(ctx, scores=scores or (), known_scores=scores is not None, label=ctx.file)
    ranks: dict[str, int] = {}
    for index, stage in enumerate(model.stages):
        if stage.name in ranks:
            ctx.error(pointer("stages", index, "name"), f"duplicate stage {stage.name!r}")
        ranks.setdefault(stage.name, stage.rank)
    if model.initial not in ranks:
        ctx.error("/initial", f"undefined stage {model.initial!r} (stages: {', '.join(ranks)})")
    read_stage = compiler.getter(model.current_stage, "/current_stage", relative=False) or (
        lambda scope: None
    )
    taken = _scoring_rule_ids(ctx)
    compiled_whens = []
    for index, transition in enumerate(model.transitions):
        at = pointer("transitions", index)
        if transition.id in taken:
            ctx.error(f"{at}/id", f"duplicate rule id {transition.id!r} (also {taken[transition.id]})")
        taken.setdefault(transition.id, f"{at}/id")
        _check_stages(transition.from_, transition.to, ranks, ctx, at)
        backward_from = [
            s
            for s in transition.from_
            if s in ranks and transition.to in ranks and ranks[s] > ranks[transition.to]
        ]
        if backward_from and transition.reason_code is None:
            ctx.error(
                at,
                f"backward transition {backward_from[0]} (rank {ranks[backward_from[0]]}) → {transition.to} "
                f"(rank {ranks[transition.to]}) needs a reason_code",
            )
        compiled_whens.append(compiler.compile(transition.when, f"{at}/when"))
    branches: dict[str, list[int]] = {}
    for index, transition in enumerate(model.transitions):
        for source in dict.fromkeys(transition.from_):
            branches.setdefault(source, []).append(index)
    conditions = [compiler.source(compiled) for compiled in compiled_whens]
    body = _machine_lines(compiler.code, branches, [t.to for t in model.transitions], conditions)
    compiler.code.define("advance", "root, frame, stage", body)
    checks = compiler.code.build()
    entries = tuple(
        CompiledTransition(
            transition.id,
            f"{pointer('transitions', index)}/when",
            transition.to,
            transition.reason_code,
            compiled.check,
            compiled.reads,
        )
        for index, (transition, compiled) in enumerate(zip(model.transitions, compiled_whens, strict=True))
    )
    return LifecycleProgram(
        file=ctx.file,
        current_stage_path=model.current_stage,
        read_stage=read_stage,
        initial=model.initial,
        stages=tuple(ranks),
        ranks=ranks,
        folded={fold(name): name for name in reversed(ranks)},
        outgoing={stage: tuple(entries[i] for i in indexes) for stage, indexes in branches.items()},
        transitions=entries,
        advance=checks["advance"],
        locate=compiler.code.locate,
    )


def _machine_lines(
    code: CodeBuilder, branches: Mapping[str, list[int]], targets: list[str], conditions: list[str]
) -> list[str]:
    """The body of ``advance(root, frame, stage)``: each transition once, in file order, tried when the
    stage is one it leaves from — so a stage's transitions are tried in the order the file gives."""
    sources: dict[int, list[str]] = {}
    for stage, indexes in branches.items():
        for index in indexes:
            sources.setdefault(index, []).append(stage)
    lines = ["now = frame.now", "fired = []", "visited = (stage,)", "while True:"]
    for index in sorted(sources):
        target, leaving = code.bind(targets[index]), code.bind(frozenset(sources[index]))
        lines += indent(
            [
                tag(index),
                f"if stage in {leaving} and {target} not in visited and {conditions[index]}:",
                f"    fired.append({index}); stage = {target}; visited += (stage,); continue",
            ]
        )
    lines += indent([tag(-1), "return stage, fired"])
    return lines


def _scoring_rule_ids(ctx: CheckContext) -> dict[str, str]:
    scoring = ctx.documents.get("scoring")
    rules = getattr(scoring, "rules", None) or []
    return {rule.id: f"scoring rule /rules/{index}" for index, rule in enumerate(rules)}


def _check_stages(
    sources: list[str], target: str, ranks: Mapping[str, int], ctx: CheckContext, at: str
) -> None:
    for index, stage in enumerate(sources):
        if stage not in ranks:
            ctx.error(f"{at}/from/{index}", f"undefined stage {stage!r} (stages: {', '.join(ranks)})")
    if target not in ranks:
        ctx.error(f"{at}/to", f"undefined stage {target!r} (stages: {', '.join(ranks)})")
    elif target in sources:
        ctx.error(f"{at}/to", f"transition to {target!r} from itself never fires")
