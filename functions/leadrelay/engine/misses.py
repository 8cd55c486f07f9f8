"""Why not: the nearest misses of one evaluation.

Besides what matched, an admin asks why a lead did *not* become an MQL, or why a rule gave it
nothing. :class:`MissExplainer` answers from the rule models: for each stage move the lead could
take next, the conditions that failed and by how much (``scores.fit 24 < 30, 6 short``); for
each scoring rule that did not fire, why (no activity of that type in the window, a value in no
band, no case held, its guard failed). It compiles the conditions again, one by one, on first
use — explaining is rare, and the evaluation path stays as it is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from msgspec import Struct

from leadrelay.engine.activities import Frame
from leadrelay.engine.compiled import Compiled, merge_reads
from leadrelay.engine.conditions import ConditionCompiler
from leadrelay.engine.decision import Decision
from leadrelay.engine.diagnostics import CheckContext
from leadrelay.engine.lifecycle_models import LifecycleFile
from leadrelay.engine.models import (
    AllCondition,
    AnyCondition,
    AtLeastCondition,
    Condition,
    NotCondition,
    Selector,
)
from leadrelay.engine.scoring_models import ActivitiesRule, BandsRule, CasesRule, ScoringFile
from leadrelay.engine.values import as_number

_FAILED = {"gte": "<", "gt": "≤", "lte": ">", "lt": "≥"}
_HOLDS = {"gte": "≥", "gt": ">", "lte": "≤", "lt": "<"}


class TransitionMiss(Struct, frozen=True):
    """A stage move the lead could take next but did not, and the conditions that stopped it."""

    rule_id: str
    from_stage: str
    to_stage: str
    reasons: tuple[str, ...]


class RuleMiss(Struct, frozen=True):
    """A scoring rule that gave the lead nothing, and why."""

    rule_id: str
    score: str
    reason: str


class Misses(Struct, frozen=True):
    """The nearest misses of one evaluation."""

    transitions: tuple[TransitionMiss, ...]
    rules: tuple[RuleMiss, ...]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``rules explain --json``)."""
        return {
            "transitions": [
                {
                    "rule_id": t.rule_id,
                    "from_stage": t.from_stage,
                    "to_stage": t.to_stage,
                    "reasons": list(t.reasons),
                }
                for t in self.transitions
            ],
            "rules": [{"rule_id": r.rule_id, "score": r.score, "reason": r.reason} for r in self.rules],
        }


