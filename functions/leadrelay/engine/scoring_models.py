"""Pydantic models of a ``kind: scoring`` file: named scores and the rules that feed them."""

from typing import Annotated, ClassVar, Literal, Self

from pydantic import Discriminator, Field, StringConstraints, Tag, model_validator

from leadrelay.engine.file_models import RuleFile, Strict
from leadrelay.engine.models import Condition, Selector, Window, key_tag

ScoreName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]


class ScoreDef(Strict):
    """A named score (``fit``, ``engagement``) with an optional floor and ceiling."""

    label: str | None = None
    description: str | None = None
    floor: float | None = None
    ceiling: float | None = None

    @model_validator(mode="after")
    def _floor_below_ceiling(self) -> Self:
        if self.floor is not None and self.ceiling is not None and self.floor > self.ceiling:
            raise ValueError(f"floor {self.floor:g} is above ceiling {self.ceiling:g}")
        return self


class RuleBase(Strict):
    """What every scoring rule has: an id, the score it feeds, an optional guard and cap."""

    id: str = Field(min_length=1, description="Unique across the rule set, e.g. fit.title.executive.")
    score: str = Field(min_length=1, description="The score this rule feeds (a key of `scores`).")
    description: str | None = None
    when: Condition | None = Field(
        default=None, description="Guard: the rule contributes nothing unless it holds."
    )
    cap: float | None = Field(
        default=None, ge=0, description="The most this rule can add (or subtract, for negative points)."
    )


class ConditionRule(RuleBase):
    """``points`` when ``when`` holds (always, without ``when``)."""

    TAG: ClassVar[str] = "<points>"
    points: float


class Band(Strict):
    """One band of a bands rule; its bounds are any subset of gte/gt/lte/lt."""

    gte: float | None = None
    gt: float | None = None
    lte: float | None = None
    lt: float | None = None
    points: float
    label: str | None = None


class BandsRule(RuleBase):
    """The first band whose bounds hold for the numeric value at ``field`` (or ``expr``) gives its points."""

    TAG: ClassVar[str] = "<bands>"
    field: str | None = Field(default=None, min_length=1)
    expr: str | None = Field(default=None, min_length=1)
    bands: list[Band] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.field is None) == (self.expr is None):
            raise ValueError("a bands rule reads exactly one of `field` or `expr`")
        return self


class Case(Strict):
    """One case of a cases rule."""

    when: Condition
    points: float
    label: str | None = None


class CasesRule(RuleBase):
    """The first case whose condition holds gives its points (代表取締役 is not also 取締役)."""

    TAG: ClassVar[str] = "<cases>"
    cases: list[Case] = Field(min_length=1)


class ActivitiesRule(RuleBase):
    """``points_per`` for each matching activity, decayed by ``half_life`` and capped by ``cap``."""

    TAG: ClassVar[str] = "<activities>"
    activities: Selector
    points_per: float
    half_life: Window | None = None


ScoringRule = Annotated[
    Annotated[ConditionRule, Tag("<points>")]
    | Annotated[BandsRule, Tag("<bands>")]
    | Annotated[CasesRule, Tag("<cases>")]
    | Annotated[ActivitiesRule, Tag("<activities>")],
    Discriminator(
        key_tag(("bands", "cases", "activities", "points")),
        custom_error_type="scoring_rule",
        custom_error_message="a scoring rule needs one of the keys points, bands, cases or activities",
    ),
]


class ScoringFile(RuleFile):
    """``rules/scoring.json``: named scores and the rules that add or subtract points."""

    kind: Literal["scoring"]
    description: str | None = None
    scores: dict[ScoreName, ScoreDef] = Field(min_length=1)
    rules: list[ScoringRule]
