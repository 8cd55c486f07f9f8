"""Activity stores: the history of what each person did, for engagement scoring.

Both stores key an activity by its event's identity key (partition) and
``<occurred_at UTC>#<idempotency key>`` (sort), so one event is one item however often it is
delivered, and a person's history since a date is one range read.

**Keys are bounded.** DynamoDB refuses a partition key over 2,048 bytes and a sort key over 1,024
(UTF-8). A part that would make a key longer is replaced by ``sha256=<64 hex digits>`` of that part
(``email#sha256=…``; ``<time>#sha256=…``): the same value always gives the same key, so a redelivered
event is still stored once and a person's history is still one read; keys that fit are used as they
are, so nothing stored before changes key. (A value that is itself ``sha256=`` and 64 hex digits would
share a key with the value hashing to them — not a value an e-mail, id or event key takes.)

``DynamoDBActivityStore`` — the real one:

* **One conditional ``PutItem`` per activity** (``attribute_not_exists(pk)``); an item DynamoDB
  refuses is that item's failure (returned in its place), never the others'. ``BatchWriteItem``
  would take 25 items a call but cannot be conditional: it silently overwrites, so it could not
  tell a redelivered event (``False``) from a new one (``True``). ``TransactWriteItems`` can be
  conditional, but one existing item cancels the whole transaction and it costs twice the write
  capacity. Puts run on a small thread pool, one person per thread (a person's activities one after
  another), so a large batch is not written one round trip at a time.
* **Applied markers** (``leadrelay.adapters.applied_markers``): one item per batch and ten minutes
  of occurrence, holding the applied events' keys; before a copy of an event is dead-lettered, a
  ``Query`` of its ten minutes asks whether another copy was applied. They share the table with the
  histories (no identity key starts with ``applied``) and use only the actions the store already
  needs (``PutItem``, ``Query``).
* **History is one ``Query`` per identity key** (``pk = :key AND sk >= :since``, pages followed),
  strongly consistent: an activity another invocation has just stored is in it.
* **TTL**: ``expires_at`` (epoch seconds) is ``occurred_at`` plus the retention; DynamoDB deletes
  expired items in the background, and reads filter on the time bound anyway.

``InMemoryActivityStore`` — the same contract in a dict, for ``leadrelay demo`` and local runs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from leadrelay.adapters.activity_table import (
    MAX_PARTITION_KEY_BYTES,
    MAX_SORT_KEY_BYTES,
    PK,
    SK,
    TTL_ATTRIBUTE,
    bounded_key,
    utc_text,
)
from leadrelay.adapters.applied_markers import DynamoDBAppliedMarkers
from leadrelay.domain.events import CanonicalEvent

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

DEFAULT_TTL = timedelta(days=400)


def partition_key(identity_key: str) -> str:
    """The item partition key of a person's history: ``identity_key``, hashed after its ``kind#`` when
    longer than DynamoDB's 2,048 bytes."""
    kind, sep, value = identity_key.partition("#")
    prefix = kind + sep if sep else ""
    return bounded_key(prefix, value if sep else identity_key, MAX_PARTITION_KEY_BYTES)


def sort_key(event: CanonicalEvent) -> str:
    """``<occurred_at in UTC, fixed width>#<idempotency key>``: sorts by time, unique per event; the
    idempotency key is hashed when the key would exceed DynamoDB's 1,024 bytes."""
    return bounded_key(f"{utc_text(event.occurred_at)}#", event.idempotency_key, MAX_SORT_KEY_BYTES)


def _later_copy(first: bool | Exception) -> bool | Exception:
    """A later copy within one call: already stored (``False``), or the first copy's error."""
    return first if isinstance(first, Exception) else False


def _encode(event: CanonicalEvent) -> str:
    record = event.activity_record()
    record["occurred_at"] = event.occurred_at.isoformat()
    return json.dumps(record, ensure_ascii=False, default=str)


