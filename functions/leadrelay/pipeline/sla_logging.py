"""The SLA monitor's actions as decision-log entries: one per reminder, breach and escalation it takes.

Each entry names the lead, the policy and timer that ran out and its deadline on the business calendar
(in the owner's time zone), the SLA status the action wrote, the owner it found and the manager an
escalation gave the lead to, the alert and how it went, the fields written for the lead in the run, the
rule set's version and the run's time. The event key is the alert ledger's key of the action
(``sla:<lead>/<policy>/<timer>/<clock start>``), so an action logged twice — a run retried after its
log or its write failed — is one action to the readers (``leadrelay why`` keeps the first). Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from leadrelay.domain.decision_log import SLA_MONITOR_SOURCE, DecisionEntry, SlaReason, batch_id
from leadrelay.domain.decision_outputs import SlaOutput
from leadrelay.domain.sla import Action, DueAction
from leadrelay.domain.sla_watch import ClockPlan, OpenClock, alert_key

RUN_PREFIX = "sla-"
"""The SLA monitor's objects are ``sla-<digest>.jsonl`` beside the processor's batches."""


def sla_entries(
    plans: Sequence[ClockPlan],
    sla: SlaOutput,
    *,
    now: datetime,
    ruleset_version: str,
    notified: Mapping[str, str],
) -> list[DecisionEntry]:
    """One entry per action of ``plans`` (``notified``: alert ledger key → ``sent``, ``digest`` (held
    for the rep's hourly digest) or ``sent_before``)."""
    entries: list[DecisionEntry] = []
    for plan in plans:
        clock = plan.clock
        if clock is None:
            continue
        alerts = dict(plan.alerts)
        for action in plan.actions:
            key = alert_key(clock, action)
            alert = alerts.get(key)
            entries.append(
                DecisionEntry(
                    logged_at=now.astimezone(UTC),
                    event_key=f"sla:{key}",
                    event_source=SLA_MONITOR_SOURCE,
                    event_type=f"sla_{action.action.value}",
                    occurred_at=action.deadline,
                    sobject="Lead",
                    record_id=clock.lead_id,
                    ruleset_version=ruleset_version,
                    scores={},
                    stage=clock.stage,
                    previous_stage=clock.stage,
                    written=sorted(plan.fields),
                    sla=SlaReason(
                        policy_id=action.policy_id,
                        timer_id=action.timer_id,
                        action=action.action.value,
                        started_at=clock.started_at,
                        deadline=action.deadline,
                        time_zone=plan.time_zone,
                        status=_status(action, clock, sla, plan.actions),
                        owner_id=clock.owner_id,
                        new_owner_id=plan.fields.get("OwnerId") if action.action is Action.ESCALATE else None,
                        alert_to=alert.rep_id if alert else None,
                        alert_kind=alert.kind.value if alert else None,
                        notified=notified.get(key) if alert else None,
                    ),
                )
            )
    return entries


def run_id(entries: Iterable[DecisionEntry]) -> str:
    """The run's object name: the same actions make the same name (a retried run rewrites it)."""
    return RUN_PREFIX + batch_id(entry.event_key for entry in entries)


def _status(action: DueAction, clock: OpenClock, sla: SlaOutput, actions: Sequence[DueAction]) -> str | None:
    """The status ``action`` set, as :func:`~leadrelay.domain.sla_watch.plan_clock` decides it: a breach
    marks ``Breached`` unless the lead was escalated already, an escalation marks ``Escalated``."""
    if action.action is Action.ESCALATE:
        return sla.escalated_value
    if action.action is Action.BREACH and clock.status != sla.escalated_value:
        earlier = actions[: actions.index(action)]
        if not any(a.action is Action.ESCALATE for a in earlier):
            return sla.breached_value
    return None
