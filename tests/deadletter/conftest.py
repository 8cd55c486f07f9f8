"""Realistic dead letters for the envelope, queue and CLI specs (queues: tests/plugins/dead_letters.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from leadrelay.domain.deadletter import DeadLetter, OperationsConfig, UnreadableEvent, dead_letter_for
from leadrelay.domain.errors import ErrorDetail
from leadrelay.domain.events import CanonicalEvent
from leadrelay.domain.failures import classify
from leadrelay.domain.writes import WriteKind, WriteOp
from leadrelay.engine.decision import Decision, RuleHit, StageTransition

RULES = Path(__file__).resolve().parents[2] / "rules"
LEAD_ID = "00Q5j00000AbCdEFGH"
OPERATIONS = OperationsConfig.model_validate_json((RULES / "operations.json").read_bytes())


def page_view(key: str = "hubspot-1042", email: str = "taro.yamada@sample-shoji.co.jp") -> CanonicalEvent:
    """山田 太郎 looked at the pricing page."""
    return CanonicalEvent.model_validate(
        {
            "idempotency_key": key,
            "kind": "activity",
            "type": "page_view",
            "source": "hubspot",
            "occurred_at": "2026-11-20T09:00:00+09:00",
            "identity": {"email": email},
            "attributes": {"url": "https://example.co.jp/pricing"},
        }
    )


def mql_decision() -> Decision:
    return Decision(
        scores={"fit": 35, "engagement": 55},
        stage="MQL",
        previous_stage="Lead",
        transitions=(StageTransition("lifecycle.mql", "Lead", "MQL"),),
        ruleset_version="3f2a9c41b7de",
        trace=(RuleHit("fit.title", "fit", 20, {"lead.Title": "代表取締役"}, "代表取締役/CEO"),),
    )


def score_update(record_id: str = LEAD_ID, keys: tuple[str, ...] = ("hubspot-1042",)) -> WriteOp:
    return WriteOp(
        ref=record_id,
        sobject="Lead",
        kind=WriteKind.UPDATE,
        record_id=record_id,
        fields={"LR_Fit_Score__c": 35, "LR_Lifecycle_Stage__c": "MQL"},
        event_keys=keys,
    )


VALIDATION_ERROR = ErrorDetail(
    status_code="FIELD_CUSTOM_VALIDATION_EXCEPTION",
    message="MQL には会社名が必要です (taro.yamada@sample-shoji.co.jp)",
    fields=("Company",),
)
DUPLICATE_ERROR = ErrorDetail(status_code="DUPLICATES_DETECTED", message="重複するリードがあります")


def letter(
    original: CanonicalEvent | UnreadableEvent | None = None,
    *,
    error: ErrorDetail = VALIDATION_ERROR,
    age: timedelta = timedelta(minutes=10),
    now: datetime | None = None,
    operations: OperationsConfig = OPERATIONS,
    decided: bool = True,
    record_id: str | None = LEAD_ID,
    source_queue: str | None = None,
) -> DeadLetter:
    """A dead letter that last failed ``age`` before ``now`` (default: the real clock, for the CLI's ages).

    ``decided=False`` leaves out the decision, ``record_id=None`` the attempted write.
    """
    failed = (now or datetime.now(UTC)) - age
    original = original or page_view()
    keys = (original.idempotency_key,) if isinstance(original, CanonicalEvent) else ()
    return dead_letter_for(
        original,
        error=error,
        classification=classify(error),
        attempts=1,
        first_failed_at=failed,
        now=failed,
        operations=operations,
        decision=mql_decision() if decided else None,
        write=score_update(record_id, keys) if record_id else None,
        function_version="7",
        source_queue=source_queue,
    )
