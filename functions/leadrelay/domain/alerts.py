"""Alerts without floods: at most N alerts per rep per hour, one per lead per window, the rest in a digest.

Reps are told about an MQL assigned to them, a hot lead, an SLA reminder or a breach. A burst (a
webinar's attendee list scored at once) must not ring a phone forty times: :func:`throttle` takes the
alerts wanted now and what was already sent, and returns what to send one by one and, per rep, what to
fold into one digest. Pure: the sent log comes in, ``now`` is given.

Across invocations the budget is counted in DynamoDB (:class:`Grant`, the alert ledger's ``spend``):
per rep and clock hour (UTC), ``per_rep_per_hour`` single alerts; **the rest of the hour is held** and
folded into **one digest**, which the SLA monitor (every 15 minutes) sends once the hour is over
(:class:`HeldDigest`) — so a burst rings a phone N times and then once more, never forty times, and no
alert is lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from msgspec import Struct, field


class AlertKind(StrEnum):
    """Why a rep is alerted."""

    MQL_ASSIGNED = "mql_assigned"
    HOT_LEAD = "hot_lead"
    SLA_REMINDER = "sla_reminder"
    SLA_BREACH = "sla_breach"
    SLA_ESCALATION = "sla_escalation"


TITLES = {
    AlertKind.MQL_ASSIGNED: "新しい MQL が割り当てられました",
    AlertKind.HOT_LEAD: "ホットリード",
    AlertKind.SLA_REMINDER: "SLA リマインド: 初回対応の期限が近づいています",
    AlertKind.SLA_BREACH: "SLA 違反: 対応期限を過ぎました",
    AlertKind.SLA_ESCALATION: "SLA エスカレーション: 部下の MQL が未対応です",
}
"""The notification title per kind (the body is the alert's text)."""


class Grant(StrEnum):
    """What the rep's hourly budget allows one more alert (the alert ledger's ``spend``)."""

    SINGLE = "single"
    """Within ``per_rep_per_hour``: sent on its own, now."""
    HELD = "held"
    """The hour's singles are spent: held in the ledger for the hour's one digest."""


HELD_FOR_DIGEST = "held_for_digest"
"""The reason logged for an alert held for its rep's hourly digest."""


class HeldDigest(Struct, frozen=True):
    """The alerts held for one rep in one clock hour: sent as one digest once the hour is over."""

    rep_id: str
    hour: str
    """The clock hour (UTC) they were held in (:func:`budget_hour`)."""
    alerts: tuple[Alert, ...]


def budget_hour(at: datetime) -> str:
    """The clock hour (UTC) a rep's budget counts in: ``20261120T09``."""
    return at.astimezone(UTC).strftime("%Y%m%dT%H")


class NotificationError(RuntimeError):
    """Alerts could not be delivered (the channel is named in the message); ``failed`` names which
    (empty: none of them)."""

    def __init__(self, message: str, *, failed: tuple[Alert, ...] = ()) -> None:
        super().__init__(message)
        self.failed = failed


class Alert(Struct, frozen=True):
    """One alert a rep should get about one lead."""

    rep_id: str
    lead_id: str
    kind: AlertKind
    text: str


class Sent(Struct, frozen=True):
    """An alert already sent (from the log)."""

    rep_id: str
    lead_id: str
    kind: AlertKind
    at: datetime


class AlertPolicy(Struct, frozen=True):
    """The budget: ``per_rep_per_hour`` single alerts, then a digest; one alert per lead and kind per
    ``per_lead_window``."""

    per_rep_per_hour: int = 5
    per_lead_window: timedelta = timedelta(hours=24)


class Throttled(Struct, frozen=True):
    """What to send now: single alerts, one digest per rep (its alerts), and what was suppressed."""

    send: tuple[Alert, ...] = ()
    digests: dict[str, tuple[Alert, ...]] = field(default_factory=dict)
    suppressed: tuple[Alert, ...] = ()
    """Already alerted about this lead (and kind) within the window: nothing is sent."""
    held: tuple[Alert, ...] = ()
    """Past the rep's hourly budget: held for the hour's one digest (sent once the hour is over)."""


def throttle(wanted: Sequence[Alert], sent: Iterable[Sent], policy: AlertPolicy, now: datetime) -> Throttled:
    """Split ``wanted`` into alerts to send, per-rep digests and suppressed repeats (in ``wanted`` order)."""
    log = list(sent)
    hour_ago, window_start = now - timedelta(hours=1), now - policy.per_lead_window
    used = {
        rep: sum(1 for s in log if s.rep_id == rep and s.at > hour_ago) for rep in {a.rep_id for a in wanted}
    }
    recent = {(s.rep_id, s.lead_id, s.kind) for s in log if s.at > window_start}
    send: list[Alert] = []
    digests: dict[str, list[Alert]] = {}
    suppressed: list[Alert] = []
    for alert in wanted:
        key = (alert.rep_id, alert.lead_id, alert.kind)
        if key in recent:
            suppressed.append(alert)
            continue
        recent.add(key)
        if used[alert.rep_id] < policy.per_rep_per_hour:
            used[alert.rep_id] += 1
            send.append(alert)
        else:
            digests.setdefault(alert.rep_id, []).append(alert)
    return Throttled(tuple(send), {rep: tuple(alerts) for rep, alerts in digests.items()}, tuple(suppressed))


def digest(alerts: Sequence[Alert]) -> Alert:
    """One alert standing for several to the same rep (the budget's overflow), about the first's lead."""
    first = alerts[0]
    lines = "\n".join(alert.text for alert in alerts)
    return Alert(first.rep_id, first.lead_id, first.kind, f"{len(alerts)} 件の通知をまとめました\n{lines}")
