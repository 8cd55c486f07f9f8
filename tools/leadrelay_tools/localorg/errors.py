"""Salesforce error shapes: request-level errors (HTTP status + ``[{message, errorCode}]``) and
per-record errors (``{statusCode, message, fields}`` inside sObject Collections results)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RecordError:
    """One error on one record, as Salesforce reports it for a DML row."""

    code: str
    message: str
    fields: tuple[str, ...] = ()
    status: int = 400  # the HTTP status a single-record endpoint answers with
    parse_error: bool = False  # raised while reading the JSON body: single-record bodies carry no "fields"
    extra: tuple[tuple[str, Any], ...] = ()  # more keys of the error object (``duplicateResult``)

    def collection_shape(self) -> dict[str, Any]:
        """The error as it appears in an sObject Collections result (key ``statusCode``)."""
        shape = {"statusCode": self.code, "message": self.message, "fields": list(self.fields)}
        return shape | dict(self.extra)

    def rest_shape(self) -> dict[str, Any]:
        """The error as a single-record endpoint returns it (key ``errorCode``)."""
        shape: dict[str, Any] = {"message": self.message, "errorCode": self.code} | dict(self.extra)
        return shape if self.parse_error else shape | {"fields": list(self.fields)}


class RecordSaveError(Exception):
    """Raised while saving one record; carries the Salesforce errors for that row."""

    def __init__(self, *errors: RecordError) -> None:
        super().__init__("; ".join(f"{e.code}: {e.message}" for e in errors))
        self.errors = errors


@dataclass
class ApiError(Exception):
    """A request-level failure: the HTTP status and the JSON body Salesforce sends."""

    status: int
    code: str
    message: str
    extra: dict[str, Any] = field(default_factory=dict)

    def body(self) -> list[dict[str, Any]]:
        """The response body: a one-element JSON array."""
        return [{"message": self.message, "errorCode": self.code, **self.extra}]


NOT_FOUND = "The requested resource does not exist"


def not_found() -> ApiError:
    """404 NOT_FOUND, Salesforce's answer for an unknown resource or id."""
    return ApiError(404, "NOT_FOUND", NOT_FOUND)


def invalid_session() -> ApiError:
    """401 INVALID_SESSION_ID."""
    return ApiError(401, "INVALID_SESSION_ID", "Session expired or invalid")


def invalid_type(sobject: str) -> ApiError:
    """404 NOT_FOUND for an sobject the org does not know (as ``/sobjects/Foo`` answers)."""
    return ApiError(404, "NOT_FOUND", f"The requested resource does not exist: sObject type '{sobject}'")
