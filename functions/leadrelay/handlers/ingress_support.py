"""What both ingress functions share: the PII-masking logger, metrics, the enqueuer and the loop guard."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from aws_lambda_powertools.metrics import MetricUnit
from leadrelay.adapters.ingest_queue import EnqueueOutcome, IdempotentEnqueuer, SqsEventQueue
from leadrelay.core.events import CanonicalEvent
from leadrelay.core.ingress.loops import LoopGuard
from leadrelay.core.ingress.masking import mask_pii
from leadrelay.core.ingress.results import Notice, NoticeKind
from leadrelay.core.ownership import OwnershipMap
from leadrelay.ports import EventQueue
from leadrelay.settings import METRICS_NAMESPACE, Settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

NOTICE_METRICS = {
    NoticeKind.GAP: "GapEventsReceived",
    NoticeKind.OVERFLOW: "OverflowEventsReceived",
    NoticeKind.NOT_PROCESSED: "EventsNotProcessed",
    NoticeKind.OWN_CHANGE: "OwnChangesDropped",
    NoticeKind.SKIPPED: "WebhookEventsSkipped",
}
"""The metric each kind of notice is counted in."""


class MaskingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON log lines with e-mail addresses and phone numbers masked everywhere in them."""

    def serialize(self, log: Any) -> str:
        """The JSON line, masked."""
        return mask_pii(super().serialize(log))


def ingress_logger() -> Logger:
    """The structured logger of the ingress functions (service ``leadrelay``, PII masked)."""
    return Logger(service="leadrelay", logger_formatter=MaskingFormatter())


def ingress_metrics() -> Metrics:
    """CloudWatch metrics (EMF) in the ``LeadRelay`` namespace."""
    return Metrics(namespace=METRICS_NAMESPACE, service="leadrelay")


def count(metrics: Metrics, name: str, value: int) -> None:
    """Add ``value`` to the count ``name`` (nothing for zero)."""
    if value:
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


def report_notices(logger: Logger, metrics: Metrics, notices: Sequence[Notice]) -> None:
    """Log each notice (gap/overflow as warnings) and count it by kind."""
    for notice in notices:
        level = logger.warning if notice.kind in {NoticeKind.GAP, NoticeKind.OVERFLOW} else logger.info
        level(
            "event not enqueued",
            extra={
                "notice": notice.kind.value,
                "reason": notice.reason,
                "event_name": notice.event_name,
                "record_ids": list(notice.record_ids),
            },
        )
        count(metrics, NOTICE_METRICS[notice.kind], 1)


class Enqueuer(Protocol):
    """Puts canonical events on the ingest queue (once each, when idempotency is configured)."""

    def enqueue(self, events: Sequence[CanonicalEvent]) -> EnqueueOutcome:
        """Enqueue, or raise ``EnqueueError`` / ``ConcurrentDeliveryError``."""
        ...

    def register_lambda_context(self, context: LambdaContext) -> None:
        """Bind the invocation (for in-progress expiry)."""
        ...


@dataclass
class PlainEnqueuer:
    """Local mode without an idempotency table: every event is sent (replays are not deduplicated)."""

    queue: EventQueue

    def enqueue(self, events: Sequence[CanonicalEvent]) -> EnqueueOutcome:
        """Send all events."""
        self.queue.send(events)
        return EnqueueOutcome(enqueued=tuple(event.idempotency_key for event in events))

    def register_lambda_context(self, context: LambdaContext) -> None:
        """Nothing to bind."""


def build_enqueuer(settings: Settings) -> Enqueuer:
    """The idempotent enqueuer on the configured queue and table (``LEADRELAY_INGEST_QUEUE_URL`` etc.)."""
    if not settings.ingest_queue_url:
        raise RuntimeError("LEADRELAY_INGEST_QUEUE_URL is not set: ingress has nowhere to put events")
    queue = SqsEventQueue(settings.ingest_queue_url)
    if not settings.idempotency_table:
        return PlainEnqueuer(queue)
    return IdempotentEnqueuer(queue, settings.idempotency_table)


def load_loop_guard(settings: Settings) -> LoopGuard:
    """The loop guard: client name, integration user, and the fields leadrelay owns (``ownership.json``)."""
    path = Path(settings.rules_path) / "ownership.json"
    owned: dict[str, tuple[str, ...]] = {}
    if path.exists():
        ownership = OwnershipMap.model_validate_json(path.read_bytes())
        owned = {sobject: owners.leadrelay for sobject, owners in ownership.objects.items()}
    return LoopGuard.build(
        client_name=settings.client_name,
        integration_user_ids=[settings.integration_user_id],
        owned_fields=owned,
    )
