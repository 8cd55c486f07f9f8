"""The alert ledger: one item per alert sent, taken with a conditional put so no alert goes out twice.

An alert's key names the lead, the policy's timer and the clock's start (``00Q…/sla.first_contact/
breach/20261120T090000Z``). ``claim`` is one ``PutItem`` with ``attribute_not_exists(pk)``: of two SLA
monitor runs (one after the other, or at once) exactly one claims it and sends the alert. The items
live in the routing state table beside the pools (``pk = alert#<key>``) and expire with its TTL
attribute (``expires_at``) after ``ttl`` — long after the clock they belong to has run out.

**The budget** (``spend``) is one item per rep and clock hour (``pk = budget#<rep>#20261120T09``):
a single alert is ``ADD sent 1`` on condition ``sent < limit`` (or no item yet); past it the alert is
appended to the item's ``held`` list and the rep added to the hour's index item (``pk =
held#20261120T09``, a string set). DynamoDB applies each condition and update as one step, so
invocations running one after the other or at once never grant more than ``limit`` singles per rep and
hour, and hold every other alert. ``take_digests`` reads the index of the last few hours that are over
(one ``BatchGetItem``) and takes each rep's held alerts with ``SET taken_at`` on condition that nobody
took them: one digest per
rep and hour, sent once. The items expire a day after their hour.

``InMemoryAlertLedger`` is the same contract behind a lock, for local runs.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from leadrelay.domain.alerts import Alert, AlertKind, Grant, HeldDigest, budget_hour

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

DEFAULT_TTL = timedelta(days=90)
BUDGET_TTL = timedelta(days=1)
LOOKBACK_HOURS = 6
"""How many ended hours ``take_digests`` looks back over (the SLA monitor runs every 15 minutes)."""


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

    def spend(self, alert: Alert, *, at: datetime, limit: int) -> Grant:
        """A single (a conditional ``ADD``), else the alert held for the hour's digest."""
        hour = budget_hour(at)
        expires = {"N": str(int((at + BUDGET_TTL).timestamp()))}
        try:
            self._client.update_item(
                TableName=self._table,
                Key={"pk": {"S": f"budget#{alert.rep_id}#{hour}"}},
                UpdateExpression="ADD #sent :one SET #expires = :expires",
                ConditionExpression="attribute_not_exists(#sent) OR #sent < :limit",
                ExpressionAttributeNames={"#sent": "sent", "#expires": "expires_at"},
                ExpressionAttributeValues={
                    ":one": {"N": "1"},
                    ":limit": {"N": str(limit)},
                    ":expires": expires,
                },
            )
            return Grant.SINGLE
        except ClientError as error:
            if not _refused(error):
                raise
        self._client.update_item(
            TableName=self._table,
            Key={"pk": {"S": f"budget#{alert.rep_id}#{hour}"}},
            UpdateExpression="SET #held = list_append(if_not_exists(#held, :none), :alert)",
            ExpressionAttributeNames={"#held": "held"},
            ExpressionAttributeValues={":none": {"L": []}, ":alert": {"L": [{"S": _alert_json(alert)}]}},
        )
        self._client.update_item(
            TableName=self._table,
            Key={"pk": {"S": f"held#{hour}"}},
            UpdateExpression="ADD #reps :rep SET #expires = :expires",
            ExpressionAttributeNames={"#reps": "reps", "#expires": "expires_at"},
            ExpressionAttributeValues={":rep": {"SS": [alert.rep_id]}, ":expires": expires},
        )
        return Grant.HELD

    def take_digests(self, *, now: datetime) -> list[HeldDigest]:
        """Each rep's held alerts of the ended hours, taken with a conditional ``SET taken_at``."""
        taken: list[HeldDigest] = []
        keys = [{"pk": {"S": f"held#{hour}"}} for hour in ended_hours(now)]
        read = self._client.batch_get_item(
            RequestItems={self._table: {"Keys": keys, "ConsistentRead": True}}
        )  # a handful of small items: never left unprocessed in practice, retried by the next run if so
        indexes = {item["pk"]["S"]: item for item in read["Responses"].get(self._table, [])}
        for hour in ended_hours(now):
            index = indexes.get(f"held#{hour}", {})
            for rep_id in sorted(index.get("reps", {}).get("SS", [])):
                try:
                    item = self._client.update_item(
                        TableName=self._table,
                        Key={"pk": {"S": f"budget#{rep_id}#{hour}"}},
                        UpdateExpression="SET #taken = :now",
                        ConditionExpression="attribute_exists(#held) AND attribute_not_exists(#taken)",
                        ExpressionAttributeNames={"#held": "held", "#taken": "taken_at"},
                        ExpressionAttributeValues={":now": {"S": now.isoformat()}},
                        ReturnValues="ALL_NEW",
                    )["Attributes"]
                except ClientError as error:
                    if _refused(error):
                        continue
                    raise
                alerts = tuple(_alert_from(rep_id, value["S"]) for value in item["held"]["L"])
                taken.append(HeldDigest(rep_id, hour, alerts))
        return taken

    def restore_digest(self, digest: HeldDigest) -> None:
        """``REMOVE taken_at``: the next run takes the digest again."""
        self._client.update_item(
            TableName=self._table,
            Key={"pk": {"S": f"budget#{digest.rep_id}#{digest.hour}"}},
            UpdateExpression="REMOVE #taken",
            ExpressionAttributeNames={"#taken": "taken_at"},
        )


def ended_hours(now: datetime) -> list[str]:
    """The clock hours (UTC) ``take_digests`` looks at: the last :data:`LOOKBACK_HOURS` that are over."""
    return [budget_hour(now - timedelta(hours=back)) for back in range(LOOKBACK_HOURS, 0, -1)]


def _alert_json(alert: Alert) -> str:
    return json.dumps(
        {"lead": alert.lead_id, "kind": alert.kind.value, "text": alert.text}, ensure_ascii=False
    )


def _alert_from(rep_id: str, text: str) -> Alert:
    value = json.loads(text)
    return Alert(rep_id, value["lead"], AlertKind(value["kind"]), value["text"])


class InMemoryAlertLedger:
    """Alert claims in a set, with the same claim-once contract."""

    def __init__(self) -> None:
        self.claimed: set[str] = set()
        self.singles: Counter[tuple[str, str]] = Counter()
        """Singles granted per (rep, hour)."""
        self.held: dict[tuple[str, str], list[Alert]] = {}
        """The alerts held per (rep, hour) for the hour's digest."""
        self.taken: set[tuple[str, str]] = set()
        """The (rep, hour) digests taken."""
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

    def spend(self, alert: Alert, *, at: datetime, limit: int) -> Grant:
        """A single while the hour has one, else the alert held for the hour's digest."""
        slot = (alert.rep_id, budget_hour(at))
        with self._lock:
            if self.singles[slot] < limit:
                self.singles[slot] += 1
                return Grant.SINGLE
            self.held.setdefault(slot, []).append(alert)
            return Grant.HELD

    def take_digests(self, *, now: datetime) -> list[HeldDigest]:
        """Each rep's held alerts of the ended hours, taken once."""
        hours = ended_hours(now)
        with self._lock:
            slots = sorted(
                (hour, rep) for rep, hour in self.held if hour in hours and (rep, hour) not in self.taken
            )
            self.taken.update((rep, hour) for hour, rep in slots)
            return [HeldDigest(rep, hour, tuple(self.held[(rep, hour)])) for hour, rep in slots]

    def restore_digest(self, digest: HeldDigest) -> None:
        """Give the digest back."""
        with self._lock:
            self.taken.discard((digest.rep_id, digest.hour))