def decode_activity(text: str) -> dict[str, Any]:
    """A stored ``activity`` attribute back as the rules' activity record."""
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
        self._markers = DynamoDBAppliedMarkers(client, table_name, ttl=ttl)

    def record(self, events: Sequence[CanonicalEvent]) -> list[bool | Exception]:
        """Store each activity once; ``True`` where new, ``False`` where it was already stored, the
        error where DynamoDB refused that item (the others are stored all the same). Copies of one
        activity within the call are put once: the first copy answers, the later ones are ``False``.

        People are stored in parallel, one person's activities one after another (a partition's puts
        never race each other; moto's in-memory table loses one of two puts that create a partition
        at the same moment, and the local mode and the tests run on it)."""
        keys = [(partition_key(event.identity.key), sort_key(event)) for event in events]
        first: dict[tuple[str, str], int] = {}
        for index, key in enumerate(keys):
            first.setdefault(key, index)
        people: dict[str, list[tuple[str, str]]] = {}
        for key in first:
            people.setdefault(key[0], []).append(key)

        def put_person(person_keys: list[tuple[str, str]]) -> list[bool | Exception]:
            return [self._put(events[first[key]]) for key in person_keys]

        groups = list(people.values())
        if len(groups) <= 1 or self._workers <= 1:
            stored = [put_person(group) for group in groups]
        else:
            with ThreadPoolExecutor(max_workers=min(self._workers, len(groups))) as pool:
                stored = list(pool.map(put_person, groups))
        by_key = {
            key: outcome
            for group, outcomes in zip(groups, stored, strict=True)
            for key, outcome in zip(group, outcomes, strict=True)
        }
        return [
            by_key[key] if first[key] == index else _later_copy(by_key[key]) for index, key in enumerate(keys)
        ]

    def _put(self, event: CanonicalEvent) -> bool | Exception:
        expires = int((event.occurred_at + self._ttl).timestamp())
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    PK: {"S": partition_key(event.identity.key)},
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
            return error
        return True

    def mark_applied(self, events: Sequence[CanonicalEvent], *, at: datetime) -> None:
        """Mark ``events`` applied: one item per ten minutes of occurrence (``adapters.applied_markers``)."""
        self._markers.mark(events, at=at)

    def applied(self, events: Sequence[CanonicalEvent]) -> set[str]:
        """The idempotency keys of ``events`` marked applied (asked only before dead-lettering, which is
        rare): one ``Query`` per ten minutes of occurrence, one per key for markers of the old kind."""
        return self._markers.applied(events)

    def history(self, identity_keys: Sequence[str], *, since: datetime) -> Mapping[str, list[dict[str, Any]]]:
        """Activities per identity key since ``since``, oldest first: one Query per key."""
        return {key: self._query(key, since) for key in dict.fromkeys(identity_keys)}

    def _query(self, key: str, since: datetime) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        request: dict[str, Any] = {
            "TableName": self._table,
            "ConsistentRead": True,  # an activity another invocation just stored is seen (reconciling)
            "KeyConditionExpression": "#pk = :key AND #sk >= :since",
            "ExpressionAttributeNames": {"#pk": PK, "#sk": SK},
            "ExpressionAttributeValues": {
                ":key": {"S": partition_key(key)},
                ":since": {"S": utc_text(since)},
            },
        }
        while True:
            page = self._client.query(**request)
            found.extend(decode_activity(item["activity"]["S"]) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return found
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


class InMemoryActivityStore:
    """The activity store in memory: the same keys and answers as DynamoDB, for demos and local runs."""

    def __init__(self) -> None:
        self._items: dict[str, dict[str, str]] = {}
        self._applied: set[str] = set()
        self.queries = 0
        """How many history reads (one per identity key) were made, as DynamoDB would count them."""

    def record(self, events: Sequence[CanonicalEvent]) -> list[bool | Exception]:
        """Store each activity once; ``True`` where new, ``False`` where it was already stored."""
        stored: list[bool | Exception] = []
        for event in events:
            partition = self._items.setdefault(partition_key(event.identity.key), {})
            key = sort_key(event)
            stored.append(key not in partition)
            partition.setdefault(key, _encode(event))
        return stored

    def mark_applied(self, events: Sequence[CanonicalEvent], *, at: datetime) -> None:
        """Remember that these events were applied."""
        self._applied.update(event.idempotency_key for event in events)

    def applied(self, events: Sequence[CanonicalEvent]) -> set[str]:
        """The idempotency keys of ``events`` marked applied."""
        return {event.idempotency_key for event in events if event.idempotency_key in self._applied}

    def history(self, identity_keys: Sequence[str], *, since: datetime) -> Mapping[str, list[dict[str, Any]]]:
        """Activities per identity key since ``since``, oldest first."""
        bound = utc_text(since)
        result: dict[str, list[dict[str, Any]]] = {}
        for key in dict.fromkeys(identity_keys):
            self.queries += 1
            partition = self._items.get(partition_key(key), {})
            result[key] = [decode_activity(partition[sk]) for sk in sorted(partition) if sk >= bound]
        return result
