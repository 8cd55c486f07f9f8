"""The redrive journal: what `leadrelay dlq redrive` sent, so an interrupted run resumes exactly.

One file per dead-letter queue under ``$XDG_STATE_HOME/leadrelay/`` (``~/.local/state/leadrelay/``),
or ``--journal FILE``. Each line is a JSON array of the dead-letter message ids whose event was sent in
one batch, appended and flushed to disk after SQS confirmed the send and before the messages are
deleted. A run that reads the whole queue with nothing failed removes the file.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO


def default_journal_path(queue_url: str) -> Path:
    """``$XDG_STATE_HOME/leadrelay/redrive-<queue name>-<hash of the URL>.jsonl``."""
    state_home = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    name = queue_url.rstrip("/").rsplit("/", 1)[-1] or "queue"
    digest = hashlib.sha256(queue_url.encode()).hexdigest()[:8]
    return Path(state_home) / "leadrelay" / f"redrive-{name}-{digest}.jsonl"


class JournalError(RuntimeError):
    """The journal cannot be read or written (the message names the file and why)."""


class RedriveJournal:
    """A :class:`~leadrelay.adapters.dead_letter_redrive.SentLog` kept in a file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._keys = self._load()
        self.resumed = len(self._keys)
        """Keys an earlier, unfinished run recorded (0: a fresh start)."""
        self._file: TextIO | None = None

    def _load(self) -> set[str]:
        keys: set[str] = set()
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return keys
        except OSError as error:
            raise JournalError(f"cannot read the redrive journal {self.path}: {error.strerror}") from error
        for number, line in enumerate(lines, start=1):
            try:
                batch = json.loads(line)
            except ValueError:
                if number == len(lines):
                    break  # the last line of a killed run may be cut short; its batch was not deleted
                raise JournalError(f"{self.path}:{number}: not a journal line") from None
            keys.update(str(key) for key in batch)
        return keys

    def was_sent(self, key: str) -> bool:
        """Whether this or an earlier run recorded ``key``."""
        return key in self._keys

    def record(self, keys: Iterable[str]) -> None:
        """Append one batch of keys and flush it to disk."""
        batch = list(keys)
        if not batch:
            return
        try:
            if self._file is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = self.path.open("a", encoding="utf-8")
            self._file.write(json.dumps(batch) + "\n")
            self._file.flush()
            os.fsync(self._file.fileno())
        except OSError as error:
            raise JournalError(f"cannot write the redrive journal {self.path}: {error.strerror}") from error
        self._keys.update(batch)

    def close(self, *, finished: bool) -> None:
        """Close the file; a finished redrive removes it (nothing is left to resume)."""
        if self._file is not None:
            self._file.close()
            self._file = None
        if finished:
            self.path.unlink(missing_ok=True)
