"""Spending each rep's alert budget, shared by every invocation (the processor's and the SLA monitor's).

For each alert wanted now, in order: a repeat of one already in this list (same rep, lead and kind) is
suppressed; otherwise the ledger's ``spend`` (a conditional update in DynamoDB) grants a single or holds
the alert for the rep's hourly digest (logged with the reason ``held_for_digest``). The SLA monitor
sends each hour's digests once the hour is over (:func:`send_held_digests`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from leadrelay.domain.alerts import (
    HELD_FOR_DIGEST,
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
    """Split ``wanted`` into singles to send now, repeats, and alerts held for their rep's digest."""
    send: list[Alert] = []
    suppressed: list[Alert] = []
    held: list[Alert] = []
    seen: set[tuple[str, str, str]] = set()
    for alert in wanted:
        key = (alert.rep_id, alert.lead_id, alert.kind.value)
        if key in seen:
            suppressed.append(alert)
            continue
        seen.add(key)
        if ledger.spend(alert, at=now, limit=policy.per_rep_per_hour) is Grant.SINGLE:
            send.append(alert)
            continue
        held.append(alert)
        logger.info(
            "alert held for the rep's hourly digest",
            extra={
                "reason": HELD_FOR_DIGEST,
                "rep_id": alert.rep_id,
                "lead_id": alert.lead_id,
                "kind": alert.kind.value,
                "per_rep_per_hour": policy.per_rep_per_hour,
            },
        )
    return Throttled(send=tuple(send), suppressed=tuple(suppressed), held=tuple(held))


def send_held_digests(ledger: AlertLedger, notifier: Notifier, now: datetime) -> int:
    """Send the digests of the hours that are over (each taken once); how many were sent. A digest that
    cannot be delivered is given back for the next run."""
    digests = ledger.take_digests(now=now)
    if not digests:
        return 0
    try:
        notifier.notify([digest(held.alerts) for held in digests])
    except NotificationError as error:
        logger.warning("hourly digests not delivered: %s", error)
        failed = {alert.rep_id for alert in error.failed} or {held.rep_id for held in digests}
        for held in digests:
            if held.rep_id in failed:
                ledger.restore_digest(held)
        return len(digests) - sum(1 for held in digests if held.rep_id in failed)
    return len(digests)


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
        notifier.notify(list(budget.send))
    except NotificationError as error:
        logger.warning("alerts not delivered: %s", error)
        failed = {alert.rep_id for alert in error.failed or [a for _, a in claimed]}
        for claim, alert in claimed:
            if alert.rep_id in failed:
                ledger.release(claim)
    return budget
