"""Applied markers in the activity table: which events were applied, written once per batch.

A marker lets a copy of an event that fails later be settled as applied instead of dead-lettered (the
pipeline asks only then, which is rare). Writing one item per event cost a DynamoDB write unit per
event — as much as storing the activity itself. Markers are grouped instead:

* **One item per batch and ten minutes of occurrence.** The events a batch applied are grouped by
  the ten minutes their ``occurred_at`` falls in (UTC); each group is one item, partition
  ``applied-in#<YYYY-MM-DDTHH:M0Z>``, sort key ``<digest of its keys>#<chunk>``, holding the
  idempotency keys as a string set. A batch's events mostly occurred within the batching window, so
  a batch writes one or two items, billed by size (about 1 KB per 15 keys) rather than per event.
  The same keys always give the same item, so a batch settled twice overwrites its own markers.
* **Looked up by the event's own time.** Every copy of an event carries the same ``occurred_at``, so
  the question "was it applied?" reads the items of that event's ten minutes (one strongly
  consistent ``Query`` per ten minutes asked, pages followed) and looks for the key.
* **Items stay under DynamoDB's 400 KB**: a group's keys are split into chunks of at most 256 KB.
* **Throughput.** One partition value takes a window's markers; at about 60 bytes a key that is some
  16,000 events a second before one value reaches DynamoDB's 1,000 write units a second, and DynamoDB
  splits a hot partition by sort key (each item has its own). A lookup reads the window's items: about
  1 MB at 2,000 events a minute, and it is asked only before dead-lettering.
* **Markers written per event before this change** (``applied#<key>``, sort key ``applied``) are
  still read, until their TTL removes them.
* Same TTL attribute as the activities; the same actions (``PutItem``, ``Query``).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from leadrelay.adapters.activity_table import APPLIED, PK, SK, TTL_ATTRIBUTE, applied_key
from leadrelay.adapters.runs import bounded_runs
from leadrelay.domain.events import CanonicalEvent

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

KEYS = "keys"
BUCKET_PREFIX = "applied-in#"
MAX_CHUNK_BYTES = 256 * 1024


def bucket_of(occurred_at: datetime) -> str:
    """The partition key of the markers of events that occurred in the same ten minutes (UTC)."""
    moment = occurred_at.astimezone(UTC)
    return f"{BUCKET_PREFIX}{moment:%Y-%m-%dT%H}:{moment.minute // 10}0Z"


def chunks(keys: Sequence[str], limit: int = MAX_CHUNK_BYTES) -> Iterator[list[str]]:
    """``keys`` split into runs of at most ``limit`` UTF-8 bytes (a key alone may be its own run)."""
    return bounded_runs(keys, lambda key: len(key.encode("utf-8")), max_bytes=limit)


def keys_by_window(events: Sequence[CanonicalEvent]) -> dict[str, set[str]]:
    """The events' idempotency keys grouped by the partition of their ten minutes of occurrence."""
    groups: defaultdict[str, set[str]] = defaultdict(set)
    for event in events:
        groups[bucket_of(event.occurred_at)].add(event.idempotency_key)
    return groups


def marker_items(events: Sequence[CanonicalEvent], *, expires: int) -> list[dict[str, Any]]:
    """The DynamoDB items marking ``events`` applied: one per ten minutes of occurrence and chunk."""
    items = []
    for bucket, keys in keys_by_window(events).items():
        ordered = sorted(keys)
        digest = hashlib.sha256("\n".join(ordered).encode("utf-8")).hexdigest()[:32]
        for number, chunk in enumerate(chunks(ordered)):
            items.append(
                {
                    PK: {"S": bucket},
                    SK: {"S": f"{digest}#{number}"},
                    KEYS: {"SS": chunk},
                    TTL_ATTRIBUTE: {"N": str(expires)},
                }
            )
    return items


class DynamoDBAppliedMarkers:
    """Applied markers, grouped per batch and ten minutes of occurrence, in the activity table."""

    def __init__(self, client: DynamoDBClient, table_name: str, *, ttl: timedelta) -> None:
        self._client = client
        self._table = table_name
        self._ttl = ttl

    def mark(self, events: Sequence[CanonicalEvent], *, at: datetime) -> None:
        """One ``PutItem`` per ten minutes of occurrence (and 256 KB chunk); raises if one fails."""
        expires = int((at + self._ttl).timestamp())
        for item in marker_items(events, expires=expires):
            self._client.put_item(TableName=self._table, Item=item)

    def applied(self, events: Sequence[CanonicalEvent]) -> set[str]:
        """The idempotency keys of ``events`` marked applied, by a batch's item or (written before
        markers were grouped) by one item per event."""
        found: set[str] = set()
        for bucket, keys in keys_by_window(events).items():
            found |= keys & self._keys_in(bucket)
        for key in {e.idempotency_key for e in events} - found:
            if self._legacy_marked(applied_key(key)):
                found.add(key)
        return found

    def _keys_in(self, bucket: str) -> set[str]:
        request: dict[str, Any] = {
            "TableName": self._table,
            "ConsistentRead": True,
            "KeyConditionExpression": "#pk = :bucket",
            "ExpressionAttributeNames": {"#pk": PK, "#keys": KEYS},
            "ExpressionAttributeValues": {":bucket": {"S": bucket}},
            "ProjectionExpression": "#keys",
        }
        keys: set[str] = set()
        while True:
            page = self._client.query(**request)
            for item in page.get("Items", []):
                keys.update(item.get(KEYS, {}).get("SS", []))
            if "LastEvaluatedKey" not in page:
                return keys
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _legacy_marked(self, partition: str) -> bool:
        page = self._client.query(
            TableName=self._table,
            KeyConditionExpression="#pk = :key AND #sk = :applied",
            ExpressionAttributeNames={"#pk": PK, "#sk": SK},
            ExpressionAttributeValues={":key": {"S": partition}, ":applied": {"S": APPLIED}},
            Limit=1,
        )
        return bool(page.get("Items"))
