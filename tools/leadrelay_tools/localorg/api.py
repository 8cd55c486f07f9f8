"""The HTTP-independent request handler: routing, OAuth, bearer sessions, API call counting, faults."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from leadrelay_tools.localorg import bulk, identity, notifications
from leadrelay_tools.localorg import resources as res
from leadrelay_tools.localorg.changes import WriteContext
from leadrelay_tools.localorg.describe import describe
from leadrelay_tools.localorg.errors import ApiError, RecordError, RecordSaveError, invalid_session, not_found
from leadrelay_tools.localorg.ids import normalize_id
from leadrelay_tools.localorg.state import OrgState

_DATA = re.compile(r"^/services/data/v(\d+\.\d)(?:/(.*))?$")
_IDENTITY = re.compile(r"^/id/00D\w{12,15}/005\w{12,15}$")
_CLIENT = re.compile(r"client=([^,;\s]+)")
_BATCH = re.compile(r"batchSize=(\d+)")


@dataclass
class Request:
    """What the HTTP layer hands over: method, path, query string, headers (lower-case keys), body."""

    method: str
    path: str
    query: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass
class Response:
    """Status, JSON body (``None`` for 204) and headers."""

    status: int
    body: Any = None  # JSON, or bytes sent as they are (Bulk API 2.0 CSV)
    headers: dict[str, str] = field(default_factory=dict)


def handle(state: OrgState, req: Request) -> Response:
    """Answer one request the way Salesforce's REST API would."""
    path = req.path.rstrip("/") or "/"
    if path == "/services/oauth2/token" and req.method == "POST":
        form = {k: v[0] for k, v in parse_qs(req.body.decode("utf-8", "replace")).items()}
        return Response(*state.auth.token(form, state.instance_url))
    if path == "/services/data":
        return Response(200, [{"label": "Winter '25", "url": "/services/data/v62.0", "version": "62.0"}])
    match = _DATA.match(path)
    who = path == "/services/oauth2/userinfo" or _IDENTITY.match(path)
    if not match and not who:
        return Response(404, not_found().body())
    session = state.auth.check(req.headers.get("authorization"))
    if session is None:
        return Response(401, invalid_session().body())
    if match is None:
        return Response(200, identity.userinfo(state, session.user_id))
    version, rest = match.group(1), match.group(2) or ""
    parts = rest.split("/") if rest else []
    used = state.calls.add(_kind(req.method, parts))
    headers = {"Sforce-Limit-Info": f"api-usage={used}/{state.daily_api_limit}"}
    state.faults.delay()
    fault = state.faults.for_request()
    if used > state.daily_api_limit:
        fault = ApiError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
    if fault is not None:
        return Response(fault.status, fault.body(), headers)
    client = _CLIENT.search(req.headers.get("sforce-call-options", ""))
    ctx = WriteContext(
        session.user_id,
        client.group(1) if client else None,
        version,
        state.clock(),
        auto_assign=req.headers.get("sforce-auto-assign"),
        duplicate_rule_header=req.headers.get("sforce-duplicate-rule-header"),
    )
    body: Any
    try:
        with state.store.lock:
            if parts[:1] == ["jobs"]:
                params = {k: v[0] for k, v in parse_qs(req.query).items()}
                status, body, extra = bulk.dispatch(state, req.method, parts[1:], params, req.body, ctx)
                headers.update(extra)
            else:
                status, body = _dispatch(state, req, version, parts, ctx)
            state.changes.publish(ctx)
    except ApiError as error:
        status, body = error.status, error.body()
    return Response(status, body, headers)


def _kind(method: str, parts: list[str]) -> str:
    """The endpoint kind an API call is counted under."""
    head = parts[0] if parts else ""
    if head in ("query", "queryAll"):
        return "query_more" if len(parts) > 1 else "query"
    if head == "composite" and parts[1:2] == ["sobjects"]:
        verb = {"POST": "create", "PATCH": "update", "DELETE": "delete", "GET": "retrieve"}.get(
            method, "other"
        )
        return "collections_upsert" if method == "PATCH" and len(parts) == 4 else f"collections_{verb}"
    if head == "sobjects" and len(parts) >= 2:
        if parts[-1] == "describe":
            return "describe"
        verb = {"GET": "get", "POST": "create", "PATCH": "update", "DELETE": "delete"}.get(method, "other")
        return "sobject_upsert" if method == "PATCH" and len(parts) == 4 else f"sobject_{verb}"
    return head or "resources"


def _json(req: Request) -> Any:
    try:
        return json.loads(req.body or b"null")
    except ValueError as exc:
        raise ApiError(400, "JSON_PARSER_ERROR", f"Unexpected character in the request body: {exc}") from None


def _dispatch(state: OrgState, req: Request, version: str, parts: list[str], ctx: WriteContext) -> res.Result:
    params = {k: v[0] for k, v in parse_qs(req.query).items()}
    batch = _BATCH.search(req.headers.get("sforce-query-options", ""))
    size = max(200, min(2000, int(batch.group(1)))) if batch else None
    head, method = (parts[0] if parts else ""), req.method
    if not parts:
        return 200, identity.resources(state, version, ctx.user_id)
    if head == "limits" and method == "GET":
        used = state.calls.snapshot().total
        limit = state.daily_api_limit
        return 200, {"DailyApiRequests": {"Max": limit, "Remaining": max(0, limit - used)}}
    if head in ("query", "queryAll") and method == "GET":
        if len(parts) > 1:
            return res.query_more(state, version, parts[1], size)
        if params.get("columns", "").lower() == "true":
            return 200, identity.query_columns(state, params.get("q", ""))
        return res.query(state, version, params.get("q", ""), size, head == "queryAll")
    if head == "composite" and parts[1:2] == ["sobjects"]:
        return _collections(state, req, parts[2:], params, ctx)
    if head == "sobjects":
        return _sobjects(state, req, version, parts[1:], params, ctx)
    if parts == ["actions", "standard", notifications.ACTION] and method == "POST":
        return _notify(state, _json(req), ctx)
    raise not_found()


