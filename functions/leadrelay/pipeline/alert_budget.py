"""Spending each rep's alert budget, shared by every invocation (the processor's and the SLA monitor's).

For each alert wanted now, in order: a repeat of one already in this list (same rep, lead and kind) is
suppressed; otherwise the ledger's ``spend`` (a conditional update in DynamoDB) grants a single, the
hour's digest, or nothing. Once a rep's singles are refused, the rest of that rep's alerts in this
invocation follow the same answer without asking again: all into the digest this invocation holds, or
all dropped with the reason ``budget_spent`` in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from leadrelay.domain.alerts import (
    BUDGET_SPENT,
    Alert,
    AlertPolicy,
    Grant,
    NotificationError,
    Throttled,
    digest,
)
from leadrelay.ports import AlertLedger, Notifier

logger = logging.getLogger(__name__)


def spend_budget(
    wanted: Sequence[Alert], ledger: AlertLedger, policy: AlertPolicy, now: datetime
) -> Throttled:
    """Split ``wanted`` into singles to send, one digest per rep, repeats and alerts dropped."""
    send: list[Alert] = []
    digests: dict[str, list[Alert]] = {}
    suppressed: list[Alert] = []
    dropped: list[Alert] = []
    overflow: dict[str, Grant] = {}
    seen: set[tuple[str, str, str]] = set()
    for alert in wanted:
        key = (alert.rep_id, alert.lead_id, alert.kind.value)
        if key in seen:
            suppressed.append(alert)
            continue
        seen.add(key)
        grant = overflow.get(alert.rep_id) or ledger.spend(
            alert.rep_id, at=now, limit=policy.per_rep_per_hour
        )
        if grant is Grant.SINGLE:
            send.append(alert)
            continue
        overflow[alert.rep_id] = grant
        if grant is Grant.DIGEST:
            digests.setdefault(alert.rep_id, []).append(alert)
        else:
            dropped.append(alert)
            logger.info(
                "alert dropped: the rep's hourly alerts and digest are spent",
                extra={
                    "reason": BUDGET_SPENT,
                    "rep_id": alert.rep_id,
                    "lead_id": alert.lead_id,
                    "kind": alert.kind.value,
                    "per_rep_per_hour": policy.per_rep_per_hour,
                },
            )
    return Throttled(
        tuple(send),
        {rep: tuple(alerts) for rep, alerts in digests.items()},
        tuple(suppressed),
        tuple(dropped),
    )


def send_claimed(
    claimed: Sequence[tuple[str, Alert]],
    ledger: AlertLedger,
    notifier: Notifier,
    policy: AlertPolicy,
    now: datetime,
) -> Throttled:
    """Send the alerts whose ledger claims were taken, within the budget (the processor's alert steps).
    An alert is a courtesy beside the write: a delivery failure is logged and the claims of the reps it
    failed for are given back (the next event may alert again), never failing the events."""
    if not claimed:
        return Throttled()
    budget = spend_budget([alert for _, alert in claimed], ledger, policy, now)
    try:
        notifier.notify([*budget.send, *(digest(alerts) for alerts in budget.digests.values())])
    except NotificationError as error:
        logger.warning("alerts not delivered: %s", error)
        failed = {alert.rep_id for alert in error.failed or [a for _, a in claimed]}
        for claim, alert in claimed:
            if alert.rep_id in failed:
                ledger.release(claim)
    return budget
