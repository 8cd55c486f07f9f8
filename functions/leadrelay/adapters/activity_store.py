"""Activity stores: the history of what each person did, for engagement scoring.

Both stores key an activity by its event's identity key (partition) and
``<occurred_at UTC>#<idempotency key>`` (sort), so one event is one item however often it is
delivered, and a person's history since a date is one range read.

``DynamoDBActivityStore`` — the real one:

* **One conditional ``PutItem`` per activity** (``attribute_not_exists(pk)``). ``BatchWriteItem``
  would take 25 items a call but cannot be conditional: it silently overwrites, so it could not
  tell a redelivered event (``False``) from a new one (``True``). ``TransactWriteItems`` can be
  conditional, but one existing item cancels the whole transaction and it costs twice the write
  capacity. Puts run on a small thread pool, so a large batch is not written one round trip at a time.
* **History is one ``Query`` per identity key** (``pk = :key AND sk >= :since``, pages followed).
* **TTL**: ``expires_at`` (epoch seconds) is ``occurred_at`` plus the retention; DynamoDB deletes
  expired items in the background, and reads filter on the time bound anyway.

``InMemoryActivityStore`` — the same contract in a dict, for ``leadrelay demo`` and local runs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from leadrelay.core.events import CanonicalEvent

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

PK = "pk"
SK = "sk"
TTL_ATTRIBUTE = "expires_at"
DEFAULT_TTL = timedelta(days=400)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sort_key(event: CanonicalEvent) -> str:
    """``<occurred_at in UTC, fixed width>#<idempotency key>``: sorts by time, unique per event."""
    return f"{_utc(event.occurred_at)}#{event.idempotency_key}"


def _encode(event: CanonicalEvent) -> str:
    record = event.activity_record()
    record["occurred_at"] = event.occurred_at.isoformat()
    return json.dumps(record, ensure_ascii=False, default=str)


def _decode(text: str) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(text)
    record["occurred_at"] = datetime.fromisoformat(record["occurred_at"])
    return record


class DynamoDBActivityStore:
    """Activities in a DynamoDB table with a ``pk``/``sk`` string key and TTL on ``expires_at``."""

    def __init__(
        self, client: DynamoDBClient, table_name: str, *, ttl: timedelta = DEFAULT_TTL, workers: int = 8
    ) -> None:
        self._client = client
        self._table = table_name
        self._ttl = ttl
        self._workers = workers

    def record(self, events: Sequence[CanonicalEvent]) -> list[bool]:
        """Store each activity once; ``True`` where new, ``False`` where it was already stored."""
        if len(events) <= 1 or self._workers <= 1:
            return [self._put(event) for event in events]
        with ThreadPoolExecutor(max_workers=min(self._workers, len(events))) as pool:
            return list(pool.map(self._put, events))

    def _put(self, event: CanonicalEvent) -> bool:
        expires = int((event.occurred_at + self._ttl).timestamp())
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    PK: {"S": event.identity.key},
                    SK: {"S": sort_key(event)},
                    "activity": {"S": _encode(event)},
                    TTL_ATTRIBUTE: {"N": str(expires)},
                },
                ConditionExpression="attribute_not_exists(#pk)",
                ExpressionAttributeNames={"#pk": PK},
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def history(self, identity_keys: Sequence[str], *, since: datetime) -> Mapping[str, list[dict[str, Any]]]:
        """Activities per identity key since ``since``, oldest first: one Query per key."""
        return {key: self._query(key, since) for key in dict.fromkeys(identity_keys)}

    def _query(self, key: str, since: datetime) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "#pk = :key AND #sk >= :since",
            "ExpressionAttributeNames": {"#pk": PK, "#sk": SK},
            "ExpressionAttributeValues": {":key": {"S": key}, ":since": {"S": _utc(since)}},
        }
        while True:
            page = self._client.query(**request)
            found.extend(_decode(item["activity"]["S"]) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return found
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


class InMemoryActivityStore:
    """The activity store in memory: the same keys and answers as DynamoDB, for demos and local runs."""

    def __init__(self) -> None:
        self._items: dict[str, dict[str, str]] = {}
        self.queries = 0
        """How many history reads (one per identity key) were made, as DynamoDB would count them."""

    def record(self, events: Sequence[CanonicalEvent]) -> list[bool]:
        """Store each activity once; ``True`` where new, ``False`` where it was already stored."""
        stored: list[bool] = []
        for event in events:
            partition = self._items.setdefault(event.identity.key, {})
            key = sort_key(event)
            stored.append(key not in partition)
            partition.setdefault(key, _encode(event))
        return stored

    def history(self, identity_keys: Sequence[str], *, since: datetime) -> Mapping[str, list[dict[str, Any]]]:
        """Activities per identity key since ``since``, oldest first."""
        bound = _utc(since)
        result: dict[str, list[dict[str, Any]]] = {}
        for key in dict.fromkeys(identity_keys):
            self.queries += 1
            partition = self._items.get(key, {})
            result[key] = [_decode(partition[sk]) for sk in sorted(partition) if sk >= bound]
        return result
