"""An in-memory ``SalesforceGateway`` for step tests: no HTTP, no TLS, no SQLite, no login.

``InMemorySalesforce`` implements the port (``leadrelay.ports.SalesforceGateway``) over dictionaries,
knowing the org's objects and fields from the same metadata the local org loads, so it answers as the
real gateway does against the local org for what the pipeline relies on:

- ``find``/``read``: records whose field equals one of the values (text compared case-insensitively,
  as SOQL does), with ``Id`` and the asked fields (names spelled as the org spells them) as the local
  org answers; an unknown field raises ``UnknownFieldError`` naming it (the gateway's ``INVALID_FIELD``);
- ``find_any``: records satisfying any clause (every field of the clause one of its values);
- ``write``: one ``WriteResult`` per op, in op order; creates get a new id of the object's key prefix;
  updates of an unknown id fail with ``INVALID_CROSS_REFERENCE_KEY``; upserts match on the external id;
  a field the object lacks fails that record with ``INVALID_FIELD``, a read-only one with
  ``INVALID_FIELD_FOR_INSERT_UPDATE``, a missing required one with ``REQUIRED_FIELD_MISSING``;
- ``select``: records matching every ``Filter`` (``=``, ``!=``, ordering, ``IN``/``NOT IN``; null
  as SOQL treats it: ``NOT IN`` leaves nulls out);
- ``modified_between``: ids by ``LastModifiedDate`` in the window, oldest first, at most ``limit``;
- ``fail_next(ref_or_sobject, error)``: the next write of a record fails with ``error`` (the local org's
  ``Faults`` for record-level failures).

``tests/gateway/test_gateway_contract.py`` runs the same expectations against this fake and against the
real gateway over HTTP against the local org, so the two cannot drift apart.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from leadrelay.domain.errors import ErrorDetail
from leadrelay.domain.failures import SalesforceCallError, UnknownFieldError
from leadrelay.domain.queries import Filter
from leadrelay.domain.writes import WriteKind, WriteOp, WriteResult
from leadrelay.engine.values import as_timestamp
from leadrelay_tools.localorg.ids import make_id, normalize_id
from leadrelay_tools.localorg.metadata import load_schema
from leadrelay_tools.localorg.schema import ObjectDef, Schema


class _RecordError(Exception):
    def __init__(self, status_code: str, message: str, fields: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.error = ErrorDetail(status_code=status_code, message=message, fields=fields)


class InMemorySalesforce:
    """The Salesforce port over dictionaries (records by object, then by 18-character id)."""

    def __init__(self, *, schema: Schema | None = None, clock: Callable[[], datetime] | None = None) -> None:
        self.schema = schema or load_schema()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._records: dict[str, dict[str, dict[str, Any]]] = {}
        self._numbers = itertools.count(1)
        self._failures: dict[str, list[ErrorDetail]] = {}
        self.writes: list[WriteOp] = []
        """Every op written, in order (what a step test inspects instead of the org's API log)."""

    # --- the port -------------------------------------------------------------------------------

    def find(
        self,
        sobject: str,
        field: str,
        values: Sequence[str],
        fields: Sequence[str],
        *,
        time_left: Callable[[], float] | None = None,
    ) -> list[dict[str, Any]]:
        """Records of ``sobject`` whose ``field`` is one of ``values``, with ``fields`` only."""
        obj = self._object(sobject, f"query {sobject} by {field}")
        operation = f"query {sobject} by {field}"
        key = self._field_name(obj, field, operation)
        names = [self._field_name(obj, name, operation) for name in fields]
        wanted = {_folded(value) for value in values}
        return [
            {"Id": record["Id"]} | {name: record.get(name) for name in names}
            for record in self._live(sobject)
            if _folded(record.get(key)) in wanted
        ]

    def find_any(
        self,
        sobject: str,
        clauses: Sequence[Mapping[str, Sequence[str]]],
        fields: Sequence[str],
        *,
        time_left: Callable[[], float] | None = None,
    ) -> list[dict[str, Any]]:
        """Records of ``sobject`` satisfying any clause (each field one of its values), with ``fields``."""
        operation = f"query {sobject} by match keys"
        obj = self._object(sobject, operation)
        names = [self._field_name(obj, name, operation) for name in fields]
        wanted = [
            {self._field_name(obj, key, operation): {_folded(v) for v in values} for key, values in c.items()}
            for c in clauses
        ]
        return [
            {"Id": record["Id"]} | {name: record.get(name) for name in names}
            for record in self._live(sobject)
            if any(c and all(_folded(record.get(k)) in v for k, v in c.items()) for c in wanted)
        ]

    def read(
        self,
        sobject: str,
        ids: Sequence[str],
        fields: Sequence[str],
        *,
        time_left: Callable[[], float] | None = None,
    ) -> list[dict[str, Any]]:
        """Records by id (``find`` on ``Id``; 15- and 18-character ids alike)."""
        return self.find(sobject, "Id", [normalize_id(i) or i for i in ids], fields, time_left=time_left)

    def modified_between(
        self,
        sobject: str,
        since: datetime,
        until: datetime,
        *,
        limit: int,
        time_left: Callable[[], float] | None = None,
    ) -> list[str]:
        """Ids modified in ``[since, until]``, oldest first, at most ``limit``."""
        inside = [r for r in self._live(sobject) if since <= r["LastModifiedDate"] <= until]
        return [r["Id"] for r in sorted(inside, key=lambda r: r["LastModifiedDate"])][:limit]

    def select(
        self,
        sobject: str,
        fields: Sequence[str],
        where: Sequence[Filter],
        *,
        time_left: Callable[[], float] | None = None,
    ) -> list[dict[str, Any]]:
        """Records matching every filter (text compared case-insensitively, datetimes as instants)."""
        operation = f"query {sobject}"
        obj = self._object(sobject, operation)
        names = [self._field_name(obj, name, operation) for name in fields]
        tests = [(self._field_name(obj, f.field, operation), f) for f in where]
        return [
            {"Id": record["Id"]} | {name: record.get(name) for name in names}
            for record in self._live(sobject)
            if all(_matches(record.get(name), f) for name, f in tests)
        ]

    def write(self, ops: Sequence[WriteOp]) -> list[WriteResult]:
        """One result per op, in op order; a failed record never stops the others (``allOrNone`` false)."""
        self.writes.extend(ops)
        return [self._write(op) for op in ops]

    # --- test surface ---------------------------------------------------------------------------

    def fail_next(self, ref: str, error: ErrorDetail) -> None:
        """The next write of the op with ``ref`` fails with ``error``."""
        self._failures.setdefault(ref, []).append(error)

    def insert(self, sobject: str, fields: Mapping[str, Any]) -> str:
        """Seed a record (as a sales user would create it); returns its id (``LocalOrg.insert``'s shape)."""
        op = WriteOp(ref="seed", sobject=sobject, kind=WriteKind.CREATE, fields=dict(fields))
        result = self._write(op)
        assert result.success, result.errors
        return str(result.record_id)

    def records(self, sobject: str) -> list[dict[str, Any]]:
        """The live records of ``sobject`` in creation order (copies)."""
        return [dict(record) for record in self._live(sobject)]

    # --- plumbing -------------------------------------------------------------------------------

    def _write(self, op: WriteOp) -> WriteResult:
        try:
            if failures := self._failures.get(op.ref):
                error = failures.pop(0)
                return WriteResult(ref=op.ref, success=False, errors=(error,))
            record_id, created = self._apply(op)
        except _RecordError as failure:
            return WriteResult(ref=op.ref, success=False, errors=(failure.error,))
        return WriteResult(ref=op.ref, success=True, record_id=record_id, created=created)

    def _apply(self, op: WriteOp) -> tuple[str, bool]:
        obj = self._object(op.sobject, f"write {op.sobject}")
        if op.kind is WriteKind.UPDATE:
            return self._update(obj, normalize_id(op.record_id or "") or "", op.fields), False
        if op.kind is WriteKind.UPSERT:
            ext = self._field_name(obj, op.external_id_field or "", f"upsert {op.sobject}")
            match = next((r for r in self._live(obj.name) if r.get(ext) == op.external_id), None)
            if match is not None:
                return self._update(obj, match["Id"], op.fields), False
            return self._create(obj, {**op.fields, ext: op.external_id}), True
        return self._create(obj, op.fields), True

    def _create(self, obj: ObjectDef, fields: dict[str, Any]) -> str:
        values = self._values(obj, fields, creating=True)
        defaults = {f.name: f.default for f in obj if f.default is not None and f.name not in values}
        values = defaults | values
        missing = [f.name for f in obj if f.required and values.get(f.name) is None]
        if missing:
            message = f"Required fields are missing: [{', '.join(missing)}]"
            raise _RecordError("REQUIRED_FIELD_MISSING", message, tuple(missing))
        now = self._clock()
        record_id = make_id(obj.key_prefix, next(self._numbers))
        record = {"Id": record_id, "IsDeleted": False, "CreatedDate": now, "LastModifiedDate": now}
        self._records.setdefault(obj.name, {})[record_id] = record | {"SystemModstamp": now} | values
        return record_id

    def _update(self, obj: ObjectDef, record_id: str, fields: dict[str, Any]) -> str:
        record = self._records.get(obj.name, {}).get(record_id)
        if record is None:
            raise _RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")
        record.update(self._values(obj, fields, creating=False))
        record["LastModifiedDate"] = record["SystemModstamp"] = self._clock()
        return record_id

    def _values(self, obj: ObjectDef, fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, value in fields.items():
            fdef = obj.field(key)
            if fdef is None:
                raise _RecordError("INVALID_FIELD", f"No such column '{key}' on sobject of type {obj.name}")
            if not (fdef.createable if creating else fdef.updateable):
                message = f"Unable to create/update fields: {fdef.name}."
                raise _RecordError("INVALID_FIELD_FOR_INSERT_UPDATE", message, (fdef.name,))
            values[fdef.name] = value
        return values

    def _object(self, sobject: str, operation: str) -> ObjectDef:
        obj = self.schema.get(sobject)
        if obj is None:
            message = f"sObject type '{sobject}' is not supported."
            raise SalesforceCallError(operation, ErrorDetail(status_code="INVALID_TYPE", message=message))
        return obj

    def _field_name(self, obj: ObjectDef, name: str, operation: str) -> str:
        fdef = obj.field(name)
        if fdef is None:
            message = f"No such column '{name}' on entity '{obj.name}'."
            raise UnknownFieldError(
                operation, ErrorDetail(status_code="INVALID_FIELD", message=message), field=name
            )
        return fdef.name

    def _live(self, sobject: str) -> Iterator[dict[str, Any]]:
        obj = self.schema.get(sobject)
        records = self._records.get(obj.name if obj else sobject, {})
        return (record for record in records.values() if not record["IsDeleted"])


def _folded(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _comparable(value: Any) -> Any:
    """Datetimes (objects or ISO text) as instants, text case-folded, as SOQL compares them."""
    if isinstance(value, datetime):
        return as_timestamp(value)
    if isinstance(value, str) and as_timestamp(value) is not None and "T" in value:
        return as_timestamp(value)
    return _folded(value)


def _matches(stored: Any, condition: Filter) -> bool:
    if condition.op in ("IN", "NOT IN"):
        inside = stored is not None and _comparable(stored) in {
            _comparable(v) for v in cast(tuple[Any, ...], condition.value)
        }
        return inside if condition.op == "IN" else stored is not None and not inside
    if condition.value is None or stored is None:
        same = (stored is None) == (condition.value is None)
        return same if condition.op == "=" else (not same if condition.op == "!=" else False)
    return _COMPARE[condition.op](_comparable(stored), _comparable(condition.value))


@pytest.fixture(scope="session")
def org_schema() -> Schema:
    """The org's objects and fields, loaded once (the local org's metadata)."""
    return load_schema()


@pytest.fixture
def fake_salesforce(org_schema: Schema) -> InMemorySalesforce:
    """An empty in-memory Salesforce behind the gateway port."""
    return InMemorySalesforce(schema=org_schema)
