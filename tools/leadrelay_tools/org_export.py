"""``leadrelay export``: the org's Leads, Contacts and users with the activity store's histories.

Records come through Bulk API 2.0 (simple-salesforce's ``bulk2``): one query job per object, CSV pages of
up to 50,000 records, so 100,000 records take a few calls, not thousands. CSV carries text only, so each
value is typed back from the object's describe (booleans, numbers, dates), and the rules read the same
values the processor reads through the REST API. Activity histories come from one parallel scan of the
activity table (every partition once), grouped under the key the processor files each person's history
under (:meth:`leadrelay.domain.identity.Person.key`). Lines are written as they are read
(:mod:`leadrelay_tools.export_format`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO

from leadrelay.adapters.activity_store import decode_activity, partition_key
from leadrelay.adapters.activity_table import PK, SK, utc_text
from leadrelay.domain.identity import Person

from leadrelay_tools.export_format import header_line, person_line, user_line

PAGE_SIZE = 50_000
EXTRA_FIELDS = ("Id", "OwnerId", "CreatedDate", "LastModifiedDate", "Status", "LeadSource", "IsConverted")
"""Read besides the processor's fields, for reports (owner, funnel dates, conversion)."""
USER_FIELDS = ("Id", "Name", "IsActive", "TimeZoneSidKey", "ManagerId")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_NUMBER_TYPES: dict[str, Callable[[str], float]] = {
    "int": lambda text: int(float(text)),
    "double": float,
    "currency": float,
    "percent": float,
}


@dataclass
class ExportCounts:
    """What an export wrote."""

    people: dict[str, int] = field(default_factory=dict)
    activities: int = 0
    users: int = 0


@dataclass(frozen=True)
class ActivityTable:
    """The processor's activity table, read whole for an export (the processor reads one key at a time)."""

    client: Any
    name: str
    segments: int = 4

    def histories_since(self, since: datetime) -> dict[str, list[dict[str, Any]]]:
        """Every person's activities since ``since`` by partition key, oldest first: one parallel Scan."""
        with ThreadPoolExecutor(max_workers=self.segments) as pool:
            parts = pool.map(lambda segment: self._scan(segment, since), range(self.segments))
            items = sorted(item for part in parts for item in part)
        histories: dict[str, list[dict[str, Any]]] = {}
        for key, _, text in items:
            histories.setdefault(key, []).append(decode_activity(text))
        return histories

    def _scan(self, segment: int, since: datetime) -> list[tuple[str, str, str]]:
        found: list[tuple[str, str, str]] = []
        request: dict[str, Any] = {
            "TableName": self.name,
            "Segment": segment,
            "TotalSegments": self.segments,
            "FilterExpression": "#sk >= :since AND attribute_exists(activity)",
            "ExpressionAttributeNames": {"#sk": SK},
            "ExpressionAttributeValues": {":since": {"S": utc_text(since)}},
        }
        while True:
            page = self.client.scan(**request)
            found += [(i[PK]["S"], i[SK]["S"], i["activity"]["S"]) for i in page.get("Items", [])]
            if "LastEvaluatedKey" not in page:
                return found
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def columns_of(described: Mapping[str, str], wanted: Iterable[str]) -> list[str]:
    """``Id``, then the fields of ``wanted``, the report extras and every ``LR_`` field the object has."""
    chosen = [name for name in dict.fromkeys([*EXTRA_FIELDS, *wanted]) if name in described]
    chosen += sorted(name for name in described if name.startswith("LR_") and name not in chosen)
    return chosen


def field_types(client: Any, sobject: str) -> dict[str, str]:
    """Field name → its describe type (``boolean``, ``double``, ``datetime`` …)."""
    return {f["name"]: f["type"] for f in getattr(client, sobject).describe()["fields"]}


def typed(row: Mapping[str, str], types: Mapping[str, str]) -> dict[str, Any]:
    """A Bulk API CSV row with its values typed as the describe says (empty cells left out)."""
    record: dict[str, Any] = {}
    for name, text in row.items():
        if text == "":
            continue
        kind = types.get(name, "string")
        if kind == "boolean":
            record[name] = text.lower() == "true"
        elif kind in _NUMBER_TYPES:
            try:
                record[name] = _NUMBER_TYPES[kind](text)
            except ValueError:
                record[name] = text
        else:
            record[name] = text
    return record


def bulk_query(
    client: Any, sobject: str, columns: Sequence[str], where: str = "", wait: float = 1.0
) -> Iterator[dict[str, str]]:
    """Every row of one Bulk API 2.0 query job, page by page."""
    if not all(_NAME.match(name) for name in [sobject, *columns]):
        raise ValueError(f"not field names: {sobject} {list(columns)}")
    soql = f"SELECT {', '.join(columns)} FROM {sobject}{where}"  # noqa: S608 - names checked, no values
    for page in getattr(client.bulk2, sobject).query(soql, max_records=PAGE_SIZE, wait=wait):
        yield from csv.DictReader(io.StringIO(page))


def soql_datetime(moment: datetime) -> str:
    """A SOQL datetime literal (``2026-09-05T00:00:00Z``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_export(
    out: TextIO,
    client: Any,
    store: ActivityTable | None,
    *,
    objects: Sequence[str],
    fields_for: Callable[[str], Sequence[str]],
    since: datetime,
    now: datetime,
    org: str | None = None,
    progress: Callable[[int], None] | None = None,
    wait: float = 1.0,
) -> ExportCounts:
    """Write the header, each object's people (modified since ``since``) with their histories since
    ``since``, then the users; ``progress(n)`` after every 1,000 people."""
    histories = store.histories_since(since) if store is not None else {}
    counts = ExportCounts()
    out.write(header_line(now, org=org, since=since))
    where = f" WHERE LastModifiedDate >= {soql_datetime(since)}"
    done = 0
    for sobject in objects:
        types = field_types(client, sobject)
        columns = columns_of(types, fields_for(sobject))
        counts.people[sobject] = 0
        for row in bulk_query(client, sobject, columns, where, wait):
            record = typed(row, types)
            history = histories.get(partition_key(Person(sobject, record).key), [])  # type: ignore[arg-type]
            out.write(person_line(sobject, record, history))
            counts.people[sobject] += 1
            counts.activities += len(history)
            done += 1
            if progress is not None and done % 1_000 == 0:
                progress(done)
    user_types = field_types(client, "User")
    for row in bulk_query(client, "User", [f for f in USER_FIELDS if f in user_types], wait=wait):
        out.write(user_line(typed(row, user_types)))
        counts.users += 1
    if progress is not None:
        progress(done)
    return counts
