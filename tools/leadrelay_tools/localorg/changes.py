"""The org's change log: Change Data Capture-shaped events for every committed write."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class WriteContext:
    """Who writes and how, for one API request (one Salesforce transaction)."""

    user_id: str
    client: str | None
    api_version: str
    now: datetime
    auto_assign: str | None = None
    """The request's ``Sforce-Auto-Assign`` header (``None`` when absent: the rule runs)."""
    duplicate_rule_header: str | None = None
    """The request's ``Sforce-Duplicate-Rule-Header`` (``allowSave=true`` saves past alert rules)."""
    transaction_key: str = field(default_factory=lambda: str(uuid.uuid4()))
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def change_origin(self) -> str:
        """``com/salesforce/api/rest/62.0;client=leadrelay`` as CDC reports it ("" for seeding)."""
        if self.api_version == "":
            return ""
        origin = f"com/salesforce/api/rest/{self.api_version}"
        return f"{origin};client={self.client}" if self.client else origin

    def record_change(
        self,
        entity: str,
        record_id: str,
        change_type: str,
        payload: dict[str, Any],
        changed: list[str],
        nulled: list[str],
    ) -> None:
        """Queue one change event; it is published only if the transaction commits."""
        header = {
            "entityName": entity,
            "recordIds": [record_id],
            "changeType": change_type,
            "changeOrigin": self.change_origin,
            "transactionKey": self.transaction_key,
            "sequenceNumber": len(self.events) + 1,
            "commitTimestamp": int(self.now.timestamp() * 1000),
            "commitNumber": 0,
            "commitUser": self.user_id,
            "changedFields": changed,
            "nulledFields": nulled,
            "diffFields": [],
        }
        self.events.append({"ChangeEventHeader": header, **payload})


class ChangeLog:
    """Committed change events in commit order."""

    def __init__(self) -> None:
        self._events: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def publish(self, ctx: WriteContext) -> None:
        """Append the events of a committed transaction."""
        with self._lock:
            for event in ctx.events:
                event["ChangeEventHeader"]["commitNumber"] = len(self._events) + 1
                self._events.append(event)
        ctx.events = []

    def events(self, entity: str | None = None) -> list[dict[str, Any]]:
        """All events so far, or those of one entity (``Lead``)."""
        with self._lock:
            return [
                e
                for e in self._events
                if entity is None or e["ChangeEventHeader"]["entityName"].lower() == entity.lower()
            ]

    def clear(self) -> None:
        """Forget all events."""
        with self._lock:
            self._events.clear()
