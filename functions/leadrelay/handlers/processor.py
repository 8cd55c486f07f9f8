"""The processor Lambda: a batch from the ingest queue through the pipeline, failed messages reported back.

Cold start (module import) loads and validates ``rules/`` once — an invalid rule set fails the cold
start at once with a ``RuleSetError`` naming every problem's file and JSON pointer — and builds the
adapters: the Salesforce gateway (credentials from Secrets Manager, or a local file), the DynamoDB
activity store, the dead-letter queue, and the MA directories (HubSpot, Marketo) that fill in people
whom an event names by MA id only (credentials in the ``LEADRELAY_MA_SECRET_NAME`` secret).

Each invocation runs the whole batch through the pipeline first; Powertools' batch processor then
asks for each message's outcome, so messages to retry become ``batchItemFailures`` and SQS delivers
them again (docs/processor.md). Logs carry ids, codes and counts — never field values, names or
error messages (which may quote values; they are in the dead letter) — and e-mail addresses and phone
numbers are masked in whatever else reaches a log line.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import boto3
import requests
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from leadrelay.adapters.activity_store import DynamoDBActivityStore
from leadrelay.adapters.dead_letters import DeadLetterQueue
from leadrelay.adapters.ma import ma_directories
from leadrelay.adapters.salesforce import (
    SimpleSalesforceGateway,
    credentials_from_file,
    credentials_from_secret,
)
from leadrelay.adapters.salesforce.auth import SalesforceCredentials
from leadrelay.adapters.salesforce.gateway import DEFAULT_TIMEOUT_SECONDS
from leadrelay.adapters.salesforce.metrics import api_usage_publisher
from leadrelay.adapters.secrets import SecretSource
from leadrelay.core.events import EventSource
from leadrelay.core.retry import Backoff
from leadrelay.handlers.ingress_support import MaskingFormatter
from leadrelay.pipeline import BatchReport, InboundMessage, Outcome, Pipeline, PipelineConfig
from leadrelay.pipeline.setup import load_rule_bundle
from leadrelay.ports import ActivityStore, MaDirectory
from leadrelay.settings import METRICS_NAMESPACE, Settings

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


def salesforce_credentials(settings: Settings) -> SalesforceCredentials:
    """The credentials from the configured secret, else the local credentials file."""
    if settings.sf_secret_id:
        return credentials_from_secret(settings.sf_secret_id)
    if settings.sf_credentials_file:
        return credentials_from_file(settings.sf_credentials_file)
    raise RuntimeError("set LEADRELAY_SF_SECRET_ID (or LEADRELAY_SF_CREDENTIALS_FILE in local mode)")


def _http(settings: Settings) -> requests.Session:
    session = requests.Session()
    if settings.sf_ca_file:  # local mode: trust the local org's CA, and keep proxies off loopback
        session.verify = str(settings.sf_ca_file)
        session.trust_env = False
    return session


def directories(settings: Settings) -> dict[EventSource, MaDirectory]:
    """The MA directories the MA secret has credentials for (none when no secret is configured)."""
    if not settings.ma_secret_name:
        return {}
    secrets = SecretSource.from_settings(settings.secrets_file)
    return ma_directories(secrets, settings.ma_secret_name, http=_http(settings))


def build_pipeline(
    settings: Settings,
    *,
    activities: ActivityStore | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
) -> Pipeline:
    """The pipeline on the configured rules and AWS adapters.

    ``activities`` replaces the DynamoDB activity store (a local one); ``clock``, ``sleep`` and ``rng``
    are Lambda's real ones unless a test injects its own.
    """
    bundle = load_rule_bundle(settings.rules_path)  # an invalid rule set fails the cold start here
    table, dlq_url = settings.activity_table, settings.dlq_url
    if not dlq_url or not (table or activities):
        raise RuntimeError("the processor needs LEADRELAY_ACTIVITY_TABLE and LEADRELAY_DLQ_URL")
    if activities is None:
        ttl = timedelta(days=settings.activity_ttl_days)
        activities = DynamoDBActivityStore(boto3.client("dynamodb"), str(table), ttl=ttl)
    gateway = SimpleSalesforceGateway(
        salesforce_credentials(settings),
        http=_http(settings),
        client_name=settings.client_name,
        on_api_usage=api_usage_publisher(metrics),
        lead_auto_assign_on_create=bundle.ownership.lead_assignment.create_header,
        save_past_duplicate_alerts=bundle.ownership.duplicate_rules.on_create == "allow_save",
    )
    dead_letters = DeadLetterQueue(
        boto3.client("sqs"),
        dlq_url,
        source_queue_url=settings.ingest_queue_url,
        operations=bundle.operations,
    )
    config = PipelineConfig(
        backoff=Backoff(attempt_time=DEFAULT_TIMEOUT_SECONDS),  # a retry starts only if it can finish
        max_receive_count=settings.max_receive_count,
        history_days=settings.activity_history_days,
        function_version=settings.function_version,
        source_queue=settings.ingest_queue_url,
    )
    return Pipeline(
        rules=bundle.rules,
        ownership=bundle.ownership,
        operations=bundle.operations,
        gateway=gateway,
        activities=activities,
        dead_letters=dead_letters,
        config=config,
        rule_fields=bundle.lead_fields,
        ma_directories=directories(settings),
        clock=clock,
        sleep=sleep,
        rng=rng,
    )


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
    """Counts per outcome (as metrics and one log line); one line per message not applied."""
    counts = report.counts()
    for outcome, name in OUTCOME_METRICS.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=counts[outcome])
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


def make_handler(pipeline: Pipeline, settings: Settings) -> Handler:
    """The Lambda handler around ``pipeline`` (the module builds one at cold start)."""

    @metrics.log_metrics
    @logger.inject_lambda_context
    def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        """One SQS batch: run it through the pipeline, then report each message's outcome."""
        margin = settings.time_margin_seconds
        report = pipeline.run(
            inbound_messages(event), remaining=lambda: context.get_remaining_time_in_millis() / 1000 - margin
        )
        log_report(report)
        processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
        return process_partial_response(
            event=event, record_handler=outcome_reporter(report), processor=processor, context=context
        )

    return handler


SETTINGS = Settings.from_env()
PIPELINE = build_pipeline(SETTINGS)
handler = make_handler(PIPELINE, SETTINGS)
