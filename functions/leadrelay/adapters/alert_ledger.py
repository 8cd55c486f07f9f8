"""The alert ledger: one item per alert sent, taken with a conditional put so no alert goes out twice.

An alert's key names the lead, the policy's timer and the clock's start (``00Q…/sla.first_contact/
breach/20261120T090000Z``). ``claim`` is one ``PutItem`` with ``attribute_not_exists(pk)``: of two SLA
monitor runs (one after the other, or at once) exactly one claims it and sends the alert. The items
live in the routing state table beside the pools (``pk = alert#<key>``) and expire with its TTL
attribute (``expires_at``) after ``ttl`` — long after the clock they belong to has run out.

**The budget** (``spend``) is one item per rep and clock hour (``pk = budget#<rep>#20261120T09``):
a single alert is ``ADD sent 1`` on condition ``sent < limit`` (or no item yet), the hour's digest is
``SET digest_at`` on condition that it is not set. DynamoDB applies each condition and update as one
step, so invocations running one after the other or at once never grant more than ``limit`` singles
and one digest per rep and hour. The items expire a day after their hour.

``InMemoryAlertLedger`` is the same contract behind a lock, for local runs.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from leadrelay.domain.alerts import Grant, budget_hour

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

DEFAULT_TTL = timedelta(days=90)
BUDGET_TTL = timedelta(days=1)


def _refused(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


class DynamoDBAlertLedger:
    """Alert claims in a DynamoDB table keyed by ``pk`` (string)."""

    def __init__(self, client: DynamoDBClient, table: str, *, ttl: timedelta = DEFAULT_TTL) -> None:
        self._client = client
        self._table = table
        self._ttl = ttl

    def claim(self, key: str, *, at: datetime) -> bool:
        """One conditional put; False when the key was already claimed."""
        item = {
            "pk": {"S": f"alert#{key}"},
            "claimed_at": {"S": at.isoformat()},
            "expires_at": {"N": str(int((at + self._ttl).timestamp()))},
        }
        try:
            self._client.put_item(
                TableName=self._table,
                Item=item,
                ConditionExpression="attribute_not_exists(#pk)",
                ExpressionAttributeNames={"#pk": "pk"},
            )
        except ClientError as error:
            if _refused(error):
                return False
            raise
        return True

    def release(self, key: str) -> None:
        """Delete the claim (its alert was not delivered)."""
        self._client.delete_item(TableName=self._table, Key={"pk": {"S": f"alert#{key}"}})

    def spend(self, rep_id: str, *, at: datetime, limit: int) -> Grant:
        """A single (a conditional ``ADD``), else the hour's digest (a conditional ``SET``), else spent."""
        key = {"pk": {"S": f"budget#{rep_id}#{budget_hour(at)}"}}
        expires = {"N": str(int((at + BUDGET_TTL).timestamp()))}
        single: dict[str, Any] = {
            "UpdateExpression": "ADD #sent :one SET #expires = :expires",
            "ConditionExpression": "attribute_not_exists(#sent) OR #sent < :limit",
            "ExpressionAttributeNames": {"#sent": "sent", "#expires": "expires_at"},
            "ExpressionAttributeValues": {
                ":one": {"N": "1"},
                ":limit": {"N": str(limit)},
                ":expires": expires,
            },
        }
        digest: dict[str, Any] = {
            "UpdateExpression": "SET #digest = :at, #expires = :expires",
            "ConditionExpression": "attribute_not_exists(#digest)",
            "ExpressionAttributeNames": {"#digest": "digest_at", "#expires": "expires_at"},
            "ExpressionAttributeValues": {":at": {"S": at.isoformat()}, ":expires": expires},
        }
        for grant, update in ((Grant.SINGLE, single), (Grant.DIGEST, digest)):
            try:
                self._client.update_item(TableName=self._table, Key=key, **update)
            except ClientError as error:
                if _refused(error):
                    continue
                raise
            return grant
        return Grant.SPENT


class InMemoryAlertLedger:
    """Alert claims in a set, with the same claim-once contract."""

    def __init__(self) -> None:
        self.claimed: set[str] = set()
        self.singles: Counter[tuple[str, str]] = Counter()
        """Singles granted per (rep, hour)."""
        self.digests: set[tuple[str, str]] = set()
        """The (rep, hour) pairs whose digest was granted."""
        self._lock = threading.Lock()

    def claim(self, key: str, *, at: datetime) -> bool:
        """Take ``key`` unless taken."""
        with self._lock:
            if key in self.claimed:
                return False
            self.claimed.add(key)
            return True

    def release(self, key: str) -> None:
        """Give ``key`` back."""
        with self._lock:
            self.claimed.discard(key)

    def spend(self, rep_id: str, *, at: datetime, limit: int) -> Grant:
        """A single while the hour has one, else the hour's digest once, else spent."""
        slot = (rep_id, budget_hour(at))
        with self._lock:
            if self.singles[slot] < limit:
                self.singles[slot] += 1
                return Grant.SINGLE
            if slot not in self.digests:
                self.digests.add(slot)
                return Grant.DIGEST
            return Grant.SPENT
