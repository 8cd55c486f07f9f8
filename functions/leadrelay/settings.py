"""Typed settings of every leadrelay function, read once from the environment.

One model per function, with what that function cannot run without *required*: a processor without
its dead-letter queue fails its cold start with a sentence naming ``LEADRELAY_DLQ_URL``, not with an
error at the first event. Names are the environment variables (``LEADRELAY_*``) that ``template.yaml``
sets; values that are secret (Salesforce credentials, webhook secrets, MA tokens) are never here —
only the *names* of the Secrets Manager secrets or SSM parameters that hold them.

Local mode (tests, ``leadrelay demo``, ``leadrelay replay``) points the Salesforce gateway at a local
org's credentials file instead of Secrets Manager (``LEADRELAY_SF_CREDENTIALS_FILE``) and secrets at a
local file (``LEADRELAY_SECRETS_FILE``). :class:`Settings` holds every function's variables together,
for the tools that run all functions in one process (replay, the demo).
"""

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, ValidationError, model_validator

ENV_PREFIX = "LEADRELAY_"
METRICS_NAMESPACE = "LeadRelay"
"""CloudWatch namespace of every leadrelay metric (template.yaml sets POWERTOOLS_METRICS_NAMESPACE to it)."""


class SettingsError(ValueError):
    """The environment lacks a variable the function needs, or holds an invalid value (named)."""


