"""sObject Collections requests for a batch of :class:`WriteOp` and their per-record results.

Ops are grouped by (sObject, kind, external id field) — one collection request holds one sObject
and, for upserts, one external id field — and cut into requests of at most 200 records with
``allOrNone`` false. Results come back in request order and are mapped to each op's ``ref``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from msgspec import Struct

from leadrelay.adapters.salesforce.errors import error_from_body
from leadrelay.adapters.salesforce.soql import check_field, check_sobject
from leadrelay.domain.errors import ErrorDetail
from leadrelay.domain.writes import MAX_COLLECTION_SIZE, WriteKind, WriteOp, WriteResult, request_groups


class CollectionRequest(Struct, frozen=True):
    """One sObject Collections call: path, method, body and the ops it carries (in body order)."""

    path: str
    method: str
    body: dict[str, Any]
    ops: tuple[WriteOp, ...]


def collection_requests(
    ops: Sequence[WriteOp], *, size: int = MAX_COLLECTION_SIZE
) -> Iterator[CollectionRequest]:
    """The requests that carry ``ops``: grouped in first-seen order, each at most ``size`` records."""
    for chunk in request_groups(ops, size=size):
        path, method = _endpoint(chunk[0].sobject, chunk[0].kind, chunk[0].external_id_field)
        body = {"allOrNone": False, "records": [_record(op) for op in chunk]}
        yield CollectionRequest(path=path, method=method, body=body, ops=chunk)


def map_results(request: CollectionRequest, response: Any) -> list[WriteResult]:
    """Per-record results of a collection response, matched to the request's ops by position."""
    if not isinstance(response, list) or len(response) != len(request.ops):
        got = f"{len(response)} results" if isinstance(response, list) else type(response).__name__
        error = ErrorDetail(
            status_code="INVALID_RESPONSE",
            message=f"unexpected sObject Collections response: {got} for {len(request.ops)} records",
        )
        return failed_results(request.ops, error)
    return [_result(op, item) for op, item in zip(request.ops, response, strict=True)]


def failed_results(ops: Sequence[WriteOp], error: ErrorDetail) -> list[WriteResult]:
    """The same request-level error as a failed result for every op of the request."""
    return [WriteResult(ref=op.ref, success=False, errors=(error,)) for op in ops]


def _endpoint(sobject: str, kind: WriteKind, external_id_field: str | None) -> tuple[str, str]:
    check_sobject(sobject)
    if kind is WriteKind.CREATE:
        return "composite/sobjects", "POST"
    if kind is WriteKind.UPDATE:
        return "composite/sobjects", "PATCH"
    field = check_field(external_id_field or "", sobject=sobject)
    return f"composite/sobjects/{sobject}/{field}", "PATCH"


def _record(op: WriteOp) -> dict[str, Any]:
    record: dict[str, Any] = {"attributes": {"type": op.sobject}, **op.fields}
    if op.kind is WriteKind.UPDATE:
        record["id"] = op.record_id
    elif op.kind is WriteKind.UPSERT and op.external_id_field:
        record[op.external_id_field] = op.external_id
    return record


def _result(op: WriteOp, item: Mapping[str, Any]) -> WriteResult:
    if item.get("success"):
        created = op.kind is WriteKind.CREATE or bool(item.get("created"))
        return WriteResult(ref=op.ref, success=True, record_id=item.get("id"), created=created)
    errors = tuple(error_from_body(error) for error in item.get("errors") or ())
    return WriteResult(ref=op.ref, success=False, record_id=item.get("id"), errors=errors)
