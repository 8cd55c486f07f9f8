"""The MQL-assigned alert: after the write, each rep who was given a lead in this batch is told once.

For every lead the route step gave to a user and whose write was applied, one alert (kind
``mql_assigned``) to the new owner: claimed in the alert ledger first (``<lead>/mql_assigned/<event>``,
a conditional put), so a redelivered event never alerts twice, then held to the rep's hourly budget
shared with every other invocation (:mod:`leadrelay.pipeline.alert_budget`: past ``per_rep_per_hour``
into the hour's one digest, after it dropped with the reason logged) and sent through the notifier (Salesforce
custom notifications). An alert is a courtesy beside the assignment: a delivery failure is logged and
its claim given back, never failing the events (the lead is already assigned and written).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from typing import Any

from msgspec import Struct, field

from leadrelay.domain.alerts import Alert, AlertKind, AlertPolicy
from leadrelay.pipeline.alert_budget import send_claimed
from leadrelay.pipeline.context import StepContext
from leadrelay.pipeline.state import BatchState
from leadrelay.ports import AlertLedger, Notifier

logger = logging.getLogger(__name__)


class AlertAssigned(Struct):
    """Tells each rep about the MQLs this batch assigned to them (after ``write``)."""

    ledger: AlertLedger
    notifier: Notifier
    policy: AlertPolicy = field(default_factory=AlertPolicy)
    name: str = "alert assigned"

    def run(self, batch: BatchState, ctx: StepContext) -> None:
        """Claim, throttle and send; failures are logged, never the batch's."""
        claimed: list[tuple[str, Alert]] = []
        for key, routed in batch.routed.items():
            write = next((op for op in batch.plan if op.sobject == "Lead" and key in op.event_keys), None)
            if (
                key in batch.failures
                or write is None
                or not write.record_id
                or not routed.owner_id.startswith("005")
            ):
                continue
            alert = Alert(
                routed.owner_id, write.record_id, AlertKind.MQL_ASSIGNED, _text(write.fields, batch, key)
            )
            event = hashlib.sha256(key.encode()).hexdigest()[:16]
            claim = f"{write.record_id}/{AlertKind.MQL_ASSIGNED.value}/{event}"
            if self.ledger.claim(claim, at=batch.now):
                claimed.append((claim, alert))
        send_claimed(claimed, self.ledger, self.notifier, self.policy, batch.now)


def lead_text(lead: Mapping[str, Any]) -> str:
    """``山田 太郎 (株式会社サンプル商事)``: who the lead is."""
    name = " ".join(str(lead[part]) for part in ("LastName", "FirstName") if lead.get(part))
    company = lead.get("Company")
    return f"{name} ({company})" if company else name or "MQL"


def _text(fields: Mapping[str, Any], batch: BatchState, key: str) -> str:
    """``山田 太郎 (株式会社サンプル商事)``: who the lead is, from the lead as read and as written."""
    current = next((i.current for i in batch.intents if key in i.event_keys and i.sobject == "Lead"), {})
    return lead_text({**current, **fields})
