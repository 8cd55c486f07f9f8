"""The SLA monitor's run: find the open clocks, act on the timers that ran out, write and alert once.

Every 15 minutes (EventBridge Scheduler → ``handlers/sla_monitor.py``):

1. **Read**: one SOQL query per stage that has policies (the shipped two MQL policies share one) —
   Leads in the stage, clock started early enough for a timer to have run out, status not closed —
   and one read of their owners (``User``: time zone, manager). Pages are followed inside the query.
2. **Plan** each clock (:func:`leadrelay.domain.sla_watch.plan_clock`, pure, given ``now``).
3. **Alert**: each alert is claimed in the alert ledger first (a DynamoDB conditional put on
   ``lead/policy/timer/clock start``); only the run that claims it sends it, so two runs — one after
   the other or at once — never send one twice. The rep's hourly budget, shared with the processor
   (:mod:`leadrelay.pipeline.alert_budget`), holds alerts past ``per_rep_per_hour`` for the hour's one
   digest, which a run sends once the hour is over (the processor's held alerts too). When delivery
   fails, the claims are given back and those leads are not written: the next run tries them again.
4. **Log** each action taken — its policy, timer and deadline, the status and owner it leaves, the alert
   and how it went — to the decision log (:mod:`leadrelay.pipeline.sla_logging`), one object per run,
   before the write: a run whose log fails raises before writing, so the next run takes the actions
   again (alerts already claimed are not sent twice) and logs them; none goes unlogged.
5. **Write** the status, breach time, actions taken (and the manager as owner when an escalation
   reassigns) in sObject Collections: one request per 200 changed leads.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from itertools import groupby

from msgspec import Struct, field

from leadrelay.domain.alerts import Alert, AlertPolicy, NotificationError
from leadrelay.domain.calendar import BusinessCalendar, Unit
from leadrelay.domain.decision_outputs import SlaOutput
from leadrelay.domain.owners import TOKYO, USER_FIELDS, UserInfo, user_infos, zone_info
from leadrelay.domain.queries import Filter
from leadrelay.domain.sla import Policy
from leadrelay.domain.sla_watch import (
    LEAD_FIELDS,
    ClockPlan,
    OpenClock,
    clock_fields,
    open_clock,
    plan_clock,
)
from leadrelay.domain.writes import WriteKind, WriteOp, WriteResult
from leadrelay.pipeline.alert_budget import send_held_digests, spend_budget
from leadrelay.pipeline.sla_logging import run_id, sla_entries
from leadrelay.ports import AlertLedger, DecisionLog, Notifier, SalesforceGateway

logger = logging.getLogger(__name__)


class MonitorReport(Struct, frozen=True):
    """What one run did (logged and published as metrics by the handler)."""

    open_clocks: int = 0
    actions: Mapping[str, int] = field(default_factory=dict)
    """Actions taken by kind (``remind``, ``breach``, ``escalate``)."""
    alerts_sent: int = 0
    alerts_digested: int = 0
    """Past the rep's hourly budget: held for the hour's one digest (``held_for_digest``, logged)."""
    alerts_already_sent: int = 0
    digests_sent: int = 0
    """Hourly digests of the hours that are over, sent by this run (the processor's held alerts too)."""
    leads_written: int = 0
    write_failures: int = 0
    delivery_failed: int = 0
    """Leads left for the next run because their alerts could not be delivered."""
    decisions_logged: int = 0
    """Actions appended to the decision log."""


class SlaMonitor(Struct):
    """The monitor over the ports: the org, the alert ledger and the notifier."""

    policies: Sequence[Policy]
    sla: SlaOutput
    stage_field: str
    calendar: BusinessCalendar
    gateway: SalesforceGateway
    ledger: AlertLedger
    notifier: Notifier
    alert_policy: AlertPolicy = field(default_factory=AlertPolicy)
    decision_log: DecisionLog | None = None
    """Where the actions are logged (``None``: not logged)."""
    ruleset_version: str = ""
    """The deployed rule set's version, on every entry."""

    def run(self, now: datetime, *, time_left: Callable[[], float] | None = None) -> MonitorReport:
        """One pass over every open clock at ``now``; raises ``SalesforceCallError`` when a read fails and
        ``DecisionLogError`` when the log cannot keep the run's actions (before anything is written)."""
        records = [
            record
            for stage, policies in _by_stage(self.policies)
            for record in self._open(stage, policies, now, time_left)
        ]
        clocks = [c for c in (open_clock(r, self.sla, self.stage_field) for r in records) if c is not None]
        owners = sorted({clock.owner_id for clock in clocks if clock.owner_id.startswith("005")})
        users = user_infos(self.gateway.read("User", owners, USER_FIELDS, time_left=time_left), ())
        plans = [plan for clock in clocks if (plan := self._plan(clock, users, now)) is not None]
        plans, alerted, notified = self._alert(plans, now)
        digests = send_held_digests(self.ledger, self.notifier, now)
        logged = self._log(plans, now, notified)
        results = self._write(plans)
        failed = sum(1 for result in results if not result.success)
        actions = Counter(action.action.value for plan in plans for action in plan.actions)
        return MonitorReport(
            open_clocks=len(clocks),
            actions=dict(actions),
            leads_written=len(results) - failed,
            write_failures=failed,
            decisions_logged=logged,
            digests_sent=digests,
            **alerted,
        )

    def _open(
        self, stage: str, policies: Sequence[Policy], now: datetime, time_left: Callable[[], float] | None
    ) -> list[dict[str, object]]:
        """One query: the stage's leads whose clock started before the earliest a timer can run out."""
        started, actions = clock_fields(self.sla)
        fields = [*LEAD_FIELDS, self.stage_field, self.sla.status, started, actions]
        fields += [name for name in (self.sla.breached_at, self.sla.first_contact_at) if name]
        where = [
            Filter(self.stage_field, "=", stage),
            Filter(started, "<=", now - _earliest(policies)),
            Filter(self.sla.status, "NOT IN", (self.sla.closed_value,)),
        ]
        return self.gateway.select("Lead", fields, where, time_left=time_left)

    def _plan(self, clock: OpenClock, users: Mapping[str, UserInfo], now: datetime) -> ClockPlan | None:
        owner = users.get(clock.owner_id)
        return plan_clock(
            clock,
            self.policies,
            self.sla,
            now=now,
            calendar=self.calendar,
            tz=zone_info(owner.time_zone if owner else TOKYO),
            manager_id=owner.manager_id if owner else None,
        )

    def _alert(
        self, plans: list[ClockPlan], now: datetime
    ) -> tuple[list[ClockPlan], dict[str, int], dict[str, str]]:
        """Claim, throttle and send; plans whose alerts could not be delivered are dropped (next run).
        Also returns how each alert went, by ledger key (``sent``, ``digest`` — held for the rep's hourly
        digest —, ``sent_before``)."""
        claimed: list[tuple[str, Alert]] = []
        notified: dict[str, str] = {}
        repeats = 0
        for plan in plans:
            for key, alert in plan.alerts:
                if self.ledger.claim(key, at=now):
                    claimed.append((key, alert))
                else:
                    repeats += 1
                    notified[key] = "sent_before"
        budget = spend_budget([alert for _, alert in claimed], self.ledger, self.alert_policy, now)
        held = set(budget.held)
        notified |= {key: "digest" if alert in held else "sent" for key, alert in claimed}
        try:
            self.notifier.notify(list(budget.send))
        except NotificationError as error:
            logger.warning("alerts not delivered: %s", error)
            failed = set(error.failed or budget.send)
            for key, alert in claimed:
                if alert in failed:
                    self.ledger.release(key)
            undelivered = {alert.lead_id for alert in failed}
            kept = [plan for plan in plans if plan.lead_id not in undelivered]
            counts = {
                "alerts_sent": sum(1 for alert in budget.send if alert not in failed),
                "alerts_digested": len(budget.held),
                "alerts_already_sent": repeats,
                "delivery_failed": len(plans) - len(kept),
            }
            return kept, counts, notified
        counts = {
            "alerts_sent": len(budget.send),
            "alerts_digested": len(budget.held),
            "alerts_already_sent": repeats,
        }
        return plans, counts, notified

    def _log(self, plans: Sequence[ClockPlan], now: datetime, notified: Mapping[str, str]) -> int:
        """The run's actions as one object of the decision log; raises ``DecisionLogError``."""
        if self.decision_log is None:
            return 0
        version = self.ruleset_version
        entries = sla_entries(plans, self.sla, now=now, ruleset_version=version, notified=notified)
        if entries:
            self.decision_log.append(entries, batch=run_id(entries))
        return len(entries)

    def _write(self, plans: Sequence[ClockPlan]) -> list[WriteResult]:
        ops = [
            WriteOp(
                ref=p.lead_id, sobject="Lead", kind=WriteKind.UPDATE, fields=p.fields, record_id=p.lead_id
            )
            for p in plans
        ]
        return self.gateway.write(ops) if ops else []


def _by_stage(policies: Sequence[Policy]) -> list[tuple[str, list[Policy]]]:
    ordered = sorted(policies, key=lambda policy: policy.stage)
    return [(stage, list(group)) for stage, group in groupby(ordered, key=lambda policy: policy.stage)]


def _earliest(policies: Sequence[Policy]) -> timedelta:
    """A lower bound of the time before any timer of ``policies`` can run out (the query's cut-off):
    calendar and working hours at least their amount, N business days at least N - 1 whole days."""
    bounds = []
    for policy in policies:
        for timer in policy.timers:
            amount = timer.after.amount
            days = max(amount - 1, 0) if timer.after.unit is Unit.BUSINESS_DAYS else None
            bounds.append(timedelta(days=days) if days is not None else timedelta(hours=amount))
    return min(bounds, default=timedelta(0))
