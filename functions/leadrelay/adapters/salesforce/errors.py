"""Turning what went wrong on the wire into :class:`ErrorDetail` values the core classifies.

Messages never repeat the request URL: a query string can carry e-mail addresses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import requests
from simple_salesforce.exceptions import SalesforceError as SimpleSalesforceError

from leadrelay.domain.errors import DuplicateMatch, ErrorDetail
from leadrelay.domain.failures import (
    CONNECTION_ERROR,
    TIMEOUT,
    SalesforceCallError,
    UnknownFieldError,
    http_status_code,
)


def error_from_exception(exc: requests.RequestException) -> ErrorDetail:
    """A transport failure (no HTTP answer) as a synthetic ``TIMEOUT`` or ``CONNECTION_ERROR``."""
    if isinstance(exc, requests.Timeout):
        return ErrorDetail(status_code=TIMEOUT, message=f"no answer from Salesforce in time ({_kind(exc)})")
    return ErrorDetail(status_code=CONNECTION_ERROR, message=f"could not reach Salesforce ({_kind(exc)})")


def errors_from_response(status: int, content: Any) -> tuple[ErrorDetail, ...]:
    """The errors of an HTTP error response: Salesforce's ``[{errorCode, message, fields}]`` body, or
    ``HTTP_<status>`` when the body is not in that shape (a proxy's 503 page, an empty body)."""
    items = content if isinstance(content, list) else [content]
    errors = tuple(
        error_from_body(item, http_status=status)
        for item in items
        if isinstance(item, Mapping) and (item.get("errorCode") or item.get("statusCode"))
    )
    return errors or (ErrorDetail(status_code=http_status_code(status), http_status=status),)


def errors_from_simple_salesforce(exc: SimpleSalesforceError) -> tuple[ErrorDetail, ...]:
    """The errors carried by a simple-salesforce exception (raised for any HTTP status >= 300)."""
    return errors_from_response(exc.status, exc.content)


def error_from_body(item: Mapping[str, Any], *, http_status: int | None = None) -> ErrorDetail:
    """One error object: ``statusCode`` in sObject Collections results, ``errorCode`` elsewhere."""
    duplicate = item.get("duplicateResult")
    duplicate = duplicate if isinstance(duplicate, Mapping) else {}
    return ErrorDetail(
        status_code=str(item.get("statusCode") or item.get("errorCode") or "UNKNOWN"),
        message=str(item.get("message") or ""),
        fields=tuple(str(name) for name in item.get("fields") or ()),
        http_status=http_status,
        duplicate_rule=str(duplicate["duplicateRule"]) if duplicate.get("duplicateRule") else None,
        duplicates=tuple(_matches(duplicate.get("matchResults"))),
    )


def _matches(results: Any) -> Iterator[DuplicateMatch]:
    """The matched records of a ``duplicateResult``: ``matchResults[].matchRecords[].record.Id``."""
    for result in results if isinstance(results, list) else ():
        sobject = result.get("entityType") if isinstance(result, Mapping) else None
        for match in result.get("matchRecords") or () if sobject else ():
            record = match.get("record") if isinstance(match, Mapping) else None
            record_id = record.get("Id") if isinstance(record, Mapping) else None
            if isinstance(record_id, str) and record_id:
                yield DuplicateMatch(sobject=str(sobject), record_id=record_id)


def _kind(exc: requests.RequestException) -> str:
    return type(exc).__name__


_NO_SUCH_COLUMN = re.compile(r"No such column '([A-Za-z0-9_]+)'")


def call_error(operation: str, error: ErrorDetail) -> SalesforceCallError:
    """The failure of a whole call: :class:`UnknownFieldError` (naming the field) when a query named a
    field the org does not have, else :class:`SalesforceCallError`."""
    match = _NO_SUCH_COLUMN.search(error.message) if error.status_code == "INVALID_FIELD" else None
    if match is not None:
        return UnknownFieldError(operation, error, field=match.group(1))
    return SalesforceCallError(operation, error)
