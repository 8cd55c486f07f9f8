"""The activity table's layout, shared by the activity store and the applied markers: attribute names,
DynamoDB's key limits, and keys kept within them."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

PK = "pk"
SK = "sk"
TTL_ATTRIBUTE = "expires_at"
MAX_PARTITION_KEY_BYTES = 2048
MAX_SORT_KEY_BYTES = 1024
APPLIED = "applied"


def utc_text(value: datetime) -> str:
    """An instant as the sort keys write it (UTC, fixed width)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def bounded_key(prefix: str, part: str, limit: int) -> str:
    """``prefix + part``, or ``prefix + sha256=<hex of part>`` when that would exceed ``limit`` bytes."""
    key = prefix + part
    if len(key.encode("utf-8")) <= limit:
        return key
    return f"{prefix}sha256={hashlib.sha256(part.encode('utf-8')).hexdigest()}"


def applied_key(event_key: str) -> str:
    """The partition key of the marker that said the event ``event_key`` was applied, when markers were
    written one per event (still read until their TTL removes them)."""
    return bounded_key(f"{APPLIED}#", event_key, MAX_PARTITION_KEY_BYTES)
