"""What one evaluation of a rule set decides about one lead, and why."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from msgspec import Struct, field


class RuleHit:
    """One rule that matched: which score it fed, how many points, and what it read.

    ``detail`` is a short human reason (``"page_view x4 in 30d, decayed 9.2, capped at 15"``). The
    engine gives it as ``explain=(function, argument)`` and it is formatted on first read: most
    traces are stored or cut to their top reasons, so most details are never read.
    """

    __slots__ = ("_detail", "_explain", "points", "rule_id", "score", "values")

    def __init__(
        self,
        rule_id: str,
        score: str,
        points: float,
        values: Mapping[str, Any] | None = None,
        detail: str = "",
        explain: tuple[Callable[[Any], str], Any] | None = None,
    ) -> None:
        self.rule_id = rule_id
        self.score = score
        self.points = points
        self.values: Mapping[str, Any] = {} if values is None else values
        """The values the rule read, by path (``lead.Title`` -> ``"営業部長"``)."""
        self._detail: str | None = detail if explain is None else None
        self._explain = explain

    @property
    def detail(self) -> str:
        """A short human reason, formatted on first read."""
        if self._detail is None:
            function, argument = self._explain  # type: ignore[misc]
            self._detail = function(argument)
        return self._detail

    def _key(self) -> tuple[str, str, float, Mapping[str, Any], str]:
        return (self.rule_id, self.score, self.points, self.values, self.detail)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RuleHit) and self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"RuleHit(rule_id={self.rule_id!r}, score={self.score!r}, points={self.points!r}, "
            f"values={self.values!r}, detail={self.detail!r})"
        )


class StageTransition(Struct, frozen=True):
    """A lifecycle move made by one guarded transition."""

    rule_id: str
    from_stage: str
    to_stage: str
    reason_code: str | None = None
    backward: bool = False
    values: Mapping[str, Any] = field(default_factory=dict)


class Decision(Struct, frozen=True):
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
