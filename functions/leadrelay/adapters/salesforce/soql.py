"""Building SOQL safely: every value through ``format_soql``, names checked, IN lists chunked.

A REST query travels in the URL (``GET …/query/?q=…``); Salesforce refuses a URI plus headers over
16,384 bytes (414/431). Japanese values triple in UTF-8 and triple again when percent-encoded, so
chunks are measured by their encoded length, not by a count of values.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from urllib.parse import quote_plus

from simple_salesforce.format import format_soql

from leadrelay.domain.queries import Filter, Scalar

DEFAULT_MAX_QUERY_BYTES = 12_000
"""Budget for the percent-encoded ``q`` parameter: leaves room for the base URL and the headers."""

_SOBJECT = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_FIELD = re.compile(r"[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*\Z")


def check_sobject(name: str) -> str:
    """``name`` if it is an sObject API name (``Lead``, ``LeadScore__c``); else ``ValueError``."""
    if not _SOBJECT.match(name):
        raise ValueError(f"not an sObject API name: {name!r}")
    return name


def check_field(name: str, *, sobject: str) -> str:
    """``name`` if it is a field path (``Email``, ``Owner.Name``, ``Fit_Score__c``); else ``ValueError``."""
    if not _FIELD.match(name):
        raise ValueError(f"not a field API name on {sobject}: {name!r}")
    return name


def select_in_queries(
    sobject: str,
    field: str,
    values: Sequence[str],
    fields: Sequence[str],
    *,
    max_query_bytes: int = DEFAULT_MAX_QUERY_BYTES,
) -> Iterator[str]:
    """``SELECT fields FROM sobject WHERE field IN (…)`` over ``values`` (deduplicated), in as few
    queries as fit ``max_query_bytes`` each when percent-encoded. ``Id`` is always selected."""
    check_sobject(sobject)
    check_field(field, sobject=sobject)
    columns = list(dict.fromkeys(["Id", *(check_field(name, sobject=sobject) for name in fields)]))
    # Names are checked above; values go through format_soql below.
    template = f"SELECT {', '.join(columns)} FROM {sobject} WHERE {field} IN {{}}"  # noqa: S608
    fixed = _encoded_length(template.replace("{}", "()"))
    chunk: list[str] = []
    used = fixed
    for value in dict.fromkeys(values):
        size = _encoded_length(format_soql("{}", value)) + len(quote_plus(", "))
        if chunk and used + size > max_query_bytes:
            yield format_soql(template, chunk)
            chunk, used = [], fixed
        chunk.append(value)
        used += size
    if chunk:
        yield format_soql(template, chunk)


def select_any_queries(
    sobject: str,
    clauses: Sequence[Mapping[str, Sequence[str]]],
    fields: Sequence[str],
    *,
    max_query_bytes: int = DEFAULT_MAX_QUERY_BYTES,
) -> Iterator[str]:
    """``SELECT fields FROM sobject WHERE (a IN (…) AND b IN (…)) OR c IN (…)``: the clauses in as few
    queries as fit ``max_query_bytes`` each when percent-encoded; a clause too long for one query is
    split by halving its longest IN list (the halves select the same records). ``Id`` is always selected."""
    check_sobject(sobject)
    columns = list(dict.fromkeys(["Id", *(check_field(name, sobject=sobject) for name in fields)]))
    # Names are checked above and in _conditions; values go through format_soql there.
    head = f"SELECT {', '.join(columns)} FROM {sobject} WHERE "  # noqa: S608
    fixed, joiner = _encoded_length(head), _encoded_length(" OR ")
    chunk: list[str] = []
    used = fixed
    for clause in clauses:
        for condition in _conditions(sobject, clause, max_query_bytes - fixed):
            size = _encoded_length(condition)
            if chunk and used + joiner + size > max_query_bytes:
                yield head + " OR ".join(chunk)
                chunk, used = [], fixed
            used += size + (joiner if chunk else 0)
            chunk.append(condition)
    if chunk:
        yield head + " OR ".join(chunk)


def _conditions(sobject: str, clause: Mapping[str, Sequence[str]], budget: int) -> list[str]:
    """One clause as conditions that each fit ``budget`` (none for a clause with an empty list)."""
    lists = {check_field(name, sobject=sobject): list(dict.fromkeys(v)) for name, v in clause.items()}
    if not lists or not all(lists.values()):
        return []
    parts = [format_soql(f"{name} IN {{}}", values) for name, values in lists.items()]
    text = parts[0] if len(parts) == 1 else f"({' AND '.join(parts)})"
    longest = max(lists, key=lambda name: len(lists[name]))
    if _encoded_length(text) <= budget or len(lists[longest]) == 1:
        return [text]
    middle = len(lists[longest]) // 2
    halves = (lists[longest][:middle], lists[longest][middle:])
    return [c for half in halves for c in _conditions(sobject, {**lists, longest: half}, budget)]


def modified_between_query(
    sobject: str, since: datetime, until: datetime, *, limit: int, field: str = "LastModifiedDate"
) -> str:
    """``SELECT Id FROM sobject WHERE field >= since AND field <= until ORDER BY field, Id LIMIT n``.

    The bounds are UTC datetime literals in whole seconds (``2026-11-21T05:06:58Z``), widened to
    the seconds that contain them, so a record stamped inside the window is never cut off.
    """
    check_sobject(sobject)
    check_field(field, sobject=sobject)
    if limit < 1:
        raise ValueError(f"limit must be positive, got {limit}")
    start = since.astimezone(UTC).replace(microsecond=0)
    end = until.astimezone(UTC)
    if end.microsecond:
        end = end.replace(microsecond=0) + timedelta(seconds=1)
    # Names are checked above; the datetimes are formatted here (SOQL datetime literals are unquoted).
    return (
        f"SELECT Id FROM {sobject} WHERE {field} >= {_literal(start)} AND {field} <= {_literal(end)} "  # noqa: S608
        f"ORDER BY {field}, Id LIMIT {int(limit)}"
    )


def select_where_query(sobject: str, fields: Sequence[str], where: Sequence[Filter]) -> str:
    """``SELECT Id, fields FROM sobject WHERE f1 AND f2 …``: names checked, values escaped, datetimes as
    UTC literals in whole seconds."""
    check_sobject(sobject)
    columns = list(dict.fromkeys(["Id", *(check_field(name, sobject=sobject) for name in fields)]))
    conditions = [
        f"{check_field(f.field, sobject=sobject)} {f.op} "
        + (
            "(" + ", ".join(_value(v) for v in f.value) + ")"
            if isinstance(f.value, tuple)
            else _value(f.value)
        )
        for f in where
    ]
    # Names are checked above; every value goes through _value (format_soql or a datetime literal).
    soql = f"SELECT {', '.join(columns)} FROM {sobject}"  # noqa: S608
    return soql + (" WHERE " + " AND ".join(conditions) if conditions else "")


def _value(value: Scalar) -> str:
    if isinstance(value, datetime):
        return _literal(value.astimezone(UTC).replace(microsecond=0))
    return str(format_soql("{}", value))


def _literal(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _encoded_length(text: str) -> int:
    return len(quote_plus(text))
