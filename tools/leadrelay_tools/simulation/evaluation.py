"""Two rule sets on the same person at the same ``now``: what each decides, and what made the difference.

Each person of an export is evaluated by the baseline and the proposed rule set without a trace (the
fast path); only a person whose stage, a score band or routing differs is evaluated again with the
trace, to name the rules that made the difference. Routing here picks the row and its target; the pools
choose their reps afterwards, in file order (:mod:`leadrelay_tools.simulation.owners`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadrelay.domain.routing import RoutingTable
from leadrelay.engine.decision import Decision
from leadrelay.engine.values import as_timestamp
from leadrelay.rulefiles.bundle import RuleBundle

from leadrelay_tools.export_format import ExportedPerson

MATCHED_ACCOUNT_OWNER = "LR_Matched_Account_Owner__c"


@dataclass(frozen=True, slots=True)
class Destination:
    """Where routing sends a lead entering the routed stage: a row and its target, before any pool's choice.

    ``kind`` is ``user``, ``queue``, ``account_owner``, ``pool`` or ``fallback``; ``name`` the user, queue,
    account owner, pool or fallback owner; ``fallback`` the owner when the target cannot take the lead.
    """

    row_id: str
    kind: str
    name: str
    fallback: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """One rule set's decision on one person."""

    stage: str
    scores: dict[str, int]
    destination: Destination | None
    """Set when the person enters the routed stage under this rule set."""


@dataclass(frozen=True, slots=True)
class PersonResult:
    """A person under both rule sets, and (when they differ) the rules that made the difference."""

    line: int
    id: str
    name: str
    owner: str | None
    before: Verdict
    after: Verdict
    differences: tuple[str, ...] = ()


def instants_read(activities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The activities with ``occurred_at`` read once into epoch seconds (both rule sets then read a
    number, not an ISO string twice); an unreadable instant is left as it is, for the rules to ignore."""
    for activity in activities:
        if type(activity) is dict:
            instant = as_timestamp(activity.get("occurred_at"))
            if instant is not None:
                activity["occurred_at"] = instant
    return activities


def band(score: int, width: int) -> int:
    """The lower bound of the band ``score`` falls in (bands of ``width`` points: 0–9, 10–19 …)."""
    return (score // width) * width


@dataclass(frozen=True)
class SideBySide:
    """The baseline and proposed rule sets, evaluating people at one instant."""

    baseline: RuleBundle
    proposed: RuleBundle
    now: datetime
    band_width: int = 10

    def person(self, person: ExportedPerson, line: int) -> PersonResult:
        """Both verdicts on ``person``; the differing rules when a stage, band or destination differs."""
        context = {"lead": person.record, "activities": instants_read(person.activities), "event": {}}
        first = self.baseline.rules.evaluate(context, now=self.now)
        second = self.proposed.rules.evaluate(context, now=self.now)
        before = _verdict(first, context, self.baseline.routing, self.now)
        after = _verdict(second, context, self.proposed.routing, self.now)
        differences: tuple[str, ...] = ()
        if self.differ(before, after):
            differences = rule_differences(
                self.baseline.rules.evaluate(context, now=self.now, trace=True),
                self.proposed.rules.evaluate(context, now=self.now, trace=True),
            )
        record = person.record
        name = " ".join(str(record[k]) for k in ("LastName", "FirstName") if record.get(k))
        owner = record.get("OwnerId")
        return PersonResult(
            line, person.id, name, None if owner is None else str(owner), before, after, differences
        )

    def differ(self, before: Verdict, after: Verdict) -> bool:
        """True when the stage, the destination or any score's band differs."""
        if before.stage != after.stage or before.destination != after.destination:
            return True
        names = before.scores.keys() | after.scores.keys()
        width = self.band_width
        return any(band(before.scores.get(n, 0), width) != band(after.scores.get(n, 0), width) for n in names)


def _verdict(
    decision: Decision, context: Mapping[str, Any], table: RoutingTable | None, now: datetime
) -> Verdict:
    destination = None
    if table is not None and any(move.to_stage == table.file.stage for move in decision.transitions):
        destination = destination_of(table, context["lead"], decision, now)
    return Verdict(decision.stage, dict(decision.scores), destination)


def destination_of(
    table: RoutingTable, lead: Mapping[str, Any], decision: Decision, now: datetime
) -> Destination:
    """The row the lead matches and its target (a pool is chosen from later)."""
    route = table.route({"lead": lead, "scores": dict(decision.scores)}, now)
    target = route.target
    if target is None:
        return Destination(route.row_id, "fallback", route.fallback, route.fallback)
    if target.pool is not None:
        return Destination(route.row_id, "pool", target.pool, route.fallback)
    if target.queue is not None:
        return Destination(route.row_id, "queue", target.queue, route.fallback)
    if target.user is not None:
        return Destination(route.row_id, "user", target.user, route.fallback)
    owner = lead.get(MATCHED_ACCOUNT_OWNER)
    if not owner:
        return Destination(route.row_id, "fallback", route.fallback, route.fallback)
    return Destination(route.row_id, "account_owner", str(owner), route.fallback)


def rule_differences(before: Decision, after: Decision) -> tuple[str, ...]:
    """The transitions taken by one rule set only, then each scoring rule whose points differ."""
    taken = {t.rule_id: t for t in before.transitions}
    then = {t.rule_id: t for t in after.transitions}
    found = [
        f"{rule} {'now' if rule in then else 'no longer'} moves {move.from_stage} → {move.to_stage}"
        for rule, move in {**taken, **then}.items()
        if (rule in taken) != (rule in then)
    ]
    points = _points(before)
    proposed = _points(after)
    for rule in dict.fromkeys([*points, *proposed]):
        old, new = points.get(rule, 0.0), proposed.get(rule, 0.0)
        if round(old, 1) != round(new, 1):
            found.append(f"{rule} {old:+.1f} → {new:+.1f}")
    return tuple(found)


def _points(decision: Decision) -> dict[str, float]:
    points: dict[str, float] = {}
    for hit in decision.trace or ():
        points[hit.rule_id] = points.get(hit.rule_id, 0.0) + hit.points
    return points
