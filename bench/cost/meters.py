"""What ``bench.cost`` counts while the handlers run: AWS requests (botocore's event hooks on boto3's
default session, which every client of the functions comes from), DynamoDB capacity units (from the
sizes of the items written and read), and the bytes the functions log, by level."""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from typing import Any

PLATFORM_LOG_BYTES = 340
"""Lambda's own START, END and REPORT lines per invocation (text format), in bytes."""
WRITES = {"PutItem", "UpdateItem", "DeleteItem"}


def attribute_size(value: dict[str, Any]) -> int:
    """An attribute value's size as DynamoDB bills it (approximately: numbers by their digits)."""
    (kind, inner), *_ = value.items()
    if kind in {"S", "B"}:
        return len(inner.encode() if isinstance(inner, str) else inner)
    if kind == "N":
        return len(str(inner).lstrip("-").replace(".", "")) // 2 + 1
    if kind in {"BOOL", "NULL"}:
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + attribute_size(v) for k, v in inner.items())
    if kind == "L":
        return 3 + sum(1 + attribute_size(v) for v in inner)
    return sum(len(str(v).encode()) for v in inner)  # sets


def item_size(item: dict[str, Any]) -> int:
    """An item's size: attribute names plus values."""
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


class AwsMeter:
    """Counts requests per (function, service, operation) and DynamoDB request units."""

    def __init__(self) -> None:
        self.function = "setup"
        self.requests: Counter[tuple[str, str, str]] = Counter()
        self.write_units = 0.0
        self.read_units = 0.0
        self.largest_item = 0

    def attach(self, events: Any) -> None:
        """Register on a botocore event emitter (``boto3.DEFAULT_SESSION.events``) before clients exist."""
        events.register("before-parameter-build", self._params)
        events.register("after-call", self._after)

    def _params(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["bench.cost.params"] = dict(params)

    def _after(self, parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        service, operation = model.service_model.endpoint_prefix, model.name
        self.requests[(self.function, service, operation)] += 1
        if service != "dynamodb":
            return
        params = context.get("bench.cost.params", {})
        if operation in WRITES:
            written = params.get("Item") or {
                **params.get("Key", {}),
                **params.get("ExpressionAttributeValues", {}),
            }
            size = item_size(written)
            self.largest_item = max(self.largest_item, size)
            self.write_units += max(1, math.ceil(size / 1024))
        elif operation in {"GetItem", "Query"}:
            items = parsed.get("Items") or ([parsed["Item"]] if parsed.get("Item") else [])
            size = sum(item_size(item) for item in items)
            units = max(1, math.ceil(size / 4096))
            self.read_units += units if params.get("ConsistentRead") else units / 2

    def count(
        self, function: str | None = None, service: str | None = None, ops: set[str] | None = None
    ) -> int:
        """Requests matching the filters."""
        return sum(
            n
            for (f, s, o), n in self.requests.items()
            if (function is None or f == function)
            and (service is None or s == service)
            and (ops is None or o in ops)
        )


class LogMeter:
    """A stream for the functions' stdout and log handlers: bytes per function and level."""

    def __init__(self) -> None:
        self.function = "setup"
        self.bytes: defaultdict[tuple[str, str], int] = defaultdict(int)
        self._pending = ""

    def write(self, text: str) -> int:
        """Take text; count each complete line against the function running now."""
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            if line.strip():
                self.bytes[(self.function, _level(line))] += len(line.encode()) + 1
        return len(text)

    def flush(self) -> None:
        """Nothing buffered beyond a partial line."""

    def at_level(self, function: str, level: str) -> int:
        """Bytes ``function`` logs when ``LOG_LEVEL`` is ``level`` (EMF metrics are always written)."""
        order = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
        return sum(
            n
            for (f, lvl), n in self.bytes.items()
            if f == function and (lvl == "EMF" or order.index(lvl) >= order.index(level))
        )


def _level(line: str) -> str:
    try:
        record = json.loads(line)
    except ValueError:
        return "INFO"
    if not isinstance(record, dict):
        return "INFO"
    if "_aws" in record:
        return "EMF"
    level = str(record.get("level", "INFO")).upper()
    return level if level in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"} else "INFO"
