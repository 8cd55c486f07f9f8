"""Routing pool state in DynamoDB: one item per pool, saved only if nobody saved since it was read.

Each pool is one item (``pk = pool#<name>``) holding a ``version`` and the state as JSON. ``save`` is one
conditional ``PutItem`` (``version = :read`` — or, for a pool never saved, ``attribute_not_exists(pk)``):
of two invocations that read the same version, exactly one saves; the other reads again and chooses
again, so two leads never take the same slot, no rep is skipped and no cap is exceeded. A pool of 20
reps is a few hundred bytes, far under DynamoDB's 400 KB item limit.

``InMemoryPoolStates`` is the same contract behind a lock, for the demo and local runs.
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from leadrelay.domain.pools import PoolState

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

PK = "pk"


def _key(pool: str) -> dict[str, Any]:
    return {PK: {"S": f"pool#{pool}"}}


def encode(state: PoolState) -> str:
    """The state as compact JSON (what the item's ``state`` attribute holds)."""
    document = {
        "credits": dict(state.credits),
        "daily": {user: list(day) for user, day in state.daily.items()},
        "open": dict(state.open),
    }
    return json.dumps(document, separators=(",", ":"), sort_keys=True)


def decode(version: int, text: str) -> PoolState:
    """The state saved as ``text`` at ``version``."""
    document = json.loads(text)
    daily = {user: (str(day), int(count)) for user, (day, count) in document.get("daily", {}).items()}
    return PoolState(version, document.get("credits", {}), daily, document.get("open", {}))


class DynamoDBPoolStates:
    """Pool states in a DynamoDB table keyed by ``pk`` (string)."""

    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def read(self, pool: str) -> PoolState:
        """A strongly consistent read of the pool's item."""
        item = self._client.get_item(TableName=self._table, Key=_key(pool), ConsistentRead=True).get("Item")
        if not item:
            return PoolState()
        return decode(int(item["version"]["N"]), item["state"]["S"])

    def save(self, pool: str, state: PoolState) -> bool:
        """One conditional put; False when another invocation saved first."""
        read = state.version - 1
        condition: dict[str, Any] = (
            {"ConditionExpression": "attribute_not_exists(#pk)", "ExpressionAttributeNames": {"#pk": PK}}
            if read == 0
            else {
                "ConditionExpression": "#version = :read",
                "ExpressionAttributeNames": {"#version": "version"},
                "ExpressionAttributeValues": {":read": {"N": str(read)}},
            }
        )
        item = {**_key(pool), "version": {"N": str(state.version)}, "state": {"S": encode(state)}}
        try:
            self._client.put_item(TableName=self._table, Item=item, **condition)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True


class InMemoryPoolStates:
    """Pool states in a dict, with the same compare-and-save contract."""

    def __init__(self) -> None:
        self._saved: dict[str, PoolState] = {}
        self._lock = threading.Lock()

    def read(self, pool: str) -> PoolState:
        """The saved state (version 0 when none)."""
        with self._lock:
            return self._saved.get(pool, PoolState())

    def save(self, pool: str, state: PoolState) -> bool:
        """Save if the saved version is still the one ``state`` follows."""
        with self._lock:
            if self._saved.get(pool, PoolState()).version != state.version - 1:
                return False
            self._saved[pool] = state
            return True
