"""The export format: what ``leadrelay export`` writes and ``rules simulate`` and ``report`` read.

JSON Lines, UTF-8. The first line is the header; then one line per person (a Lead or Contact with its
activity history, as the processor's rules see them) and, optionally, one per user (for routing)::

    {"kind": "export", "format": 1, "exported_at": "2026-12-04T09:00:00Z", "org": "https://…", "since": "…"}
    {"kind": "person", "sobject": "Lead", "id": "00Q…", "record": {"LastName": "山田", …},
     "activities": [{"id": "hubspot:1", "type": "page_view", "occurred_at": "…", "source": "hubspot", …}]}
    {"kind": "user", "id": "005…", "record": {"IsActive": true, "TimeZoneSidKey": "Asia/Tokyo", …}}

Lines are read one at a time (:func:`read_export`), so an export of any size streams; a line that is not
one of these shapes is reported with its line number and skipped, never stopping the run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

FORMAT_VERSION = 1


class ExportHeader(BaseModel):
    """The first line: when and from where the export was taken."""

    model_config = ConfigDict(extra="allow")

    kind: Literal["export"]
    format: int = FORMAT_VERSION
    exported_at: datetime
    org: str | None = None
    since: datetime | None = None


class ExportedPerson(BaseModel):
    """A Lead or Contact, its fields as the org holds them, and its activity history."""

    model_config = ConfigDict(extra="allow")

    kind: Literal["person"]
    sobject: Literal["Lead", "Contact"]
    id: str = Field(min_length=15, max_length=18)
    record: dict[str, Any]
    activities: list[dict[str, Any]] = Field(default_factory=list)


class ExportedUser(BaseModel):
    """A Salesforce user (for routing: active, time zone, manager)."""

    model_config = ConfigDict(extra="allow")

    kind: Literal["user"]
    id: str = Field(min_length=15, max_length=18)
    record: dict[str, Any]


@dataclass
class ExportProblems:
    """The lines skipped while reading, each with its number and why."""

    lines: list[str] = field(default_factory=list)

    def add(self, number: int, why: str) -> None:
        """Remember that line ``number`` was skipped because of ``why``."""
        self.lines.append(f"line {number}: {why}")


def read_export(
    path: Path, problems: ExportProblems
) -> Iterator[tuple[int, ExportHeader | ExportedPerson | ExportedUser]]:
    """Each readable line of ``path`` with its line number; unreadable lines go to ``problems``."""
    with path.open(encoding="utf-8-sig") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                yield number, parse_line(line)
            except ValueError as error:
                problems.add(number, line_problem(error))


def parse_line(line: str) -> ExportHeader | ExportedPerson | ExportedUser:
    """One line as its kind; raises ``ValueError`` (a ``ValidationError`` with field paths) otherwise."""
    data = json.loads(line)
    if not isinstance(data, dict):
        raise ValueError(f"a JSON object was expected, not {type(data).__name__}")
    kind = data.get("kind")
    if kind == "person":
        return ExportedPerson.model_validate(data)
    if kind == "user":
        return ExportedUser.model_validate(data)
    if kind == "export":
        return ExportHeader.model_validate(data)
    raise ValueError(f"unknown kind {kind!r} (person, user or export)")


def line_problem(error: ValueError) -> str:
    """Why a line could not be read: the JSON error's column, or the first field path and message."""
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = "/".join(str(part) for part in first["loc"])
        return f"/{where}: {first['msg']}"
    if isinstance(error, json.JSONDecodeError):
        return f"not JSON ({error.msg} at column {error.colno})"
    return str(error)


def header_line(exported_at: datetime, *, org: str | None = None, since: datetime | None = None) -> str:
    """The export's first line."""
    header = ExportHeader(kind="export", exported_at=exported_at, org=org, since=since)
    return header.model_dump_json(exclude_none=True) + "\n"


def person_line(sobject: str, record: dict[str, Any], activities: list[dict[str, Any]]) -> str:
    """One person's line (``record`` carries its ``Id``)."""
    line = {
        "kind": "person",
        "sobject": sobject,
        "id": record["Id"],
        "record": record,
        "activities": activities,
    }
    return json.dumps(line, ensure_ascii=False, default=str) + "\n"


def user_line(record: dict[str, Any]) -> str:
    """One user's line (``record`` carries its ``Id``)."""
    return json.dumps({"kind": "user", "id": record["Id"], "record": record}, ensure_ascii=False) + "\n"
