"""Routing and SLA test cases (``rules/tests/*.json``, ``kind: routing_tests``).

A case is a lead entering MQL at ``now`` (its fields and scores), what Salesforce knows of the reps
(active, time zone, OutOfOffice spans) and of the pools' day so far (each rep's new and open MQLs),
and what should happen: the owner, the row, each rep skipped and why, and the SLA deadlines counted
from ``now`` in the owner's time zone (``sla.first_contact/breach``: when the 48 hours run out). The
CLI runs them through the route step's own owner resolution (``leadrelay rules test``).
"""

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, Field

from leadrelay.domain.pools import SkipReason
from leadrelay.domain.routing import RoutingFile
from leadrelay.domain.sla import SlaFile
from leadrelay.engine.diagnostics import CheckContext, pointer
from leadrelay.engine.file_models import RuleFile, Strict


class Absence(Strict):
    """An OutOfOffice record: away from ``start`` until ``end``."""

    start: AwareDatetime
    end: AwareDatetime


class RepFacts(Strict):
    """What Salesforce and the pools' state say about one rep at ``now`` (unlisted reps: active, Tokyo)."""

    active: bool = True
    time_zone: str = "Asia/Tokyo"
    away: list[Absence] = Field(default_factory=list)
    new_today: int = Field(default=0, ge=0, description="New MQLs already given to the rep today.")
    open: int = Field(default=0, ge=0, description="Open MQLs the rep holds.")


class RoutingExpectation(Strict):
    """The expected routing; only the given keys are checked."""

    owner: str | None = None
    row: str | None = None
    skipped: dict[str, SkipReason] | None = Field(
        default=None, description="Each rep skipped and why (away, daily_cap, open_cap …); {} for none."
    )
    deadlines: dict[str, AwareDatetime] = Field(
        default_factory=dict, description="`policy/timer` → when it runs out (e.g. sla.first_contact/breach)."
    )


class RoutingTestCase(Strict):
    """A lead entering MQL at ``now``, the reps' situation, and the expected owner and deadlines."""

    name: str = Field(min_length=1)
    description: str | None = None
    now: AwareDatetime
    lead: dict[str, Any] = Field(default_factory=dict)
    scores: dict[str, float] = Field(default_factory=dict)
    reps: dict[str, RepFacts] = Field(default_factory=dict)
    expect: RoutingExpectation


class RoutingTestFile(RuleFile):
    """``rules/tests/*.json`` of kind ``routing_tests``: cases for ``routing.json`` and ``sla.json``."""

    kind: Literal["routing_tests"]
    description: str | None = None
    cases: list[RoutingTestCase] = Field(min_length=1)


def check_routing_tests(document: RoutingTestFile, ctx: CheckContext) -> None:
    """Unique case names; rows and SLA timers the rule set defines (when those files are known)."""
    routing, sla = ctx.documents.get("routing"), ctx.documents.get("sla")
    rows = {row.id for row in routing.rows} if isinstance(routing, RoutingFile) else None
    timers = {f"{p.id}/{t.id}" for p in sla.policies for t in p.timers} if isinstance(sla, SlaFile) else None
    seen: set[str] = set()
    for index, case in enumerate(document.cases):
        at = pointer("cases", index)
        if case.name in seen:
            ctx.error(f"{at}/name", f"duplicate case name {case.name!r}")
        seen.add(case.name)
        if rows is not None and case.expect.row is not None and case.expect.row not in rows:
            ctx.error(
                f"{at}/expect/row", f"unknown row {case.expect.row!r} (rows: {', '.join(sorted(rows))})"
            )
        for key in case.expect.deadlines:
            if timers is not None and key not in timers:
                known = ", ".join(sorted(timers))
                ctx.error(
                    pointer("cases", index, "expect", "deadlines", key), f"unknown timer {key!r} ({known})"
                )


def local_day(moment: datetime, time_zone: Any) -> str:
    """The rep's local calendar day of ``moment`` (the pools count new MQLs per local day)."""
    return moment.astimezone(time_zone).date().isoformat()