class FunctionSettings(BaseModel):
    """What every function reads (field ``x`` is read from ``LEADRELAY_X``)."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)  # each function builds its own

    rules_path: Path = Path("rules")
    """The rules directory (rules, ownership, operations and mappings live there)."""
    client_name: str = "leadrelay"
    """Sent as ``Sforce-Call-Options: client=<name>`` on every write; the loop guard drops it."""
    secrets_file: Path | None = None
    """Local mode: a JSON file of secrets by name, read instead of Secrets Manager/SSM (docs/ingress.md)."""
    function_version: str = "$LATEST"
    """The Lambda function version (from ``AWS_LAMBDA_FUNCTION_VERSION``), for dead letters."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        """Read ``LEADRELAY_*`` variables (and the Lambda function version) from ``environ``.

        Raises :class:`SettingsError` naming every missing or invalid variable.
        """
        env = os.environ if environ is None else environ
        values: dict[str, str] = {
            name[len(ENV_PREFIX) :].lower(): value
            for name, value in env.items()
            if name.startswith(ENV_PREFIX) and value != ""
        }
        if "AWS_LAMBDA_FUNCTION_VERSION" in env:
            values.setdefault("function_version", env["AWS_LAMBDA_FUNCTION_VERSION"])
        return cls.of(values)

    @classmethod
    def of(cls, values: Mapping[str, Any] | BaseModel) -> Self:
        """The settings from field values (or another settings model's); raises :class:`SettingsError`."""
        data = values.model_dump(exclude_none=True) if isinstance(values, BaseModel) else dict(values)
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise SettingsError(_describe(cls, exc)) from None


def _describe(model: type[BaseModel], exc: ValidationError) -> str:
    problems = []
    for error in exc.errors(include_url=False):
        name = ENV_PREFIX + "_".join(str(part) for part in error["loc"]).upper()
        if error["type"] == "missing":
            problems.append(f"{name} is not set")
        elif not error["loc"]:
            problems.append(str(error["msg"]).removeprefix("Value error, "))
        else:
            problems.append(f"{name}: {str(error['msg']).removeprefix('Value error, ')}")
    return f"{model.__name__}: " + "; ".join(problems)


class SalesforceAccess(FunctionSettings):
    """Where the Salesforce credentials are: a secret in AWS, or a local file."""

    sf_secret_id: str | None = None
    """Secrets Manager secret (name or ARN) with the Salesforce credentials (JWT or client credentials)."""
    sf_credentials_file: Path | None = None
    """Local mode: a JSON credentials file instead of the secret (the local org writes one)."""
    sf_ca_file: Path | None = None
    """Local mode: the CA certificate to trust for Salesforce (the local org's throw-away CA)."""

    @model_validator(mode="after")
    def _credentials_somewhere(self) -> Self:
        if not (self.sf_secret_id or self.sf_credentials_file):
            raise ValueError(
                f"{ENV_PREFIX}SF_SECRET_ID is not set (or {ENV_PREFIX}SF_CREDENTIALS_FILE in local mode)"
            )
        return self


class AlertSettings(SalesforceAccess):
    """Where alerts to reps go: Salesforce custom notifications of a type, and optionally Slack."""

    notification_type: str | None = None
    """The DeveloperName of the Salesforce custom notification type alerts are sent as (unset: none)."""
    slack_secret_name: str | None = None
    """Optional: a Secrets Manager secret (name or ARN) or ``ssm:/path`` holding the Slack incoming
    webhook URL (``{"slack_webhook_url": "https://hooks.slack.com/…"}``); unset: no Slack."""
    alerts_per_rep_per_hour: PositiveInt = 5
    """Single alerts per rep and clock hour, counted across invocations in the routing state table;
    past it, alerts are held for the hour's one digest, sent once the hour is over."""


class ProcessorSettings(AlertSettings):
    """The processor: ingest queue → rules → Salesforce, dead letters to the DLQ."""

    dlq_url: str
    """The dead-letter queue the processor sends envelopes to."""
    activity_table: str
    """DynamoDB table of activities per identity (and applied markers)."""
    ingest_queue_url: str | None = None
    """The queue the processor is triggered by (named in dead letters, for redrive)."""
    ma_secret_name: str | None = None
    """The MA API credentials: a Secrets Manager secret (name or ARN), or ``ssm:/path``, holding JSON
    with one key per MA (``hubspot``, ``marketo``; docs/ingress.md). Unset: no MA lookups."""
    max_receive_count: PositiveInt = 5
    """The ingest queue's redrive ``maxReceiveCount``: a transient failure on the last receive is
    dead-lettered by the processor itself, with its reason."""
    activity_history_days: PositiveInt = 365
    """How far back the processor reads activity history for scoring."""
    activity_ttl_days: PositiveInt = 400
    """Activities expire (DynamoDB TTL) this long after they occurred."""
    time_margin_seconds: float = Field(default=5.0, ge=0)
    """Time kept free at the end of an invocation for answering SQS and flushing metrics."""
    routing_table: str | None = None
    """DynamoDB table of the routing pools' state (required when ``rules/routing.json`` routes leads)."""
    resync_max_records: PositiveInt = 10_000
    """The most records one re-sync window (an overflow or wildcard change event) re-reads; a larger
    window is dead-lettered as ``RESYNC_WINDOW_TOO_LARGE``."""
    decision_log_bucket: str | None = None
    """The S3 bucket of the decision log (every applied decision with its reasons; docs/decision-log.md)."""
    decision_log_prefix: str = "decisions/"
    """The key prefix of the decision log's date partitions in its bucket or directory."""
    decision_log_dir: Path | None = None
    """Local mode: the directory of the decision log (instead of a bucket). Neither set: no log."""


class SlaMonitorSettings(AlertSettings):
    """The SLA monitor: every 15 minutes, the open SLA clocks → reminders, breaches, escalations."""

    routing_table: str
    """DynamoDB table holding the alert ledger (``alert#…`` items beside the routing pools)."""
    notification_type: str | None = "LeadRelay_Alert"
    time_margin_seconds: float = Field(default=5.0, ge=0)
    """Time kept free at the end of an invocation."""
    decision_log_bucket: str | None = None
    """The S3 bucket of the decision log: each reminder, breach and escalation with its reasons."""
    decision_log_prefix: str = "decisions/"
    """The key prefix of the decision log's date partitions (the processor's)."""
    decision_log_dir: Path | None = None
    """Local mode: the directory of the decision log (instead of a bucket). Neither set: no log."""


class InspectionSettings(SalesforceAccess):
    """``leadrelay rules explain --record``: read one person back from the org and the activity store."""

    activity_table: str
    """DynamoDB table of activities per identity (the processor's)."""
    activity_history_days: PositiveInt = 365
    """The processor's look-back, so a record is explained as the processor would score it."""
    activity_ttl_days: PositiveInt = 400
    """As the processor's (the store is only read here)."""


class IngressSettings(FunctionSettings):
    """What both ingress functions need: the ingest queue, and the table that keeps events once."""

    ingest_queue_url: str
    """The SQS queue of canonical events."""
    idempotency_table: str | None = None
    """DynamoDB table of Powertools idempotency records; unset only in local mode (no de-duplication)."""


class WebhookSettings(IngressSettings):
    """The webhook function: signed MA webhooks → the ingest queue."""

    webhook_secret_name: str = "leadrelay/webhooks"  # noqa: S105 - the name of a secret, not one
    """The webhook secrets: a Secrets Manager secret (name or ARN), or ``ssm:/path`` for an SSM
    SecureString, holding JSON with one key per provider (a string, or a list while rotating)."""
    webhook_max_body_bytes: PositiveInt = 1_048_576
    """Larger webhook bodies are refused with 413 (API Gateway itself stops at 10 MB)."""
    webhook_public_url: str | None = None
    """The base URL providers call (``https://hooks.example.co.jp``) when it differs from the API's own
    domain (a custom domain with a base path): HubSpot signs the full URL."""


class SalesforceEventsSettings(IngressSettings):
    """The Salesforce-events function: Event Relay deliveries → the ingest queue."""

    integration_user_id: str | None = None
    """The Salesforce user leadrelay writes as; its own changes are dropped at ingress."""
    resync_margin_seconds: int = Field(default=600, ge=0, le=86_400)
    """Half the re-sync window of an overflow or wildcard change event: the records modified within
    this many seconds of its commit time are read again (default 600: an Apex transaction's limit)."""


class Settings(FunctionSettings):
    """Every function's variables together (replay and the demo run all functions in one process)."""

    ingest_queue_url: str | None = None
    dlq_url: str | None = None
    activity_table: str | None = None
    idempotency_table: str | None = None
    sf_secret_id: str | None = None
    sf_credentials_file: Path | None = None
    sf_ca_file: Path | None = None
    webhook_secret_name: str | None = None
    ma_secret_name: str | None = None
    webhook_max_body_bytes: PositiveInt = 1_048_576
    webhook_public_url: str | None = None
    integration_user_id: str | None = None
    max_receive_count: PositiveInt = 5
    activity_history_days: PositiveInt = 365
    activity_ttl_days: PositiveInt = 400
    time_margin_seconds: float = Field(default=5.0, ge=0)
    resync_margin_seconds: int = Field(default=600, ge=0, le=86_400)
    resync_max_records: PositiveInt = 10_000
    routing_table: str | None = None
    decision_log_bucket: str | None = None
    decision_log_prefix: str = "decisions/"
    decision_log_dir: Path | None = None
    notification_type: str | None = None
    slack_secret_name: str | None = None
    alerts_per_rep_per_hour: PositiveInt = 5
