"""How `leadrelay dlq` shows dead letters: ages, table rows (PII masked)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from leadrelay.adapters.dead_letter_reading import StoredDeadLetter
from leadrelay.ingress.masking import mask_pii

COLUMNS = ("id", "age", "record", "error", "message", "attempts", "owner")


def format_age(age: timedelta) -> str:
    """``2d3h``, ``4h12m``, ``35m``, ``12s``: the two largest units."""
    seconds = max(int(age.total_seconds()), 0)
    parts = [(seconds // 86400, "d"), (seconds % 86400 // 3600, "h"), (seconds % 3600 // 60, "m")]
    shown = [f"{value}{unit}" for value, unit in parts if value][:2]
    return "".join(shown) or f"{seconds}s"


def row(message: StoredDeadLetter, now: datetime) -> dict[str, Any]:
    """One dead letter as a table/JSON row; e-mail addresses and phone numbers masked."""
    letter = message.letter
    return {
        "id": letter.id,
        "message_id": message.message_id,
        "age": format_age(letter.age(now)),
        "age_seconds": int(letter.age(now).total_seconds()),
        "record": mask_pii(letter.record or ""),
        "error": letter.error.status_code,
        "message": mask_pii(letter.error.message),
        "attempts": letter.attempts,
        "owner": letter.owner,
        "category": letter.category.value,
        "origin": letter.origin,
    }


def export_line(message: StoredDeadLetter) -> dict[str, Any]:
    """One dead letter as `dlq export` writes it: the SQS facts, the envelope and the raw body."""
    return {
        "message_id": message.message_id,
        "sent_at": message.sent_at.isoformat(),
        "receive_count": message.receive_count,
        "envelope": message.letter.model_dump(mode="json"),
        "body": message.body,
    }
