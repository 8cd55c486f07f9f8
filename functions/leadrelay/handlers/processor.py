"""The processor Lambda: a batch from the ingest queue through the pipeline, failed messages reported back.

The first invocation of an execution environment builds the pipeline (``leadrelay.bootstrap``): it
loads and validates ``rules/`` once — an invalid rule set fails at once with a ``RuleSetError`` naming
every problem's file and JSON pointer — and builds the adapters: the Salesforce gateway (credentials
from Secrets Manager, or a local file), the DynamoDB activity store, the dead-letter queue, and the MA
directories (HubSpot, Marketo) that fill in people whom an event names by MA id only.

Each invocation runs the whole batch through the pipeline first; Powertools' batch processor then
asks for each message's outcome, so messages to retry become ``batchItemFailures`` and SQS delivers
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
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

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


class RetryLater(Exception):  # noqa: N818 - it is an outcome, not an error
    """Raised for a message whose event must be delivered again (a transient failure)."""


def inbound_messages(event: dict[str, Any]) -> list[InboundMessage]:
    """The SQS records of a Lambda event as pipeline messages (receive count and first receipt kept)."""
    messages = []
    for raw in event.get("Records", []):
        record = SQSRecord(raw)
        attributes = record.attributes
        first = attributes.approximate_first_receive_timestamp
        messages.append(
            InboundMessage(
                message_id=record.message_id,
                body=record.body,
                receive_count=int(attributes.approximate_receive_count or 1),
                first_received_at=datetime.fromtimestamp(int(first) / 1000, UTC) if first else None,
            )
        )
    return messages


def outcome_reporter(report: BatchReport) -> Callable[[SQSRecord], str]:
    """The record handler for Powertools: raises :class:`RetryLater` for messages to deliver again."""

    def outcome(record: SQSRecord) -> str:
        result = report.result_of(record.message_id)
        if result.outcome is Outcome.RETRY:
            raise RetryLater(result.error_code or "transient failure")
        return result.outcome.value

    return outcome


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
    report = runtime.pipeline.run(
        inbound_messages(event), remaining=lambda: context.get_remaining_time_in_millis() / 1000 - margin
    )
    log_report(report)
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(
        event=event, record_handler=outcome_reporter(report), processor=processor, context=context
    )


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
