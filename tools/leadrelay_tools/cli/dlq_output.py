"""How `leadrelay dlq` shows dead letters: ages, table rows (PII masked), a progress bar."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from typing import Any

from leadrelay.adapters.dead_letter_reading import StoredDeadLetter
from leadrelay.ingress.masking import mask_pii

from leadrelay_tools.cli.output import write_own_controls

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


class Progress:
    """A one-line progress bar on stderr: ``redriving [#########-----------] 9/20``."""

    def __init__(self, label: str, total: int, width: int = 30) -> None:
        self.label, self.total, self.width = label, total, width
        self.update(0)

    def update(self, done: int) -> None:
        """Redraw with ``done`` (the total grows if the queue did)."""
        self.total = max(self.total, done)
        filled = self.width * done // self.total if self.total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        write_own_controls(sys.stderr, f"\r{self.label} [{bar}] {done}/{self.total}")
        sys.stderr.flush()

    def close(self) -> None:
        """End the bar's line."""
        sys.stderr.write("\n")
