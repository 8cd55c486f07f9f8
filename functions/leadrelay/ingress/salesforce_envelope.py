"""Where the Salesforce record sits in a delivery: EventBridge (Event Relay, AppFlow) or a stream message."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from msgspec import Struct

from leadrelay.ingress.results import IngressError
from leadrelay.ingress.values import optional_text, parse_instant, require_object


class Envelope(Struct, frozen=True):
    """The Salesforce record of a delivery, wherever the envelope put it."""

    name: str
    """The event's API name (``LeadChangeEvent``, ``Lead_Activity__e``); empty when unknown."""
    payload: Mapping[str, Any]
    path: str
    """JSON path of ``payload`` in the delivery (``$.detail.payload``)."""
    time: datetime | None = None
    delivery_id: str | None = None


def unwrap(raw: Any) -> Envelope:
    """Find the Salesforce record in an EventBridge event or a streaming message."""
    event = require_object(raw, "$")
    if "detail" in event:
        detail = require_object(event["detail"], "$.detail")
        name = optional_text(event.get("detail-type"), '$["detail-type"]') or ""
        time = _lenient_time(event.get("time"))
        delivery_id = optional_text(detail.get("id"), "$.detail.id") if "id" in detail else None
        if "payload" in detail:
            payload = _object_or_json(detail["payload"], "$.detail.payload")
            return Envelope(name, payload, "$.detail.payload", time, delivery_id)
        return Envelope(name, detail, "$.detail", time, delivery_id)
    if isinstance(event.get("data"), Mapping) and "payload" in event["data"]:
        payload = _object_or_json(event["data"]["payload"], "$.data.payload")
        channel = optional_text(event.get("channel"), "$.channel") or ""
        return Envelope(_name_from_channel(channel), payload, "$.data.payload")
    raise IngressError(
        "not a Salesforce event: expected an EventBridge event (detail-type, detail) "
        "or a streaming message (channel, data.payload)",
        path="$",
    )


def _object_or_json(value: Any, path: str) -> Mapping[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise IngressError("is a string but not a JSON object", path=path) from exc
    return require_object(value, path)


def _name_from_channel(channel: str) -> str:
    """``/event/Lead_Activity__e`` → ``Lead_Activity__e``; custom channels (``…__chn``) name no event."""
    name = channel.rstrip("/").rsplit("/", 1)[-1]
    return "" if name.endswith("__chn") else name


def _lenient_time(value: Any) -> datetime | None:
    try:
        return parse_instant(value, "$.time") if value else None
    except IngressError:
        return None
