"""Writes to Salesforce, as data: what to write (``WriteOp``) and what happened (``WriteResult``).

The write planner produces ``WriteOp``s from decisions (pure); a gateway executes them.
``ref`` ties every result back to the canonical events that caused the write, so a
per-record failure can be retried or dead-lettered for exactly those events.
"""

from collections.abc import Sequence
from enum import StrEnum
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from leadrelay.domain.errors import ErrorDetail


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
    def _addressable(self) -> Self:
        if self.kind is WriteKind.UPDATE and not self.record_id:
            raise ValueError("an update needs record_id")
        if self.kind is WriteKind.UPSERT and not (self.external_id_field and self.external_id):
            raise ValueError("an upsert needs external_id_field and external_id")
        return self


class WriteResult(BaseModel):
    """The outcome of one ``WriteOp``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ref: str
    success: bool
    record_id: str | None = None
    created: bool = False
    errors: tuple[ErrorDetail, ...] = Field(default_factory=tuple)


MAX_COLLECTION_SIZE = 200
"""Salesforce's limit on records per sObject Collections request."""


def request_groups(ops: Sequence[WriteOp], *, size: int = MAX_COLLECTION_SIZE) -> list[tuple[WriteOp, ...]]:
    """``ops`` as sObject Collections requests carry them: grouped by (sObject, kind, external id field)
    in first-seen order, each group cut into runs of at most ``size``."""
    if not 1 <= size <= MAX_COLLECTION_SIZE:
        raise ValueError(f"collection size must be 1..{MAX_COLLECTION_SIZE}, got {size}")
    groups: dict[tuple[str, WriteKind, str | None], list[WriteOp]] = {}
    for op in ops:
        groups.setdefault((op.sobject, op.kind, op.external_id_field), []).append(op)
    return [
        tuple(members[start : start + size])
        for members in groups.values()
        for start in range(0, len(members), size)
    ]
