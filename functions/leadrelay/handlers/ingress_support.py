"""What both ingress functions share: the PII-masking logger, metrics and the notice report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from aws_lambda_powertools.metrics import MetricUnit

from leadrelay.ingress.masking import mask_pii
from leadrelay.ingress.results import Notice, NoticeKind
from leadrelay.settings import METRICS_NAMESPACE

if TYPE_CHECKING:
    pass

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
