"""The custom notification action: ``POST /services/data/vXX.X/actions/standard/customNotificationAction``.

Salesforce's contract (Actions developer guide, "Custom Notification Actions"): a body
``{"inputs": [{customNotifTypeId, recipientIds, title, body, targetId | targetPageRef}, …]}`` and one
result per input, in order: ``{"actionName", "errors", "isSuccess", "outputValues"}``. Here each input
is checked — the type exists (``CustomNotificationType``), every recipient is an active user, title
(≤ 250) and body (≤ 750) are given, a target is named — and each accepted notification is recorded
per recipient (``LocalOrg.notifications``) for tests to read. The answer is 200 when any input
succeeded, else 400 with the same per-input array.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadrelay_tools.localorg.errors import ApiError
from leadrelay_tools.localorg.ids import normalize_id

ACTION = "customNotificationAction"
LIMITS = {"title": 250, "body": 750}


@dataclass(frozen=True)
class Notification:
    """One notification delivered to one recipient."""

    type_id: str
    recipient_id: str
    title: str
    body: str
    target_id: str | None
    sender_id: str
    at: datetime


def send(
    body: Any,
    *,
    exists: Callable[[str, str], Mapping[str, Any] | None],
    sender_id: str,
    now: datetime,
    record: Callable[[Notification], None],
) -> tuple[int, list[dict[str, Any]]]:
    """Answer one action request; ``exists(sobject, id)`` reads a live record."""
    inputs = body.get("inputs") if isinstance(body, dict) else None
    if not isinstance(inputs, list) or not inputs:
        raise ApiError(400, "JSON_PARSER_ERROR", "The request body needs a non-empty 'inputs' array.")
    results = []
    for raw in inputs:
        problem, notes = _check(raw, exists, sender_id, now)
        if problem is None:
            for note in notes:
                record(note)
        results.append(
            {
                "actionName": ACTION,
                "errors": None if problem is None else [problem],
                "isSuccess": problem is None,
                "outputValues": {"SObject Type": "CustomNotificationType"} if problem is None else None,
            }
        )
    return (200 if any(r["isSuccess"] for r in results) else 400), results


def _check(
    raw: Any, exists: Callable[[str, str], Mapping[str, Any] | None], sender_id: str, now: datetime
) -> tuple[dict[str, Any] | None, list[Notification]]:
    if not isinstance(raw, dict):
        return _error("INVALID_INPUT", "Each input must be an object."), []
    for name in ("customNotifTypeId", "recipientIds", "title", "body"):
        if raw.get(name) in (None, "", []):
            return _error("REQUIRED_FIELD_MISSING", f"Missing required input parameter: {name}"), []
    if not (raw.get("targetId") or raw.get("targetPageRef")):
        return _error("REQUIRED_FIELD_MISSING", "Missing required input parameter: targetId"), []
    for name, limit in LIMITS.items():
        if len(str(raw[name])) > limit:
            return _error("STRING_TOO_LONG", f"{name}: data value too large (max length={limit})"), []
    type_id = normalize_id(str(raw["customNotifTypeId"]))
    if type_id is None or exists("CustomNotificationType", type_id) is None:
        return _error("INVALID_ID_FIELD", f"Invalid customNotifTypeId: {raw['customNotifTypeId']}"), []
    recipients = raw["recipientIds"]
    recipients = recipients if isinstance(recipients, list) else str(recipients).split(",")
    notes = []
    for recipient in recipients:
        user_id = normalize_id(str(recipient).strip())
        user = exists("User", user_id) if user_id else None
        if user_id is None or user is None or not user.get("IsActive"):
            return _error("INVALID_ID_FIELD", f"Invalid recipient (not an active user): {recipient}"), []
        target = raw.get("targetId")
        notes.append(
            Notification(
                type_id, user_id, str(raw["title"]), str(raw["body"]), target and str(target), sender_id, now
            )
        )
    return None, notes


def _error(code: str, message: str) -> dict[str, Any]:
    return {"statusCode": code, "message": message, "fields": []}
