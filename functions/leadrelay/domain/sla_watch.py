"""What the SLA monitor does to one open lead now: the timers due, the fields to write, the alerts to send.

The monitor reads every open clock (a routed lead still in the policy's stage whose SLA is not closed)
and asks :func:`plan_clock`, given ``now``, the owner's time zone and manager: which of the policies'
timers ran out and were not acted on yet (``LR_SLA_Actions__c`` lists those that were), and so

- ``remind``: the owner is alerted (not when a breach or escalation of the same policy is due in the
  same run: the later alert says more);
- ``breach``: the status becomes ``Breached`` (unless already escalated) and the breach time is the
  timer's deadline — not the time the monitor noticed, so two runs write the same value;
- ``escalate``: the status becomes ``Escalated`` and the owner's manager is alerted; with
  ``reassign`` the lead goes to the manager too.

Every action taken is added to the actions field in the same write, so the next run finds nothing due:
running twice takes nothing twice. Pure: ``now`` and the owner come in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any

from msgspec import Struct, field

from leadrelay.domain.alerts import Alert, AlertKind
from leadrelay.domain.calendar import BusinessCalendar
from leadrelay.domain.decision_outputs import SlaOutput
from leadrelay.domain.owners import TOKYO
from leadrelay.domain.sfvalues import salesforce_value
from leadrelay.domain.sla import Action, Clock, DueAction, Policy, Stop, Timer, due_actions
from leadrelay.engine.values import as_timestamp

ACTIONS_LENGTH = 255
"""The actions field holds 255 characters (Text(255))."""
LEAD_FIELDS = ("OwnerId", "LastName", "FirstName", "Company")
"""What the monitor reads of a lead besides its SLA fields (the owner, and a name for the alert)."""


class SlaFieldsError(ValueError):
    """``ownership.json`` maps no field the monitor needs (named)."""


def clock_fields(sla: SlaOutput) -> tuple[str, str]:
    """The started-at and actions fields, which the monitor cannot run without."""
    if sla.started_at is None or sla.actions is None:
        raise SlaFieldsError(
            "rules/ownership.json: outputs.sla needs started_at and actions for the SLA monitor "
            "(LR_SLA_Started_At__c, LR_SLA_Actions__c)"
        )
    return sla.started_at, sla.actions


class OpenClock(Struct, frozen=True):
    """One lead's SLA clock as the monitor reads it."""

    lead_id: str
    owner_id: str
    stage: str
    started_at: datetime
    status: str | None
    taken: frozenset[str] = frozenset()
    """``policy/timer`` keys already acted on."""
    contacted: bool = False
    """First contact made (the first-contact policy's clock has stopped)."""
    breached: bool = False
    name: str = ""


def open_clock(record: Mapping[str, Any], sla: SlaOutput, stage_field: str) -> OpenClock | None:
    """The clock of a queried lead, or ``None`` when it has no start time."""
    started_field, actions_field = clock_fields(sla)
    started = as_timestamp(record.get(started_field))
    if started is None:
        return None
    contacted = record.get(sla.status) == sla.met_value or bool(
        sla.first_contact_at and record.get(sla.first_contact_at)
    )
    name = " ".join(str(record[part]) for part in ("LastName", "FirstName") if record.get(part))
    company = record.get("Company")
    return OpenClock(
        lead_id=str(record["Id"]),
        owner_id=str(record.get("OwnerId") or ""),
        stage=str(record.get(stage_field) or ""),
        started_at=datetime.fromtimestamp(started, UTC),
        status=record.get(sla.status),
        taken=frozenset(str(record.get(actions_field) or "").split()),
        contacted=contacted,
        breached=bool(sla.breached_at and record.get(sla.breached_at)),
        name=f"{name} ({company})" if company else name,
    )


def taken_key(action: DueAction) -> str:
    """``sla.first_contact/remind``: how an action is listed in the actions field."""
    return f"{action.policy_id}/{action.timer_id}"


