"""REST resources: query, sObject rows, sObject Collections, limits, describe."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from leadrelay_tools.localorg.changes import WriteContext
from leadrelay_tools.localorg.errors import ApiError, RecordError, RecordSaveError, invalid_type, not_found
from leadrelay_tools.localorg.ids import normalize_id
from leadrelay_tools.localorg.query import CompiledQuery
from leadrelay_tools.localorg.schema import FieldDef, ObjectDef
from leadrelay_tools.localorg.soql import parse
from leadrelay_tools.localorg.state import OrgState
from leadrelay_tools.localorg.values import from_db

Result = tuple[int, Any]
MAX_COLLECTION = 200
_ROLLED_BACK = RecordError(
    "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "Record rolled back because not all records were valid and the request was using AllOrNone header",
)


def sobject(state: OrgState, name: str) -> ObjectDef:
    """The object called ``name`` or 404."""
    obj = state.schema.get(name)
    if obj is None:
        raise invalid_type(name)
    return obj


def record_json(
    obj: ObjectDef, row: Mapping[str, Any], names: list[str], version: str, record_id: str
) -> dict[str, Any]:
    """A record as the REST API returns it: ``attributes`` first, then the fields asked for."""
    out: dict[str, Any] = {
        "attributes": {"type": obj.name, "url": f"/services/data/v{version}/sobjects/{obj.name}/{record_id}"}
    }
    for name in names:
        out[name] = from_db(obj.fields[name.lower()], row.get(name))
    return out


def query(state: OrgState, version: str, soql: str, batch: int | None, include_deleted: bool) -> Result:
    """``GET /query?q=`` (and ``/queryAll``)."""
    if not soql.strip():
        raise ApiError(400, "MALFORMED_QUERY", "A query string has to be specified")
    refusal = state.faults.for_query(soql)
    if refusal is not None:
        raise refusal
    compiled = CompiledQuery(state.schema, soql, parse(soql), include_deleted=include_deleted)
    obj = compiled.obj
    sql = (
        compiled.sql.replace("SELECT ", 'SELECT "Id" AS "__id", ', 1)
        if not compiled.count_only
        else compiled.sql
    )
    rows = state.store.select(obj, sql, compiled.params)
    if compiled.count_only:
        return 200, {"totalSize": rows[0]["n"], "done": True, "records": []}
    names = [f.name for f in compiled.fields]
    records = [record_json(obj, row, names, version, row["__id"]) for row in rows]
    return 200, page(state, version, records, 0, batch or state.page_size)


def page(
    state: OrgState, version: str, records: list[dict[str, Any]], start: int, size: int
) -> dict[str, Any]:
    """One page of a query result, with ``nextRecordsUrl`` when more remain."""
    chunk = records[start : start + size]
    result: dict[str, Any] = {
        "totalSize": len(records),
        "done": start + size >= len(records),
        "records": chunk,
    }
    if not result["done"]:
        cursor = state.add_cursor(version, records)
        result["nextRecordsUrl"] = f"/services/data/v{version}/query/{cursor}-{start + size}"
    return result


def query_more(state: OrgState, version: str, locator: str, batch: int | None) -> Result:
    """``GET /query/{cursor}-{offset}``."""
    cursor, _, offset = locator.partition("-")
    entry = state.cursors.pop(cursor, None)
    if entry is None or not offset.isdigit():
        raise ApiError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
    return 200, page(state, version, entry[1], int(offset), batch or state.page_size)


def get_record(state: OrgState, version: str, obj: ObjectDef, record_id: str, fields: str | None) -> Result:
    """``GET /sobjects/{Type}/{Id}`` (optionally ``?fields=a,b``)."""
    row = state.store.get(obj, record_id)
    if row is None or row.get("IsDeleted"):
        raise not_found()
    names = [f.name for f in obj] if not fields else [_field(obj, n).name for n in fields.split(",")]
    return 200, record_json(obj, row, names, version, record_id)


def _field(obj: ObjectDef, name: str) -> FieldDef:
    fdef = obj.field(name.strip())
    if fdef is None:
        raise ApiError(400, "INVALID_FIELD", f"No such column '{name.strip()}' on sobject of type {obj.name}")
    return fdef


def single(action: Callable[[], Result]) -> Result:
    """Run a single-record write; a ``RecordSaveError`` becomes ``[{message, errorCode, fields}]``."""
    try:
        return action()
    except RecordSaveError as failure:
        return failure.errors[0].status, [e.rest_shape() for e in failure.errors]


def live_id(state: OrgState, obj: ObjectDef, raw: str) -> str:
    """The 18-character id of a live record of ``obj`` in a URL, or 404 NOT_FOUND / ENTITY_IS_DELETED."""
    record_id = normalize_id(raw)
    row = state.store.get(obj, record_id) if record_id else None
    if record_id is None or row is None:
        raise not_found()
    if row.get("IsDeleted"):
        raise ApiError(404, "ENTITY_IS_DELETED", "entity is deleted", {"fields": []})
    return record_id


def upsert_single(
    state: OrgState, obj: ObjectDef, ext: FieldDef, value: str, body: Any, ctx: WriteContext
) -> Result:
    """``PATCH /sobjects/{Type}/{ExtField}/{value}``: 201 created / 200 updated / 300 several matches."""
    try:
        record_id, created = state.engine.upsert(obj, ext, value, _body(body), ctx)
    except RecordSaveError as failure:
        if failure.errors[0].code == "DUPLICATE_EXTERNAL_ID":
            version = ctx.api_version
            matches = state.store.find(obj, ext.name, value)
            return 300, [f"/services/data/v{version}/sobjects/{obj.name}/{i}" for i in matches]
        raise
    return (201 if created else 200), {"id": record_id, "success": True, "errors": [], "created": created}


def external_field(obj: ObjectDef, name: str) -> FieldDef:
    """The external id field used in an upsert URL, or Salesforce's 400/404."""
    fdef = obj.field(name)
    if fdef is None:
        raise not_found()
    if not (fdef.external_id or fdef.name == "Id"):
        raise ApiError(
            400,
            "INVALID_FIELD",
            f"Field name provided, {fdef.name} is not an External ID or indexed field for {obj.name}",
        )
    return fdef


