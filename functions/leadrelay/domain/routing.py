"""MQL routing rules (``rules/routing.json``, kind ``routing``): an ordered first-match table of owners.

Each row has a condition over the decision context (the lead's fields, its scores, the event) and a
target: a user, a queue, the matched account's owner (when that user is active) or a pool
(:mod:`leadrelay.domain.pools`). The first row whose condition holds decides; a row whose target cannot
take the lead (an inactive account owner, a pool with nobody available) hands it to the row's
``fallback`` owner, else the file's ``fallback_owner`` — so no lead lands nowhere. :class:`RoutingTable`
is compiled once (conditions with the rule engine's compiler) and is pure.
"""

import difflib
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal, Self

from msgspec import Struct
from pydantic import Field, StringConstraints, model_validator

from leadrelay.domain.calendar import BusinessCalendar
from leadrelay.domain.calendar_file import CalendarModel
from leadrelay.domain.pools import PoolRules, Strategy
from leadrelay.engine.activities import Frame
from leadrelay.engine.compiled import Compiled
from leadrelay.engine.conditions import ConditionCompiler
from leadrelay.engine.diagnostics import CheckContext, pointer
from leadrelay.engine.file_models import RuleFile, Strict
from leadrelay.engine.models import Condition

UserId = Annotated[str, StringConstraints(pattern=r"^005[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$")]
"""A Salesforce User id (``005…``)."""
OwnerId = Annotated[str, StringConstraints(pattern=r"^(?:005|00G)[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$")]
"""A User (``005…``) or a queue (``00G…``): what ``OwnerId`` accepts."""
NO_ROW = "fallback_owner"
"""The ``row_id`` of a lead no row matched."""


class Member(Strict):
    """A pool member; ``weight`` counts for weighted round robin and least-loaded."""

    user: UserId
    weight: float = Field(default=1.0, gt=0)


class PoolModel(Strict):
    """A pool of reps and how it distributes."""

    strategy: Strategy = Strategy.ROUND_ROBIN
    members: list[Member] = Field(min_length=1)
    max_new_per_day: int | None = Field(default=None, ge=1, description="New MQLs per rep per (their) day.")
    max_open: int | None = Field(default=None, ge=1, description="Open MQLs a rep may hold.")
    working_hours_only: bool = False

    def rules(self) -> PoolRules:
        """The policy the pool's choice applies."""
        return PoolRules(self.strategy, self.max_new_per_day, self.max_open, self.working_hours_only)


class Target(Strict):
    """Exactly one of ``user``, ``queue``, ``account_owner`` or ``pool``."""

    user: UserId | None = None
    queue: Annotated[str, StringConstraints(pattern=r"^00G[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$")] | None = None
    account_owner: Literal[True] | None = None
    pool: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        given = [
            name for name in ("user", "queue", "account_owner", "pool") if getattr(self, name) is not None
        ]
        if len(given) != 1:
            raise ValueError("a target is exactly one of user, queue, account_owner or pool")
        return self


class Row(Strict):
    """One routing row: the first whose ``when`` holds (always, without one) routes the lead."""

    id: str = Field(min_length=1)
    description: str | None = None
    when: Condition | None = None
    to: Target
    fallback: OwnerId | None = Field(default=None, description="When the target cannot take the lead.")


class HotLeadModel(Strict):
    """When a lead is hot enough to tell its owner at once, MQL or not (the seeds' "score ≥ 80 and a
    product page viewed")."""

    description: str | None = None
    when: Condition = Field(description="Over lead, scores, activities (the whole history) and event.")
    window_hours: int = Field(default=24, ge=1, description="At most one hot-lead alert per lead per window.")


class AlertsModel(Strict):
    """Alerts the rules configure beside the routing (the MQL-assigned and SLA alerts are always on)."""

    hot_lead: HotLeadModel | None = None


class RoutingFile(RuleFile):
    """``rules/routing.json``."""

    kind: Literal["routing"]
    description: str | None = None
    stage: str = Field(default="MQL", min_length=1, description="Entering this stage routes a lead.")
    recycle_stages: tuple[str, ...] = Field(
        default=("Recycled", "Nurture"),
        description="Entering one of these returns a lead to marketing: SLA closed, sales-active cleared.",
    )
    recycle_owner: OwnerId | None = Field(
        default=None, description="The owner a recycled lead goes back to (a nurture queue); unset: kept."
    )
    calendar: CalendarModel = CalendarModel()
    pools: dict[str, PoolModel] = Field(default_factory=dict)
    rows: list[Row] = Field(min_length=1)
    fallback_owner: OwnerId = Field(description="The owner of last resort: a lead never lands nowhere.")
    alerts: AlertsModel = AlertsModel()


