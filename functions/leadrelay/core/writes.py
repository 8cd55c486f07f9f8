"""Writes to Salesforce, as data: what to write (``WriteOp``) and what happened (``WriteResult``).

The write planner produces ``WriteOp``s from decisions (pure); a gateway executes them.
``ref`` ties every result back to the canonical events that caused the write, so a
per-record failure can be retried or dead-lettered for exactly those events.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class WriteKind(StrEnum):
    """How a record is written."""

    CREATE = "create"
    UPDATE = "update"
    UPSERT = "upsert"


class WriteOp(BaseModel):
    """One record to write. Updates carry ``record_id``; upserts carry an external id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ref: str
    """Correlation key, unique within a batch (the planner uses the record id or external key)."""
    sobject: str
    kind: WriteKind
    fields: dict[str, Any]
    record_id: str | None = None
    external_id_field: str | None = None
    external_id: str | None = None
    event_keys: tuple[str, ...] = ()
    """Idempotency keys of the canonical events this write carries out."""

    @model_validator(mode="after")
    def _addressable(self) -> WriteOp:
        if self.kind is WriteKind.UPDATE and not self.record_id:
            raise ValueError("an update needs record_id")
        if self.kind is WriteKind.UPSERT and not (self.external_id_field and self.external_id):
            raise ValueError("an upsert needs external_id_field and external_id")
        return self


class SalesforceError(BaseModel):
    """One error as Salesforce reports it (``statusCode`` in collections, ``errorCode`` elsewhere)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    status_code: str
    message: str = ""
    fields: tuple[str, ...] = ()
    http_status: int | None = None


class WriteResult(BaseModel):
    """The outcome of one ``WriteOp``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ref: str
    success: bool
    record_id: str | None = None
    created: bool = False
    errors: tuple[SalesforceError, ...] = Field(default_factory=tuple)