def show(value: Any) -> str:
    """A value as the admin wrote it in JSON (``"営業部長"``, ``24``, ``null``)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


class MissExplainer:
    """Explains what an evaluation did not do, from the scoring and lifecycle models."""

    def __init__(self, scoring: ScoringFile, lifecycle: LifecycleFile) -> None:
        self._scoring = scoring
        self._lifecycle = lifecycle
        self._compiler = ConditionCompiler(CheckContext("explain"), scores=tuple(scoring.scores))
        self._compiled: dict[int, Compiled] = {}

    def explain(self, root: dict[str, Any], frame: Frame, decision: Decision) -> Misses:
        """The misses of ``decision``, made on ``root`` (scores set) at ``frame``."""
        return Misses(self._transitions(root, frame, decision), self._rules(root, frame, decision))

    def _transitions(
        self, root: dict[str, Any], frame: Frame, decision: Decision
    ) -> tuple[TransitionMiss, ...]:
        visited = {decision.previous_stage, *(t.to_stage for t in decision.transitions)}
        misses = []
        for index, transition in enumerate(self._lifecycle.transitions):
            if decision.stage not in transition.from_:
                continue
            at = f"/transitions/{index}/when"
            if transition.to in visited:
                reasons: list[str] = [f"{transition.to} was already passed through in this evaluation"]
            else:
                reasons = self._failed(transition.when, root, frame, at)
            misses.append(TransitionMiss(transition.id, decision.stage, transition.to, tuple(reasons)))
        return tuple(misses)

    def _rules(self, root: dict[str, Any], frame: Frame, decision: Decision) -> tuple[RuleMiss, ...]:
        fired = {hit.rule_id for hit in decision.trace or ()}
        misses = []
        for index, rule in enumerate(self._scoring.rules):
            if rule.id in fired:
                continue
            at = f"/rules/{index}"
            if rule.when is not None and not self._holds(rule.when, root, frame, f"{at}/when"):
                reason = "its condition failed: " + "; ".join(
                    self._failed(rule.when, root, frame, f"{at}/when")
                )
            elif isinstance(rule, BandsRule):
                reason = self._no_band(rule, root, frame, at)
            elif isinstance(rule, CasesRule):
                reason = self._no_case(rule, root, frame, at)
            elif isinstance(rule, ActivitiesRule):
                reason = self._no_activity(rule.activities, frame, f"{at}/activities")
            else:
                reason = "it gave no points"
            misses.append(RuleMiss(rule.id, rule.score, reason))
        return tuple(misses)

    # --- conditions ---------------------------------------------------------------------------

    def _compile(self, condition: Condition, at: str, *, relative: bool = False) -> Compiled:
        found = self._compiled.get(id(condition))
        if found is None:
            found = self._compiled[id(condition)] = self._compiler.compile(condition, at, relative=relative)
        return found

    def _holds(self, condition: Condition, scope: Any, frame: Frame, at: str, rel: bool = False) -> bool:
        return bool(self._compile(condition, at, relative=rel).check(scope, frame))

    def _failed(
        self, condition: Condition, scope: Any, frame: Frame, at: str, rel: bool = False
    ) -> list[str]:
        """Why ``condition`` (known not to hold) fails: one line per failing leaf."""
        if isinstance(condition, AllCondition):
            return _flat(
                self._failed(part, scope, frame, f"{at}/all/{i}", rel)
                for i, part in enumerate(condition.all)
                if not self._holds(part, scope, frame, f"{at}/all/{i}", rel)
            )
        if isinstance(condition, AnyCondition):
            lines = _flat(
                self._failed(part, scope, frame, f"{at}/any/{i}", rel) for i, part in enumerate(condition.any)
            )
            return ["none of: " + " / ".join(lines)] if lines else ["none of an empty list"]
        if isinstance(condition, NotCondition):
            return ["excluded: " + "; ".join(self._held(condition.not_, scope, frame, f"{at}/not", rel))]
        if isinstance(condition, AtLeastCondition):
            parts = [(f"{at}/of/{i}", part) for i, part in enumerate(condition.of)]
            failing = [
                (where, part) for where, part in parts if not self._holds(part, scope, frame, where, rel)
            ]
            held = len(parts) - len(failing)
            head = f"{held} of {len(parts)} hold, {condition.at_least} needed"
            return [head + ": " + "; ".join(_flat(self._failed(p, scope, frame, w, rel) for w, p in failing))]
        return [self._leaf(condition, scope, frame, at, holds=False, rel=rel)]

    def _held(self, condition: Condition, scope: Any, frame: Frame, at: str, rel: bool = False) -> list[str]:
        """What holds in ``condition`` (known to hold), for a ``not`` that excludes the lead."""
        if isinstance(condition, AllCondition | AnyCondition):
            key, items = (
                ("all", condition.all) if isinstance(condition, AllCondition) else ("any", condition.any)
            )
            return _flat(
                self._held(part, scope, frame, f"{at}/{key}/{i}", rel)
                for i, part in enumerate(items)
                if self._holds(part, scope, frame, f"{at}/{key}/{i}", rel)
            )
        if isinstance(condition, NotCondition):
            return self._failed(condition.not_, scope, frame, f"{at}/not", rel)
        if isinstance(condition, AtLeastCondition):
            return [f"at least {condition.at_least} of {len(condition.of)} hold"]
        return [self._leaf(condition, scope, frame, at, holds=True, rel=rel)]

    def _leaf(self, condition: Any, scope: Any, frame: Frame, at: str, *, holds: bool, rel: bool) -> str:
        compiled = self._compile(condition, at, relative=rel)
        if not compiled.reads:
            return f"{condition.op} {show(condition.value)} {'holds' if holds else 'does not hold'}"
        label, read = compiled.reads[0]
        return describe(label, read(scope, frame), condition.op, condition.value, holds=holds)

    # --- scoring rules ------------------------------------------------------------------------

    def _no_band(self, rule: BandsRule, root: dict[str, Any], frame: Frame, at: str) -> str:
        if rule.field is not None:
            read = self._compiler.read(rule.field, f"{at}/field", relative=False)
            value = None if read is None else read.get(root)
            label = rule.field
        else:
            get = self._compiler.expr_getter(rule.expr or "", f"{at}/expr")
            value = None if get is None else get(root)
            label = rule.expr or ""
        number = as_number(value)
        if value is None:
            return f"{label} has no value"
        if number is None:
            return f"{label} is {show(value)}, not a number"
        return f"{label} {show(number)} is in none of its {len(rule.bands)} bands"

    def _no_case(self, rule: CasesRule, root: dict[str, Any], frame: Frame, at: str) -> str:
        parts = [self._compile(case.when, f"{at}/cases/{i}/when") for i, case in enumerate(rule.cases)]
        values = ", ".join(f"{label} {show(read(root, frame))}" for label, read in merge_reads(parts))
        return f"none of its {len(rule.cases)} cases held ({values})"

    def _no_activity(self, selector: Selector, frame: Frame, at: str) -> str:
        kinds = "|".join(selector.types) if selector.types else "activity"
        index = frame.activities
        typed = [
            moment
            for kind, bucket in index.items()
            if selector.types is None or kind in selector.types
            for moment, _ in bucket
        ]
        if not typed:
            return f"no {kinds} activity"
        if selector.within is not None:
            cutoff = frame.now - selector.within.seconds
            recent = [moment for moment in typed if moment >= cutoff]
            if not recent:
                days = (frame.now - max(typed)) / 86400
                return f"no {kinds} in the last {selector.within.label} (latest {days:.0f} days ago)"
        else:
            recent = typed
        if selector.where is None:
            return f"{len(recent)} {kinds} in the window"
        latest = max(
            (
                pair
                for kind, bucket in index.items()
                if selector.types is None or kind in selector.types
                for pair in bucket
            ),
            key=lambda pair: pair[0],
        )[1]
        why = "; ".join(self._failed(selector.where, latest, frame, f"{at}/where", True))
        return f"{len(recent)} {kinds} in the window, none matching its where condition (the latest: {why})"


def describe(label: str, value: Any, op: str, expected: Any, *, holds: bool) -> str:
    """One leaf condition as an admin reads it: ``scores.fit 24 < 30 (6 short)``."""
    number, bound = as_number(value), as_number(expected)
    if op in _FAILED and number is not None and bound is not None and not isinstance(expected, bool):
        if holds:
            return f"{label} {show(number)} {_HOLDS[op]} {show(bound)}"
        gap = abs(bound - number)
        short = f" ({show(gap)} short)" if op in ("gte", "gt") else f" ({show(gap)} over)"
        return f"{label} {show(number)} {_FAILED[op]} {show(bound)}{short if gap else ''}"
    if value is None and op != "exists":
        return f"{label} has no value" + ("" if holds else f" ({op} {show(expected)})")
    if op == "exists":
        has = "has a value" if value is not None else "has no value"
        return f"{label} {has}" + ("" if value is None else f" ({show(value)})")
    if op == "in":
        verb = "is one of" if holds else "is not one of"
        return f"{label} {show(value)} {verb} {show(expected)}"
    if op == "eq":
        return f"{label} is {show(value)}" + ("" if holds else f", not {show(expected)}")
    verb = "matches" if holds else "does not match"
    return f"{label} {show(value)} {verb} {op} {show(expected)}"


def _flat(groups: Iterable[Iterable[str]]) -> list[str]:
    return [line for group in groups for line in group]
