"""The alert ledger: one item per alert sent, taken with a conditional put so no alert goes out twice.

An alert's key names the lead, the policy's timer and the clock's start (``00Q…/sla.first_contact/
breach/20261120T090000Z``). ``claim`` is one ``PutItem`` with ``attribute_not_exists(pk)``: of two SLA
monitor runs (one after the other, or at once) exactly one claims it and sends the alert. The items
live in the routing state table beside the pools (``pk = alert#<key>``) and expire with its TTL
attribute (``expires_at``) after ``ttl`` — long after the clock they belong to has run out.

``InMemoryAlertLedger`` is the same contract behind a lock, for local runs.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

DEFAULT_TTL = timedelta(days=90)


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
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def release(self, key: str) -> None:
        """Delete the claim (its alert was not delivered)."""
        self._client.delete_item(TableName=self._table, Key={"pk": {"S": f"alert#{key}"}})


class InMemoryAlertLedger:
    """Alert claims in a set, with the same claim-once contract."""

    def __init__(self) -> None:
        self.claimed: set[str] = set()
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