def _notify(state: OrgState, body: Any, ctx: WriteContext) -> res.Result:
    def exists(sobject: str, record_id: str) -> dict[str, Any] | None:
        obj = state.schema.get(sobject)
        row = state.store.get(obj, record_id) if obj is not None else None
        return row if row is not None and not row.get("IsDeleted") else None

    return notifications.send(
        body, exists=exists, sender_id=ctx.user_id, now=ctx.now, record=state.notifications.append
    )


def _sobjects(
    state: OrgState, req: Request, version: str, parts: list[str], params: dict[str, str], ctx: WriteContext
) -> res.Result:
    method, engine = req.method, state.engine
    if not parts:
        return 200, {"sobjects": [{"name": o.name, "keyPrefix": o.key_prefix} for o in state.schema]}
    obj = res.sobject(state, parts[0])
    if len(parts) == 1 and method == "POST":
        body = res._body(_json(req))
        return res.single(lambda: (201, {"id": engine.create(obj, body, ctx), "success": True, "errors": []}))
    if len(parts) == 2 and parts[1] == "describe":
        return 200, describe(obj, version)
    if len(parts) == 2 and normalize_id(parts[1]) is not None:
        if method == "GET":
            return res.get_record(state, version, obj, normalize_id(parts[1]) or "", params.get("fields"))
        record_id = res.live_id(state, obj, parts[1])
        if method == "PATCH":
            body = res._body(_json(req))

            def update() -> res.Result:
                engine.update(obj, record_id, body, ctx)
                return 204, None

            return res.single(update)
        if method == "DELETE":

            def delete() -> res.Result:
                engine.delete(obj, record_id, ctx)
                return 204, None

            return res.single(delete)
    if len(parts) == 3:
        ext = res.external_field(obj, parts[1])
        if method == "PATCH":
            body = _json(req)
            return res.single(lambda: res.upsert_single(state, obj, ext, parts[2], body, ctx))
        if method == "GET":
            ids = state.store.find(obj, ext.name, parts[2])
            if len(ids) != 1:
                raise not_found()
            return res.get_record(state, version, obj, ids[0], params.get("fields"))
    raise not_found()


def _collections(
    state: OrgState, req: Request, parts: list[str], params: dict[str, str], ctx: WriteContext
) -> res.Result:
    engine, method = state.engine, req.method

    def typed(record: dict[str, Any]) -> Any:
        name = (
            (record.get("attributes") or {}).get("type")
            if isinstance(record.get("attributes"), dict)
            else None
        )
        obj = state.schema.get(name or (parts[0] if parts else ""))
        if obj is None:
            raise RecordSaveError(RecordError("INVALID_TYPE", f"sObject type '{name}' is not supported."))
        return obj

    if method == "POST" and not parts:
        return res.run_collection(state, _json(req), ctx, lambda r: (engine.create(typed(r), r, ctx), None))
    if method == "PATCH" and not parts:
        return res.run_collection(state, _json(req), ctx, lambda r: _update(state, typed(r), r, ctx))
    if method == "PATCH" and len(parts) == 2:
        obj = res.sobject(state, parts[0])
        ext = res.external_field(obj, parts[1])
        return res.run_collection(
            state, _json(req), ctx, lambda r: engine.upsert(obj, ext, _ext_value(r, ext.name), r, ctx)
        )
    if method == "DELETE" and not parts:
        ids = [i for i in params.get("ids", "").split(",") if i]
        body = {
            "allOrNone": params.get("allOrNone", "false").lower() == "true",
            "records": [{"Id": i} for i in ids],
        }
        return res.run_collection(state, body, ctx, lambda r: _delete(state, r["Id"], ctx))
    if len(parts) == 2:
        raise _method_not_allowed(method, "PATCH")
    if not parts:
        raise _method_not_allowed(method, "POST, PATCH, DELETE")
    raise not_found()


def _method_not_allowed(method: str, allowed: str) -> ApiError:
    return ApiError(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{method}' not allowed. Allowed are {allowed}")


def _ext_value(record: Mapping[str, Any], name: str) -> Any:
    return next((v for k, v in record.items() if k.lower() == name.lower()), None)


def _update(state: OrgState, obj: Any, record: dict[str, Any], ctx: WriteContext) -> tuple[str, None]:
    raw = _ext_value(record, "Id")
    if not raw:
        raise RecordSaveError(RecordError("MISSING_ARGUMENT", "Id not specified in an update call"))
    record_id = normalize_id(str(raw))
    if record_id is None:
        raise RecordSaveError(RecordError("MALFORMED_ID", f"malformed id {raw}"))
    state.engine.update(obj, record_id, record, ctx)
    return record_id, None


def _delete(state: OrgState, raw: str, ctx: WriteContext) -> tuple[str, None]:
    record_id = normalize_id(raw)
    obj = state.schema.for_id(record_id or "")
    if record_id is None or obj is None:
        raise RecordSaveError(RecordError("MALFORMED_ID", f"malformed id {raw}"))
    state.engine.delete(obj, record_id, ctx)
    return record_id, None
