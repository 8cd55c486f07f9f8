"""The hot-lead alert: a person hot enough (``routing.json`` ``alerts.hot_lead``) is signalled to its
owner at once, MQL or not.

After the write, for each person of the batch whose events all stand: the condition is evaluated on
the record as written, the scores of the person's last decision, the whole activity history and the
last event (the seeds' "score ≥ 80 and a product page viewed"). When it holds and the owner is a user,
one alert (kind ``hot_lead``): claimed in the alert ledger first on ``<record>/hot_lead/<window>``, so
a lead alerts at most once per ``window_hours`` however many invocations find it hot, then held to the
rep's hourly budget shared with every other alert (:mod:`leadrelay.pipeline.alert_budget`). A lead
routed in this batch is skipped: the MQL-assigned alert already tells its new owner.
"""

from __future__ import annotations

import logging
from typing import Any

from msgspec import Struct, field

from leadrelay.domain.alerts import Alert, AlertKind, AlertPolicy
from leadrelay.domain.identity import Person
from leadrelay.domain.routing import RoutingTable
from leadrelay.pipeline.alert_budget import send_claimed
from leadrelay.pipeline.assignment_alerts import lead_text
from leadrelay.pipeline.context import StepContext
from leadrelay.pipeline.state import BatchState, target_ref
from leadrelay.ports import AlertLedger, Notifier

logger = logging.getLogger(__name__)


class AlertHotLeads(Struct):
    """Tells owners about their leads that turned hot in this batch (after ``write``)."""

    table: RoutingTable
    ledger: AlertLedger
    notifier: Notifier
    policy: AlertPolicy = field(default_factory=AlertPolicy)
    name: str = "alert hot leads"

    def run(self, batch: BatchState, ctx: StepContext) -> None:
        """Evaluate, claim, spend the budget and send; failures are logged, never the batch's."""
        hot = self.table.file.alerts.hot_lead
        if hot is None:
            return
        window = int(batch.now.timestamp() // (hot.window_hours * 3600))
        claimed: list[tuple[str, Alert]] = []
        for person, events in batch.targets:
            keys = [event.idempotency_key for event in events]
            if any(batch.parents.get(k, k) in batch.failures or k in batch.routed for k in keys):
                continue
            last = max(events, key=lambda e: (e.occurred_at, e.idempotency_key))
            decision = batch.decisions.get(last.idempotency_key)
            write = batch.writes.get(last.idempotency_key)
            result = batch.written.get(write.ref) if write is not None else None
            record_id = person.record_id if isinstance(person, Person) else (result and result.record_id)
            if decision is None or not record_id:
                continue
            lead: dict[str, Any] = {
                **(person.record if isinstance(person, Person) else {}),
                **(write.fields if write is not None else {}),
            }
            owner = str(lead.get("OwnerId") or "")
            root = {
                "lead": lead,
                "scores": dict(decision.scores),
                "activities": list(batch.histories.get(person.key, [])),
                "event": last.model_dump(mode="json"),
            }
            if not owner.startswith("005") or not self.table.is_hot(root, batch.now):
                continue
            scores = "、".join(f"{name} {value}" for name, value in decision.scores.items())
            text = f"{lead_text(lead)}: {hot.description or 'hot lead'} ({scores})"
            claim = f"{record_id}/{AlertKind.HOT_LEAD.value}/{window}"
            if self.ledger.claim(claim, at=batch.now):
                claimed.append((claim, Alert(owner, str(record_id), AlertKind.HOT_LEAD, text)))
                logger.info("hot lead", extra={"ref": target_ref(person), "owner": owner})
        send_claimed(claimed, self.ledger, self.notifier, self.policy, batch.now)
