"""The org side of the batch, through Bulk API 2.0 (simple-salesforce's ``bulk2``).

``query_rows`` streams an object's records page by page (CSV, ``Sforce-Locator`` paging) as rows for
``leadrelay dedup --from-org``. ``backfill`` computes the match keys of every Lead, Contact and Account
and writes those that changed through ingest jobs (``update``), one job per ``batch_size`` records;
after each job it appends the ids written to a journal (JSON Lines), so an interrupted backfill
resumes where it stopped and a record is never written twice. Failed rows are reported with
Salesforce's reason and left out of the journal, so the next run retries them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leadrelay.domain.matching.match_rules import MatchRules

from leadrelay_tools.dedup.keys import key_fields, keys_for, source_columns
from leadrelay_tools.dedup.reading import Row

NULL = "#N/A"
"""Bulk API's way to clear a field (an empty value leaves it as it is)."""
PAGE_SIZE = 50_000
OBJECTS = ("Lead", "Contact", "Account")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def object_columns(client: Any, rules: MatchRules, sobject: str) -> list[str]:
    """``Id`` and the columns the rules read for ``sobject`` that the org's object has."""
    available = {f["name"] for f in getattr(client, sobject).describe()["fields"]}
    return source_columns(rules, sobject, available)


def query_rows(client: Any, sobject: str, columns: list[str], wait: float = 1.0) -> Iterator[Row]:
    """Every record of ``sobject`` (its ``columns``) as numbered rows, one Bulk API 2.0 page at a time."""
    if sobject not in OBJECTS or not all(_NAME.match(column) for column in columns):
        raise ValueError(f"cannot query {sobject} {columns}")
    soql = f"SELECT {', '.join(columns)} FROM {sobject}"  # noqa: S608 - names checked above, no values
    number = 0
    for page in getattr(client.bulk2, sobject).query(soql, max_records=PAGE_SIZE, wait=wait):
        for row in csv.DictReader(io.StringIO(page)):
            number += 1
            yield number, {name: value for name, value in row.items() if value != ""}, None


@dataclass
class Backfilled:
    """What one object's backfill did."""

    sobject: str
    read: int = 0
    written: int = 0
    unchanged: int = 0
    resumed: int = 0
    jobs: int = 0
    failures: list[str] = field(default_factory=list)


def read_journal(path: Path) -> dict[str, set[str]]:
    """The ids each object's finished jobs wrote (an absent journal is an empty one)."""
    done: dict[str, set[str]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                entry = json.loads(line)
                done.setdefault(entry["object"], set()).update(entry["ids"])
    return done


def backfill(
    client: Any,
    rules: MatchRules,
    sobject: str,
    journal: Path,
    *,
    batch_size: int,
    wait: float = 1.0,
    progress: Callable[[int], None] = lambda _: None,
) -> Backfilled:
    """Compute and write the match keys of every ``sobject`` record not yet in the journal."""
    done = read_journal(journal).get(sobject, set())
    available = {f["name"] for f in getattr(client, sobject).describe()["fields"]}
    columns = source_columns(rules, sobject, available)
    stored = [name for name in key_fields(sobject) if name in available]
    result = Backfilled(sobject)
    batch: list[dict[str, str]] = []
    for _, row, _ in query_rows(client, sobject, list(dict.fromkeys([*columns, *stored])), wait):
        assert row is not None  # noqa: S101 - query_rows yields rows only
        result.read += 1
        if result.read % 1000 == 0:
            progress(result.read)
        if row["Id"] in done:
            result.resumed += 1
            continue
        keys = keys_for(rules, sobject, row)
        if all(row.get(name, "") == value for name, value in keys.items()):
            result.unchanged += 1
            continue
        batch.append({"Id": row["Id"], **{name: value or NULL for name, value in keys.items()}})
        if len(batch) >= batch_size:
            _write(client, sobject, batch, journal, result, wait)
            batch = []
    if batch:
        _write(client, sobject, batch, journal, result, wait)
    progress(result.read)
    return result


def _write(
    client: Any, sobject: str, batch: list[dict[str, str]], journal: Path, result: Backfilled, wait: float
) -> None:
    bulk = getattr(client.bulk2, sobject)
    failed: set[str] = set()
    jobs = bulk.update(records=batch, wait=wait)
    for job in jobs:
        if int(job["numberRecordsFailed"]):
            for row in csv.DictReader(io.StringIO(bulk.get_failed_records(job["job_id"]))):
                failed.add(row["Id"])
                result.failures.append(f"{sobject} {row['Id']}: {row['sf__Error']}")
    ids = [record["Id"] for record in batch if record["Id"] not in failed]
    with journal.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"object": sobject, "jobs": [job["job_id"] for job in jobs], "ids": ids}) + "\n")
    result.jobs += len(jobs)
    result.written += len(ids)
