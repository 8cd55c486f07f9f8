"""SLA policies (``rules/sla.json``, kind ``sla``): chained timers per stage, and which actions are due.

A policy starts its clock when a lead enters a stage (``MQL``) and stops it when the lead is handled
(first contact made, or the stage left). Its timers run from the start in calendar hours, working hours
or business days (:mod:`leadrelay.domain.calendar`, in the owner's time zone) and each fires one action
once: ``remind`` the owner before the deadline, mark a ``breach``, ``escalate`` to the owner's manager.
The shipped policies are the seeds' example: first contact within 48 hours with a reminder at 40 and an
escalation at 72, an SQL decision within 5 business days.

:func:`due_actions` is pure: given a clock (when it started, whether it stopped, which actions were
already taken) and ``now``, the actions to take now, in timer order. The SLA monitor records what it
took, so running twice (or twice at once, with a conditional write) takes nothing twice.
"""

from collections.abc import Collection
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Annotated, Literal

from msgspec import Struct
from pydantic import Field, StringConstraints

from leadrelay.domain.calendar import BusinessCalendar, Span, Unit
from leadrelay.engine.diagnostics import CheckContext, pointer
from leadrelay.engine.file_models import RuleFile, Strict

FieldName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")]
"""A Salesforce field API name (``First_Call_Date__c``)."""


class Action(StrEnum):
    """What a timer does when it runs out."""

    REMIND = "remind"
    BREACH = "breach"
    ESCALATE = "escalate"


class Stop(StrEnum):
    """What stops a policy's clock."""

    FIRST_CONTACT = "first_contact"
    """A Task or Event logged on the lead by its owner (or the configured field set)."""
    STAGE_LEFT = "stage_left"
    """The lead left the policy's stage (an SQL or non-SQL decision)."""


class After(Strict):
    """How long after the clock starts: ``{"amount": 48, "unit": "calendar_hours"}``."""

    amount: float = Field(ge=0)
    unit: Unit

    def span(self) -> Span:
        """The domain's span."""
        return Span(self.amount, self.unit)


class Timer(Strict):
    """One timer of a policy and the action it takes once."""

    id: str = Field(min_length=1)
    after: After
    action: Action
    reassign: bool = False
    """``escalate`` only: give the lead to the owner's manager as well as alerting them."""
    description: str | None = None


class Policy(Strict):
    """A stage's SLA: its clock starts on entering ``stage`` and stops on ``stops_on``."""

    id: str = Field(min_length=1)
    description: str | None = None
    stage: str = Field(min_length=1)
    stops_on: Stop
    timers: list[Timer] = Field(min_length=1)


class SlaFile(RuleFile):
    """``rules/sla.json``."""

    kind: Literal["sla"]
    description: str | None = None
    policies: list[Policy] = Field(min_length=1)
    first_contact_fields: tuple[FieldName, ...] = Field(
        default=(),
        description=(
            "Lead date or date-time fields the org already fills when a rep first reaches the lead (a"
            " 初回架電日 field): a change of the Lead (CDC) that sets one is the first contact, as a"
            " completed Task or a logged Event is."
        ),
    )


class Clock(Struct, frozen=True):
    """One lead's clock for one policy."""

    started_at: datetime
    stopped: bool = False
    taken: Collection[str] = ()
    """Ids of the timers whose action was already taken."""


class DueAction(Struct, frozen=True):
    """An action to take now, and the deadline that made it due."""

    policy_id: str
    timer_id: str
    action: Action
    deadline: datetime


def first_response(policies: SlaFile | None, stage: str) -> tuple[Policy, Timer] | None:
    """The policy that waits for the owner's first contact on entering ``stage``, and its first breach
    timer: the deadline the routed owner's follow-up Task is due at."""
    for policy in policies.policies if policies else ():
        if policy.stage == stage and policy.stops_on is Stop.FIRST_CONTACT:
            breach = next((t for t in policy.timers if t.action is Action.BREACH), None)
            if breach is not None:
                return policy, breach
    return None


def deadlines(policy: Policy, started_at: datetime, calendar: BusinessCalendar, tz: tzinfo) -> list[datetime]:
    """When each of the policy's timers runs out for a clock started at ``started_at`` (timer order)."""
    return [calendar.deadline(started_at, timer.after.span(), tz) for timer in policy.timers]


def due_actions(
    policy: Policy, clock: Clock, now: datetime, calendar: BusinessCalendar, tz: tzinfo
) -> list[DueAction]:
    """The actions of ``policy`` due at ``now`` and not taken yet; none once the clock has stopped."""
    if clock.stopped:
        return []
    due = []
    for timer, deadline in zip(policy.timers, deadlines(policy, clock.started_at, calendar, tz), strict=True):
        if deadline <= now and timer.id not in clock.taken:
            due.append(DueAction(policy.id, timer.id, timer.action, deadline))
    return due


def check_sla_file(model: SlaFile, ctx: CheckContext) -> None:
    """Ids unique, timers in the order they run out, stages that the lifecycle defines (when known)."""
    lifecycle = ctx.documents.get("lifecycle")
    stages = {stage.name for stage in getattr(lifecycle, "stages", [])}
    seen: dict[str, str] = {}
    for index, policy in enumerate(model.policies):
        at = pointer("policies", index)
        _unique(policy.id, f"{at}/id", seen, ctx)
        if stages and policy.stage not in stages:
            known = ", ".join(sorted(stages))
            ctx.error(f"{at}/stage", f"undefined stage {policy.stage!r} (stages: {known})")
        for number, timer in enumerate(policy.timers):
            _unique(f"{policy.id}/{timer.id}", f"{at}/timers/{number}/id", seen, ctx)
            if timer.after.unit is Unit.BUSINESS_DAYS and not float(timer.after.amount).is_integer():
                ctx.error(f"{at}/timers/{number}/after/amount", "business days are whole days")
            if timer.reassign and timer.action is not Action.ESCALATE:
                ctx.error(f"{at}/timers/{number}/reassign", "only an escalate timer reassigns the lead")


def _unique(key: str, at: str, seen: dict[str, str], ctx: CheckContext) -> None:
    if key in seen:
        ctx.error(at, f"duplicate id {key.rsplit('/', 1)[-1]!r} (also {seen[key]})")
    seen.setdefault(key, at)
