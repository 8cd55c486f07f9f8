"""What one evaluation of a rule set decides about one lead, and why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class RuleHit:
    """One rule that matched: which score it fed, how many points, and what it read."""

    rule_id: str
    score: str
    points: float
    values: Mapping[str, Any] = field(default_factory=dict)
    """The values the rule read, by path (``lead.Title`` -> ``"営業部長"``)."""
    detail: str = ""
    """A short human reason, e.g. ``"page_view x4 in 30d, decayed 9.2, capped at 15"``."""


@dataclass(frozen=True, slots=True)
class StageTransition:
    """A lifecycle move made by one guarded transition."""

    rule_id: str
    from_stage: str
    to_stage: str
    reason_code: str | None = None
    backward: bool = False
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Decision:
    """The result of ``RuleSet.evaluate``: scores, stage, transitions and (optionally) a trace.

    ``trace`` is ``None`` unless evaluation was asked for one; ``matched_rule_ids`` is
    then empty too. ``ruleset_version`` is the content hash of the rule files.
    """

    scores: Mapping[str, int]
    stage: str
    previous_stage: str
    transitions: tuple[StageTransition, ...]
    ruleset_version: str
    trace: tuple[RuleHit, ...] | None = None

    @property
    def changed_stage(self) -> bool:
        """True when at least one transition fired."""
        return bool(self.transitions)

    @property
    def matched_rule_ids(self) -> tuple[str, ...]:
        """Ids of scoring rules and transitions that matched (needs ``trace=True``)."""
        hits = tuple(hit.rule_id for hit in self.trace or ())
        return hits + tuple(t.rule_id for t in self.transitions)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (used by the dead-letter envelope and ``--json`` outputs)."""
        return {
            "scores": dict(self.scores),
            "stage": self.stage,
            "previous_stage": self.previous_stage,
            "transitions": [
                {
                    "rule_id": t.rule_id,
                    "from_stage": t.from_stage,
                    "to_stage": t.to_stage,
                    "reason_code": t.reason_code,
                    "backward": t.backward,
                    "values": dict(t.values),
                }
                for t in self.transitions
            ],
            "ruleset_version": self.ruleset_version,
            "trace": None
            if self.trace is None
            else [
                {
                    "rule_id": h.rule_id,
                    "score": h.score,
                    "points": h.points,
                    "values": dict(h.values),
                    "detail": h.detail,
                }
                for h in self.trace
            ],
        }