def _body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ApiError(
            400, "JSON_PARSER_ERROR", "Cannot deserialize instance of object from the request body"
        )
    return body


def collection(
    state: OrgState, body: Any, ctx: WriteContext, save: Callable[[dict[str, Any]], tuple[str, bool | None]]
) -> Result:
    """Run ``save`` on each record of an sObject Collections request; results in request order."""
    body = _body(body)
    records = body.get("records")
    if not isinstance(records, list):
        raise ApiError(400, "JSON_PARSER_ERROR", "records: a JSON array of sObjects is required")
    if len(records) > MAX_COLLECTION:
        raise ApiError(
            400,
            "EXCEEDED_ID_LIMIT",
            f"record limit reached. cannot submit more than {MAX_COLLECTION} records into this call",
        )
    all_or_none = bool(body.get("allOrNone", False))
    results: list[dict[str, Any]] = []
    input_ids = [r.get("Id") if isinstance(r, dict) else None for r in records]
    failed = False
    with state.store.transaction():
        for record in records:
            try:
                with state.store.transaction():
                    record_id, created = save(_body(record))
                result: dict[str, Any] = {"id": record_id, "success": True, "errors": []}
                if created is not None:
                    result["created"] = created
            except RecordSaveError as failure:
                failed = True
                result = {"success": False, "errors": [e.collection_shape() for e in failure.errors]}
            results.append(result)
        if all_or_none and failed:
            ctx.events.clear()
            raise _RollbackError(results, input_ids)  # leaving the transaction by an exception rolls it back
    return 200, results


class _RollbackError(Exception):
    def __init__(self, results: list[dict[str, Any]], input_ids: list[Any]) -> None:
        super().__init__("all or none")
        self.results = [
            (({"id": rid} if rid else {}) | {"success": False, "errors": [_ROLLED_BACK.collection_shape()]})
            if r["success"]
            else r
            for r, rid in zip(results, input_ids, strict=True)
        ]


def run_collection(
    state: OrgState, body: Any, ctx: WriteContext, save: Callable[[dict[str, Any]], tuple[str, bool | None]]
) -> Result:
    """``collection`` with allOrNone rollbacks turned into their results."""
    try:
        return collection(state, body, ctx, save)
    except _RollbackError as rollback:
        return 200, rollback.results
