"""Write ops the gateway tests send: score updates, lead upserts by external key, follow-up Tasks."""

from __future__ import annotations

from typing import Any

from leadrelay.domain.writes import WriteKind, WriteOp

LEAD_FIELDS: dict[str, Any] = {"LastName": "山田", "FirstName": "太郎", "Company": "株式会社サンプル商事"}


def score_update(lead_id: str, score: int = 80, *, ref: str | None = None) -> WriteOp:
    """Set a lead's fit score (ref defaults to the lead id)."""
    return WriteOp(
        ref=ref or lead_id,
        sobject="Lead",
        kind=WriteKind.UPDATE,
        record_id=lead_id,
        fields={"LR_Fit_Score__c": score},
    )


def lead_upsert(key: str, **fields: Any) -> WriteOp:
    """Create or update the lead with ``LR_External_Key__c = key`` (ref = key)."""
    return WriteOp(
        ref=key,
        sobject="Lead",
        kind=WriteKind.UPSERT,
        external_id_field="LR_External_Key__c",
        external_id=key,
        fields={**LEAD_FIELDS, **fields},
    )


def task_create(ref: str, lead_id: str | None = None) -> WriteOp:
    """A first-call Task, on ``lead_id`` when given."""
    fields: dict[str, Any] = {"Subject": "初回架電: 山田 太郎 様", "Status": "Not Started"}
    if lead_id:
        fields["WhoId"] = lead_id
    return WriteOp(ref=ref, sobject="Task", kind=WriteKind.CREATE, fields=fields)
