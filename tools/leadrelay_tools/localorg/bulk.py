"""Bulk API 2.0 in the local org: query jobs (CSV results paged by ``Sforce-Locator``) and ingest jobs
(CSV uploaded with ``PUT …/batches``, processed on ``UploadComplete``, results as CSV).

The contract simple-salesforce's ``bulk2`` relies on: ``POST jobs/query`` answers the job (state
``UploadComplete``), ``GET jobs/query/ID`` its state (``JobComplete`` here: the stand-in runs the
query at once), ``GET jobs/query/ID/results?maxRecords=&locator=`` a CSV page with the headers
``Sforce-NumberOfRecords`` and ``Sforce-Locator`` (``null`` on the last page). ``POST jobs/ingest``
opens a job, ``PUT jobs/ingest/ID/batches`` (``text/csv``) answers 201, ``PATCH jobs/ingest/ID``
``{"state": "UploadComplete"}`` processes every row through the same DML engine as the REST API,
``GET …/successfulResults`` (``sf__Id,sf__Created,…``) and ``…/failedResults``
(``sf__Id,sf__Error,…``) report each row. An empty CSV value leaves a field as it is; ``#N/A`` clears it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

from leadrelay_tools.localorg import resources as res
from leadrelay_tools.localorg.bulkjobs import BulkJob
from leadrelay_tools.localorg.changes import WriteContext
from leadrelay_tools.localorg.errors import ApiError, RecordSaveError, not_found
from leadrelay_tools.localorg.query import CompiledQuery
from leadrelay_tools.localorg.soql import parse
from leadrelay_tools.localorg.state import OrgState

CSV_TYPE = "text/csv"
NULL = "#N/A"
OPERATIONS = ("insert", "update", "upsert", "delete")


def dispatch(
    state: OrgState, method: str, parts: list[str], params: dict[str, str], body: bytes, ctx: WriteContext
) -> tuple[int, Any, dict[str, str]]:
    """``/jobs/query…`` and ``/jobs/ingest…``: (status, JSON or CSV bytes, extra headers)."""
    kind = parts[0] if parts else ""
    if kind not in ("query", "ingest"):
        raise not_found()
    if len(parts) == 1 and method == "POST":
        request = _json(body)
        return (
            200,
            (
                _create_query(state, ctx, request) if kind == "query" else _create_ingest(state, ctx, request)
            ).info,
            {},
        )
    job = state.bulk.jobs.get(parts[1]) if len(parts) > 1 else None
    if job is None or job.kind != kind:
        raise ApiError(404, "NOT_FOUND", "The requested resource does not exist")
    tail = parts[2] if len(parts) > 2 else ""
    if not tail and method == "GET":
        return 200, job.info, {}
    if not tail and method == "DELETE":
        del state.bulk.jobs[job.id]
        return 204, None, {}
    if not tail and method == "PATCH":
        return 200, _set_state(state, job, _json(body).get("state"), ctx), {}
    if kind == "query" and tail == "results" and method == "GET":
        return _results(job, params)
    if kind == "ingest" and tail == "batches" and method == "PUT":
        if job.info["state"] != "Open":
            raise ApiError(
                409, "INVALIDJOBSTATE", f"Job {job.id} is not open for uploads: {job.info['state']}"
            )
        job.upload.append(body)
        return 201, None, {}
    if (
        kind == "ingest"
        and tail in ("successfulResults", "failedResults", "unprocessedRecords")
        and method == "GET"
    ):
        return 200, _ingest_results(job, tail), {"Content-Type": CSV_TYPE}
    raise not_found()


def _json(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body or b"{}")
    except ValueError as error:
        raise ApiError(
            400, "JSON_PARSER_ERROR", f"Unexpected character in the request body: {error}"
        ) from None
    if not isinstance(value, dict):
        raise ApiError(400, "JSON_PARSER_ERROR", "The request body must be a JSON object")
    return value


def _base_info(ctx: WriteContext, request: Mapping[str, Any], operation: str) -> dict[str, Any]:
    return {
        "operation": operation,
        "createdById": ctx.user_id,
        "createdDate": ctx.now.isoformat(),
        "systemModstamp": ctx.now.isoformat(),
        "concurrencyMode": "Parallel",
        "contentType": "CSV",
        "apiVersion": float(ctx.api_version),
        "lineEnding": request.get("lineEnding", "LF"),
        "columnDelimiter": request.get("columnDelimiter", "COMMA"),
        "numberRecordsProcessed": 0,
        "retries": 0,
        "totalProcessingTime": 0,
    }


def _create_query(state: OrgState, ctx: WriteContext, request: Mapping[str, Any]) -> BulkJob:
    operation = request.get("operation", "query")
    soql = str(request.get("query") or "")
    if operation not in ("query", "queryAll") or not soql.strip():
        raise ApiError(400, "INVALIDJOB", "A query job needs operation query or queryAll and a query")
    compiled = CompiledQuery(state.schema, soql, parse(soql), include_deleted=operation == "queryAll")
    names = [f.name for f in compiled.fields]
    rows = state.store.select(
        compiled.obj, compiled.sql.replace("SELECT ", 'SELECT "Id" AS "__id", ', 1), compiled.params
    )
    records = [res.record_json(compiled.obj, row, names, ctx.api_version, row["__id"]) for row in rows]
    info = {
        **_base_info(ctx, request, operation),
        "object": compiled.obj.name,
        "state": "UploadComplete",
        "jobType": "V2Query",
    }
    job = state.bulk.new("query", info)
    job.header = names
    job.rows = [[_csv_value(record.get(name)) for name in names] for record in records]
    job.info.update(state="JobComplete", numberRecordsProcessed=len(job.rows))
    return job


def _create_ingest(state: OrgState, ctx: WriteContext, request: Mapping[str, Any]) -> BulkJob:
    operation = request.get("operation")
    if operation not in OPERATIONS:
        raise ApiError(400, "INVALIDJOB", f"InvalidJob : Invalid operation: {operation}")
    obj = res.sobject(state, str(request.get("object") or ""))
    if operation == "upsert":
        res.external_field(obj, str(request.get("externalIdFieldName") or ""))
    info = {
        **_base_info(ctx, request, operation),
        "object": obj.name,
        "state": "Open",
        "jobType": "V2Ingest",
        "externalIdFieldName": request.get("externalIdFieldName"),
        "numberRecordsFailed": 0,
    }
    job = state.bulk.new("ingest", info)
    job.info["contentUrl"] = f"services/data/v{ctx.api_version}/jobs/ingest/{job.id}/batches"
    return job


def _set_state(state: OrgState, job: BulkJob, wanted: Any, ctx: WriteContext) -> dict[str, Any]:
    current = job.info["state"]
    if wanted == "Aborted" and current in ("Open", "UploadComplete", "InProgress"):
        job.info["state"] = "Aborted"
    elif wanted == "UploadComplete" and job.kind == "ingest" and current == "Open":
        job.info["state"] = "UploadComplete"
        _process(state, job, ctx)
    else:
        raise ApiError(
            400, "INVALIDJOBSTATE", f"Cannot change the state of job {job.id} from {current} to {wanted}"
        )
    return job.info


def _process(state: OrgState, job: BulkJob, ctx: WriteContext) -> None:
    obj = res.sobject(state, job.info["object"])
    text = b"".join(job.upload).decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    job.header = next(reader, [])
    for row in reader:
        body = {
            name: (None if value == NULL else value)
            for name, value in zip(job.header, row, strict=False)
            if value != ""
        }
        given = str(body.get("Id") or "")
        try:
            record_id, created = _apply(state, obj, job.info, body, ctx)
        except RecordSaveError as error:
            first = error.errors[0]
            job.failures.append(
                [str(body.get("Id") or ""), f"{first.code}:{first.message}:{','.join(first.fields)} --", *row]
            )
            continue
        except ApiError as error:
            job.failures.append([given, f"{error.code}:{error.message}: --", *row])
            continue
        job.successes.append([record_id, "true" if created else "false", *row])
    job.info.update(
        state="JobComplete",
        numberRecordsProcessed=len(job.successes) + len(job.failures),
        numberRecordsFailed=len(job.failures),
    )


def _apply(
    state: OrgState, obj: Any, info: Mapping[str, Any], body: dict[str, Any], ctx: WriteContext
) -> tuple[str, bool]:
    engine, operation = state.engine, info["operation"]
    if operation == "insert":
        return engine.create(obj, body, ctx), True
    if operation == "upsert":
        ext = res.external_field(obj, info["externalIdFieldName"])
        return engine.upsert(obj, ext, body.get(ext.name), body, ctx)
    record_id = res.live_id(state, obj, str(body.pop("Id", None) or ""))
    if operation == "update":
        engine.update(obj, record_id, body, ctx)
    else:
        engine.delete(obj, record_id, ctx)
    return record_id, False


def _results(job: BulkJob, params: Mapping[str, str]) -> tuple[int, bytes, dict[str, str]]:
    start = int(params.get("locator") or 0)
    size = max(1, int(params.get("maxRecords") or 50_000))
    page = job.rows[start : start + size]
    after = start + len(page)
    headers = {
        "Content-Type": CSV_TYPE,
        "Sforce-NumberOfRecords": str(len(page)),
        "Sforce-Locator": str(after) if after < len(job.rows) else "null",
    }
    return 200, _csv([job.header, *page]), headers


def _ingest_results(job: BulkJob, which: str) -> bytes:
    if which == "successfulResults":
        return _csv([["sf__Id", "sf__Created", *job.header], *job.successes])
    if which == "failedResults":
        return _csv([["sf__Id", "sf__Error", *job.header], *job.failures])
    return _csv([job.header])


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
