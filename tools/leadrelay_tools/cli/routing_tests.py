"""Routing and SLA test cases in `leadrelay rules test` (``rules/tests/*.json``, ``kind: routing_tests``).

Run when the rules directory has a ``routing.json``: each case is routed by the route step's own owner
resolution (``pipeline.routing_step.resolve_owner``: the first matching row, a pool's next available
rep, the fallbacks) over the case's reps (active, time zone, OutOfOffice, the day's counts in the
pools' state, kept in memory), and its SLA deadlines are counted from ``now`` on the routing calendar
in the owner's time zone. PASS/FAIL per case with the differences and what happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from leadrelay.domain.owners import Routed, UserInfo, zone_info
from leadrelay.domain.pools import Absence, PoolState
from leadrelay.domain.routing import RoutingTable
from leadrelay.domain.sla import SlaFile, deadlines
from leadrelay.engine.diagnostics import RuleSetError, pointer
from leadrelay.pipeline.routing_step import resolve_owner
from leadrelay.rulefiles.bundle import load_rule_bundle
from leadrelay.rulefiles.kinds import RULE_FILE_KINDS
from leadrelay.rulefiles.reading import read_models
from leadrelay.rulefiles.routingcases import RoutingTestCase, RoutingTestFile, local_day

from leadrelay_tools.cli.case_reports import CaseReport
from leadrelay_tools.cli.output import print_case_results

ROUTING_FILE = "routing.json"


@dataclass(frozen=True)
class RoutingCaseResult:
    """One case: where the lead went, its deadlines, and what differs from the expectation."""

    file: str
    index: int
    name: str
    routed: Routed
    due: dict[str, datetime]
    differences: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """True when every expectation was met."""
        return not self.differences

    def describe(self) -> str:
        """One line: the routing reason and the deadlines checked."""
        due = ", ".join(f"{key} {moment.isoformat()}" for key, moment in self.due.items())
        return self.routed.reason() + (f"; {due}" if due else "")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``leadrelay rules test --json``)."""
        return {
            "file": self.file,
            "pointer": pointer("cases", self.index),
            "name": self.name,
            "passed": self.passed,
            "differences": list(self.differences),
            "actual": self.describe(),
        }


RoutingTestReport = CaseReport[RoutingCaseResult]
"""The routing cases' results and the problems that stopped them."""


def run_routing_tests(directory: Path, *, name_filter: str | None = None) -> RoutingTestReport:
    """Run the routing cases in ``directory/tests`` (none when the rules route no leads)."""
    report = RoutingTestReport()
    if not (directory / ROUTING_FILE).is_file():
        return report
    others = frozenset(RULE_FILE_KINDS) - {"routing_tests"}
    files, problems = read_models(directory / "tests", RoutingTestFile, skip_kinds=others)
    report.problems.extend(problems)
    try:
        bundle = load_rule_bundle(directory)
    except RuleSetError as error:
        report.problems.extend(error.diagnostics)
        return report
    if bundle.routing is None:
        return report
    for file, document in files:
        for index, case in enumerate(document.cases):
            if name_filter and name_filter.casefold() not in case.name.casefold():
                continue
            report.results.append(_run(bundle.routing, bundle.sla, file, index, case))
    return report


def _run(
    table: RoutingTable, sla: SlaFile | None, file: str, index: int, case: RoutingTestCase
) -> RoutingCaseResult:
    from leadrelay.adapters.pool_states import InMemoryPoolStates  # botocore: only when cases run

    users = _users(table, case)
    states = InMemoryPoolStates()
    for pool in table.file.pools:
        daily = {
            u: (local_day(case.now, zone_info(users[u].time_zone)), f.new_today) for u, f in case.reps.items()
        }
        states.save(pool, PoolState(1, {}, daily, {user: facts.open for user, facts in case.reps.items()}))
    lead = dict(case.lead)
    route = table.route({"lead": lead, "scores": dict(case.scores)}, case.now)
    routed = resolve_owner(table, states, route, lead, case.now, users)
    owner = users.get(routed.owner_id)
    zone = zone_info(owner.time_zone if owner else "Asia/Tokyo")
    due: dict[str, datetime] = {}
    for policy in sla.policies if sla else []:
        for timer, moment in zip(
            policy.timers, deadlines(policy, case.now, table.calendar, zone), strict=True
        ):
            if f"{policy.id}/{timer.id}" in case.expect.deadlines:
                due[f"{policy.id}/{timer.id}"] = moment
    return RoutingCaseResult(file, index, case.name, routed, due, tuple(_differences(case, routed, due)))


def _users(table: RoutingTable, case: RoutingTestCase) -> dict[str, UserInfo]:
    users = {}
    for user_id in dict.fromkeys([*table.user_ids(), *case.reps]):
        facts = case.reps.get(user_id)
        absences = tuple(Absence(a.start, a.end) for a in facts.away) if facts else ()
        info = UserInfo(
            user_id,
            facts.active if facts else True,
            facts.time_zone if facts else "Asia/Tokyo",
            None,
            absences,
        )
        users[user_id] = users[user_id[:15]] = info
    return users


def _differences(case: RoutingTestCase, routed: Routed, due: dict[str, datetime]) -> list[str]:
    expect, found = case.expect, []
    if expect.owner is not None and routed.owner_id != expect.owner:
        found.append(f"owner  expected {expect.owner}  got {routed.owner_id}")
    if expect.row is not None and routed.row_id != expect.row:
        found.append(f"row  expected {expect.row}  got {routed.row_id}")
    skipped = {skip.user_id: skip.reason for skip in routed.skipped}
    if expect.skipped is not None and skipped != expect.skipped:
        actual = ", ".join(f"{u} {r.value}" for u, r in skipped.items()) or "nobody"
        wanted = ", ".join(f"{u} {r.value}" for u, r in expect.skipped.items()) or "nobody"
        found.append(f"skipped  expected {wanted}  got {actual}")
    for key, moment in expect.deadlines.items():
        if due.get(key) != moment:
            got = due[key].isoformat() if key in due else "(no such timer)"
            found.append(f"deadlines.{key}  expected {moment.isoformat()}  got {got}")
    return found


def print_routing_report(report: RoutingTestReport) -> None:
    """PASS/FAIL per routing case, the differences and what happened under a failure, then a summary."""
    print_case_results(report.problems, report.results, lambda r: r.differences, lambda r: r.describe())
    if report.results or report.problems:
        failed = sum(1 for result in report.results if not result.passed)
        print(f"routing cases: {len(report.results) - failed} passed, {failed} failed")