class ClockPlan(Struct, frozen=True):
    """What to do for one lead: its field changes, the alerts to send, the actions taken."""

    lead_id: str
    fields: dict[str, Any]
    alerts: tuple[tuple[str, Alert], ...] = ()
    """``(ledger key, alert)``: the key makes an alert once only (per lead, timer and clock start)."""
    actions: tuple[DueAction, ...] = field(default_factory=tuple)
    clock: OpenClock | None = None
    """The clock the plan is for (its start, owner and stage: the decision log's reasons)."""
    time_zone: str = TOKYO
    """The owner's time zone the deadlines were counted in."""


def alert_key(clock: OpenClock, action: DueAction) -> str:
    """``<lead>/<policy>/<timer>/<clock start>``: the alert ledger's key of ``action`` on ``clock`` (an
    action is alerted once per clock start), and the decision log's event key of it."""
    return f"{clock.lead_id}/{taken_key(action)}/{clock.started_at:%Y%m%dT%H%M%SZ}"


def plan_clock(
    clock: OpenClock,
    policies: Sequence[Policy],
    sla: SlaOutput,
    *,
    now: datetime,
    calendar: BusinessCalendar,
    tz: tzinfo,
    manager_id: str | None,
) -> ClockPlan | None:
    """The plan for ``clock`` at ``now``; ``None`` when nothing is due."""
    due: list[tuple[DueAction, Timer]] = []
    for policy in policies:
        if policy.stage != clock.stage:
            continue  # the stage was left: a stage_left clock has stopped
        stopped = policy.stops_on is Stop.FIRST_CONTACT and clock.contacted
        taken = {key.split("/", 1)[1] for key in clock.taken if key.startswith(f"{policy.id}/")}
        timers = {timer.id: timer for timer in policy.timers}
        actions = due_actions(policy, Clock(clock.started_at, stopped, taken), now, calendar, tz)
        due.extend((action, timers[action.timer_id]) for action in actions)
    if not due:
        return None
    _, actions_field = clock_fields(sla)
    keys = sorted(clock.taken | {taken_key(action) for action, _ in due})
    fields: dict[str, Any] = {actions_field: _joined(keys)}
    alerts: list[tuple[str, Alert]] = []
    escalated = clock.status == sla.escalated_value
    for action, timer in due:
        later = any(a.policy_id == action.policy_id and a.action is not Action.REMIND for a, _ in due)
        key = alert_key(clock, action)
        text = f"{clock.name}: {action.policy_id} 期限 {action.deadline.astimezone(tz):%Y-%m-%d %H:%M}"
        if action.action is Action.REMIND and not later and clock.owner_id.startswith("005"):
            alerts.append((key, Alert(clock.owner_id, clock.lead_id, AlertKind.SLA_REMINDER, text)))
        elif action.action is Action.BREACH:
            if not escalated:
                fields[sla.status] = sla.breached_value
            if sla.breached_at and not clock.breached:
                fields.setdefault(sla.breached_at, salesforce_value(action.deadline))
            if clock.owner_id.startswith("005"):
                alerts.append((key, Alert(clock.owner_id, clock.lead_id, AlertKind.SLA_BREACH, text)))
        elif action.action is Action.ESCALATE:
            escalated = True
            fields[sla.status] = sla.escalated_value
            if manager_id:
                alerts.append((key, Alert(manager_id, clock.lead_id, AlertKind.SLA_ESCALATION, text)))
                if timer.reassign:
                    fields["OwnerId"] = manager_id
    return ClockPlan(
        clock.lead_id,
        fields,
        tuple(alerts),
        tuple(action for action, _ in due),
        clock=clock,
        time_zone=str(tz),
    )


def _joined(keys: Sequence[str]) -> str:
    """The keys space-separated; the oldest dropped when over the field's length (never expected)."""
    text = " ".join(keys)
    while len(text) > ACTIONS_LENGTH and keys:
        keys = keys[1:]
        text = " ".join(keys)
    return text
