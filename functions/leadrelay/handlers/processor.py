"""The processor Lambda: a batch from the ingest queue through the pipeline, failed messages reported back.

The first invocation of an execution environment builds the pipeline (``leadrelay.bootstrap``): it
loads and validates ``rules/`` once — an invalid rule set fails at once with a ``RuleSetError`` naming
every problem's file and JSON pointer — and builds the adapters: the Salesforce gateway (credentials
from Secrets Manager, or a local file), the DynamoDB activity store, the dead-letter queue, and the MA
directories (HubSpot, Marketo) that fill in people whom an event names by MA id only.

Each invocation runs the whole batch through the pipeline — it must see every message at once to
batch the Salesforce writes — and answers with the messages to retry as ``batchItemFailures`` (the
partial batch response of an SQS event source with ``ReportBatchItemFailures``), so SQS delivers
them again (docs/processor.md). Logs carry ids, codes and counts — never field values, names or
error messages (which may quote values; they are in the dead letter) — and e-mail addresses and phone
numbers are masked in whatever else reaches a log line.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from msgspec import Struct, convert, field

from leadrelay.adapters.funnel_metrics import publish_funnel
from leadrelay.adapters.salesforce.metrics import api_usage_publisher
from leadrelay.bootstrap import processor as processor_root
from leadrelay.bootstrap.processor import ProcessorRuntime
from leadrelay.handlers.cold_start import resumes_collection
from leadrelay.handlers.ingress_support import MaskingFormatter
from leadrelay.pipeline import BatchReport, InboundMessage, Outcome
from leadrelay.settings import METRICS_NAMESPACE, ProcessorSettings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.typing import LambdaContext

Handler = Callable[[dict[str, Any], "LambdaContext"], "PartialItemFailureResponse"]

logger = Logger(service="leadrelay", logger_formatter=MaskingFormatter())
metrics = Metrics(namespace=METRICS_NAMESPACE, service="processor")
OUTCOME_METRICS = {
    Outcome.APPLIED: "EventsApplied",
    Outcome.DEAD_LETTERED: "EventsDeadLettered",
    Outcome.RETRY: "EventsRetried",
}


_SQS_ATTRIBUTES = {
    "receive_count": "ApproximateReceiveCount",
    "first_receipt": "ApproximateFirstReceiveTimestamp",
}


class SqsAttributes(Struct, frozen=True, rename=_SQS_ATTRIBUTES):
    """The attributes of an SQS record the pipeline reads (Lambda sends them as strings)."""

    receive_count: str = "1"
    first_receipt: str | None = None
    """Epoch milliseconds."""


class SqsRecord(Struct, frozen=True, rename="camel"):
    """One record of Lambda's SQS event."""

    message_id: str
    body: str
    attributes: SqsAttributes = field(default_factory=SqsAttributes)


class SqsEvent(Struct, frozen=True, rename={"records": "Records"}):
    """Lambda's SQS event: the batch of records."""

    records: list[SqsRecord] = field(default_factory=list)


def inbound_messages(event: dict[str, Any]) -> list[InboundMessage]:
    """The SQS records of a Lambda event as pipeline messages (receive count and first receipt kept).

    Powertools' batch utility is not used: it hands a record handler one record at a time, while the
    pipeline needs the whole batch (its Salesforce writes are batched), and importing it costs the
    cold start asyncio and every event data class (about 40 ms)."""
    messages = []
    for record in convert(event, SqsEvent, strict=False).records:
        first = record.attributes.first_receipt
        messages.append(
            InboundMessage(
                message_id=record.message_id,
                body=record.body,
                receive_count=int(record.attributes.receive_count or 1),
                first_received_at=datetime.fromtimestamp(int(first) / 1000, UTC) if first else None,
            )
        )
    return messages


def batch_item_failures(messages: list[InboundMessage], report: BatchReport) -> PartialItemFailureResponse:
    """The partial batch response: every message to deliver again — a transient failure, or (never
    expected) a message the pipeline gave no outcome, so nothing is lost — in batch order."""
    retry = [
        message.message_id
        for message in messages
        if (result := report.results.get(message.message_id)) is None or result.outcome is Outcome.RETRY
    ]
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in retry]}


def log_report(report: BatchReport) -> None:
    """Counts per outcome and the funnel's counts (as metrics), one log line; one per message not applied."""
    counts = report.counts()
    for outcome, name in OUTCOME_METRICS.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=counts[outcome])
    publish_funnel(metrics, report)
    logger.info("batch processed", extra={"outcomes": {k.value: v for k, v in counts.items()}})
    for result in (r for r in report.results.values() if r.outcome is not Outcome.APPLIED):
        logger.warning(
            "event not applied",
            extra={
                "message_id": result.message_id,
                "event_key": result.event_key,
                "outcome": result.outcome.value,
                "error_code": result.error_code,
            },
        )
    for letter in report.dead_letters:
        logger.warning(
            "dead-lettered",
            extra={
                "dead_letter_id": letter.id,
                "error_code": letter.error.status_code,
                "error_class": letter.error_class.value,
                "owner": letter.owner,
            },
        )


def handle(
    event: dict[str, Any], context: LambdaContext, runtime: ProcessorRuntime
) -> PartialItemFailureResponse:
    """One SQS batch: run it through the pipeline, then report each message's outcome."""
    margin = runtime.time_margin_seconds
    messages = inbound_messages(event)
    report = runtime.pipeline.run(
        messages, remaining=lambda: context.get_remaining_time_in_millis() / 1000 - margin
    )
    log_report(report)
    return batch_item_failures(messages, report)


@cache
def default_runtime() -> ProcessorRuntime:
    """The runtime built from the environment, once per execution environment (``cache_clear()`` resets).

    An invalid rule set fails here with a ``RuleSetError`` naming every problem's file and JSON pointer.
    """
    settings = ProcessorSettings.from_env()
    return processor_root.processor_runtime(settings, on_api_usage=api_usage_publisher(metrics))


def make_handler(runtime: Callable[[], ProcessorRuntime]) -> Handler:
    """The Lambda handler (Powertools logging and metrics around :func:`handle`) on ``runtime()``."""

    @metrics.log_metrics
    @logger.inject_lambda_context
    def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        return handle(event, context, runtime())

    return handler


handler = resumes_collection(make_handler(default_runtime))
"""The Lambda entry point (``leadrelay.handlers.processor.handler``)."""