class Route(Struct, frozen=True):
    """Which row matched and what it targets (the pool is chosen from afterwards)."""

    row_id: str
    target: Target | None
    """None when no row matched: the fallback owner takes the lead."""
    fallback: str
    """The owner when the target cannot take the lead (the row's, else the file's)."""


class RoutingTable(Struct, frozen=True):
    """A compiled routing file."""

    file: RoutingFile
    calendar: BusinessCalendar
    checks: tuple[Compiled | None, ...]
    hot_lead: Compiled | None = None
    """``alerts.hot_lead.when`` compiled (None: no hot-lead alerts)."""

    def user_ids(self) -> list[str]:
        """Every user the table may hand a lead to (pool members, user targets, user fallbacks)."""
        ids = [member.user for pool in self.file.pools.values() for member in pool.members]
        ids += [row.to.user for row in self.file.rows if row.to.user is not None]
        fallbacks = [self.file.fallback_owner, *(row.fallback for row in self.file.rows if row.fallback)]
        ids += [owner for owner in fallbacks if owner.startswith("005")]
        return list(dict.fromkeys(ids))

    def route(self, root: Mapping[str, Any], now: datetime) -> Route:
        """The first row whose condition holds for ``root`` (``lead``, ``scores``, ``event``) at ``now``."""
        scope = {"lead": {}, "event": {}, "activities": [], "scores": {}, **root}
        frame = Frame(now.timestamp(), scope, frozenset())
        for row, check in zip(self.file.rows, self.checks, strict=True):
            if check is None or check.check(scope, frame):
                return Route(row.id, row.to, row.fallback or self.file.fallback_owner)
        return Route(NO_ROW, None, self.file.fallback_owner)

    def is_hot(self, root: Mapping[str, Any], now: datetime) -> bool:
        """Whether ``alerts.hot_lead.when`` holds for ``root`` (``lead``, ``scores``, ``activities``,
        ``event``) at ``now``; False when the file configures no hot-lead alert."""
        if self.hot_lead is None:
            return False
        scope = {"lead": {}, "event": {}, "activities": [], "scores": {}, **root}
        return bool(self.hot_lead.check(scope, Frame(now.timestamp(), scope, None)))


def compile_routing(
    model: RoutingFile, ctx: CheckContext, scores: tuple[str, ...] | None = None
) -> RoutingTable:
    """Compile (and so validate) a routing file; problems go to ``ctx``."""
    compiler = ConditionCompiler(ctx, scores=scores or (), known_scores=scores is not None, label=ctx.file)
    seen: dict[str, int] = {}
    checks: list[Compiled | None] = []
    for index, row in enumerate(model.rows):
        at = pointer("rows", index)
        if row.id in seen:
            ctx.error(f"{at}/id", f"duplicate row id {row.id!r} (also /rows/{seen[row.id]}/id)")
        seen.setdefault(row.id, index)
        if row.to.pool is not None and row.to.pool not in model.pools:
            close = difflib.get_close_matches(row.to.pool, list(model.pools), n=1)
            hint = (
                f"; did you mean {close[0]!r}?" if close else f" (pools: {', '.join(model.pools) or 'none'})"
            )
            ctx.error(f"{at}/to/pool", f"undefined pool {row.to.pool!r}{hint}")
        checks.append(None if row.when is None else compiler.compile(row.when, f"{at}/when"))
    hot = model.alerts.hot_lead
    hot_check = compiler.compile(hot.when, "/alerts/hot_lead/when") if hot is not None else None
    try:
        calendar = model.calendar.build()
    except ValueError as error:
        ctx.error("/calendar", str(error))
        calendar = BusinessCalendar()
    return RoutingTable(model, calendar, tuple(checks), hot_check)


def check_routing_file(model: RoutingFile, ctx: CheckContext) -> None:
    """The registry's checker: compile against the scoring file's scores, and check the stages against
    the lifecycle's, when those files are known."""
    scoring = ctx.documents.get("scoring")
    names = getattr(scoring, "scores", None)
    compile_routing(model, ctx, tuple(names) if names is not None else None)
    stages = [stage.name for stage in getattr(ctx.documents.get("lifecycle"), "stages", [])]
    if not stages:
        return
    named = [
        ("/stage", model.stage),
        *((f"/recycle_stages/{i}", s) for i, s in enumerate(model.recycle_stages)),
    ]
    for at, stage in named:
        if stage not in stages:
            close = difflib.get_close_matches(stage, stages, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f" (stages: {', '.join(stages)})"
            ctx.error(at, f"undefined stage {stage!r}{hint}")
