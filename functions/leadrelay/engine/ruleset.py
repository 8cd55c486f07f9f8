"""The compiled rule set: ``RuleSet.evaluate(context, now=…, trace=…) -> Decision``.

``build_rule_set`` takes the parsed scoring and lifecycle documents, validates and compiles
them once (raising ``RuleSetError`` with every problem) and returns a ``RuleSet`` whose
evaluation is pure: no I/O, no clock (``now`` is injected), never raising for anything in the
context.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from leadrelay.engine.activities import Frame
from leadrelay.engine.decision import Decision
from leadrelay.engine.diagnostics import CheckContext, Diagnostic, RuleSetError, errors_only
from leadrelay.engine.lifecycle import LifecycleProgram, compile_lifecycle
from leadrelay.engine.lifecycle_models import LifecycleFile
from leadrelay.engine.misses import Misses, MissExplainer
from leadrelay.engine.parsing import parse_leniently
from leadrelay.engine.scoring import Hits, ScoreSpec, ScoringProgram, compile_scoring
from leadrelay.engine.scoring_models import ScoringFile
from leadrelay.engine.version import ruleset_version

_EMPTY: dict[str, Any] = {}


class RuleSet:
    """A validated, compiled rule set (scoring + lifecycle). Build it with ``leadrelay.load_rules``."""

    def __init__(
        self,
        scoring: ScoringProgram,
        lifecycle: LifecycleProgram,
        version: str,
        warnings: tuple[Diagnostic, ...] = (),
        models: tuple[ScoringFile, LifecycleFile] | None = None,
    ) -> None:
        self._models = models
        self._explainer: MissExplainer | None = None
        self._scoring = scoring
        self._lifecycle = lifecycle
        self._run = scoring.run
        self._instant: tuple[datetime | None, float] = (None, 0.0)
        self._specs = scoring.scores
        self._types = scoring.activity_types
        self.version = version
        """First 12 hex digits of the SHA-256 of the canonical JSON of the rule files."""
        self.warnings = warnings
        """Validation warnings (overlapping bands…); they never stop a rule set from loading."""

    @property
    def score_names(self) -> tuple[str, ...]:
        """The defined scores, in file order (``("fit", "engagement")``)."""
        return tuple(spec.name for spec in self._specs)

    @property
    def scores(self) -> tuple[ScoreSpec, ...]:
        """The defined scores with their labels, floors and ceilings."""
        return self._specs

    @property
    def stage_names(self) -> tuple[str, ...]:
        """The lifecycle stages, in file order."""
        return self._lifecycle.stages

    @property
    def current_stage_path(self) -> str:
        """Where the current stage is read (and written back): ``lead.LR_Lifecycle_Stage__c``."""
        return self._lifecycle.current_stage_path

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """Ids of every scoring rule and transition, in file order."""
        transitions = dict.fromkeys(t.id for ts in self._lifecycle.outgoing.values() for t in ts)
        return tuple(rule.id for rule in self._scoring.rules) + tuple(transitions)

    def evaluate(self, context: Mapping[str, Any], *, now: datetime, trace: bool = False) -> Decision:
        """Score the lead in ``context`` and move it through the lifecycle, as of ``now``.

        ``context`` holds ``lead`` (Salesforce field names), ``activities`` and ``event``; any
        shape is accepted (what cannot be read counts as missing). ``now`` must be aware. With
        ``trace=True`` the decision lists each matched rule, its unrounded points and the values
        it read. The trace is an optional output of the same evaluation, never a second path.

        An exception while evaluating (an engine bug, or a value no reader expected) is raised
        as ``RuleEvaluationError`` naming the rule file, the rule's JSON pointer and its id.
        """
        root, frame = self._scope(context, now)
        hits: Hits | None = [] if trace else None
        try:
            scores = self._run(root, frame, hits)
        except Exception as error:
            raise self._scoring.failure(error) from error
        found = None if hits is None else self._scoring.trace(hits)
        root["scores"] = scores
        stage, previous, transitions = self._lifecycle.run(root, frame)
        return Decision(scores, stage, previous, transitions, self.version, found)

    def nearest_misses(self, context: Mapping[str, Any], *, now: datetime, decision: Decision) -> Misses:
        """Why not: the stage moves ``decision`` (of ``context`` at ``now``) did not take, with the
        conditions that failed and by how much, and why each scoring rule that gave nothing did not."""
        if self._models is None:
            raise ValueError("this rule set was built without its models: load it with leadrelay.load_rules")
        if self._explainer is None:
            self._explainer = MissExplainer(*self._models)
        root, frame = self._scope(context, now)
        root["scores"] = dict(decision.scores)
        return self._explainer.explain(root, frame, decision)

    def _scope(self, context: Mapping[str, Any], now: datetime) -> tuple[dict[str, Any], Frame]:
        """The evaluation root (lead, event, activities, scores) and frame of ``context`` at ``now``."""
        instant = self._instant  # a batch evaluates many leads at one instant
        if instant[0] is now:
            now_ts = instant[1]
        elif now.tzinfo is None:
            raise ValueError("now must be a timezone-aware datetime")
        else:
            now_ts = now.timestamp()
            self._instant = (now, now_ts)
        source = context if type(context) is dict else _as_dict(context)
        activities = source.get("activities")
        if type(activities) is not list:
            activities = list(activities) if isinstance(activities, tuple) else []
        lead, event = source.get("lead"), source.get("event")
        root: dict[str, Any] = {
            "lead": lead if type(lead) is dict else _as_dict(lead),
            "event": event if type(event) is dict else _EMPTY if event is None else _as_dict(event),
            "activities": activities,
            "scores": _EMPTY,
        }
        return root, Frame(now_ts, root, self._types)


def _as_dict(value: Any) -> dict[str, Any]:
    """``value`` itself when it is a dict, a copy of another mapping, else an empty dict."""
    if type(value) is dict:
        return value
    return dict(value) if isinstance(value, Mapping) else {}


def build_rule_set(
    scoring: tuple[str, Any],
    lifecycle: tuple[str, Any],
    *,
    source: str = "rules",
    others: Mapping[str, Any] | None = None,
) -> RuleSet:
    """Validate and compile the parsed ``(file name, document)`` pairs; raises ``RuleSetError``.
    ``others``: the other rule documents of the directory by file name, hashed into the version."""
    parsed_scoring = parse_leniently(ScoringFile, scoring[1], scoring[0])
    parsed_lifecycle = parse_leniently(LifecycleFile, lifecycle[1], lifecycle[0])
    scoring_model, lifecycle_model = parsed_scoring.model, parsed_lifecycle.model
    scoring_ctx = CheckContext(scoring[0])
    lifecycle_ctx = CheckContext(lifecycle[0], {"scoring": scoring_model} if scoring_model else {})
    scoring_program = compile_scoring(scoring_model, scoring_ctx) if scoring_model else None
    lifecycle_program = None
    if lifecycle_model is not None:
        names = tuple(scoring_model.scores) if scoring_model else None
        lifecycle_program = compile_lifecycle(lifecycle_model, lifecycle_ctx, names)
    diagnostics = (
        parsed_scoring.diagnostics
        + parsed_scoring.relocate(scoring_ctx.diagnostics)
        + parsed_lifecycle.diagnostics
        + parsed_lifecycle.relocate(lifecycle_ctx.diagnostics)
    )
    if scoring_program is None or lifecycle_program is None or errors_only(diagnostics):
        raise RuleSetError(diagnostics, source=source)
    version = ruleset_version(scoring[1], lifecycle[1], others)
    models = (scoring_model, lifecycle_model) if scoring_model and lifecycle_model else None
    return RuleSet(scoring_program, lifecycle_program, version, tuple(diagnostics), models)
