"""Settings of every leadrelay function, read once from the environment.

One pydantic model for all functions: each reads the fields it needs. Names are the
environment variables (``LEADRELAY_*``) that ``template.yaml`` sets; values that are secret
(Salesforce credentials, webhook secrets) are never here — only the *names* of the Secrets
Manager secrets or SSM parameters that hold them.

Local mode (tests, ``leadrelay demo``, ``leadrelay replay``) points the Salesforce gateway at
a local org's credentials file instead of Secrets Manager (``LEADRELAY_SF_CREDENTIALS_FILE``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, PositiveInt

ENV_PREFIX = "LEADRELAY_"
METRICS_NAMESPACE = "LeadRelay"
"""CloudWatch namespace of every leadrelay metric (template.yaml sets POWERTOOLS_METRICS_NAMESPACE to it)."""


class Settings(BaseModel):
    """The environment of a leadrelay function (field ``x`` is read from ``LEADRELAY_X``)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    rules_path: Path = Path("rules")
    """The rules directory (``load_rules``; ownership, operations and mappings live there too)."""
    ingest_queue_url: str | None = None
    """The SQS queue of canonical events (ingress sends, the processor is triggered by it)."""
    dlq_url: str | None = None
    """The dead-letter queue: envelopes the processor sends, and what the redrive policy moves."""
    activity_table: str | None = None
    """DynamoDB table of activities per identity (``DynamoDBActivityStore``)."""
    idempotency_table: str | None = None
    """DynamoDB table of Powertools idempotency records (ingress)."""
    sf_secret_id: str | None = None
    """Secrets Manager secret (name or ARN) with the Salesforce credentials (JWT or client credentials)."""
    sf_credentials_file: Path | None = None
    """Local mode: a JSON credentials file instead of the secret (the local org writes one)."""
    sf_ca_file: Path | None = None
    """Local mode: the CA certificate to trust for Salesforce (the local org's throw-away CA)."""
    webhook_secret_name: str | None = None
    """The webhook secrets: a Secrets Manager secret (name or ARN), or ``ssm:/path`` for an SSM
    SecureString, holding JSON with one key per provider (a string, or a list while rotating)."""
    ma_secret_name: str | None = None
    """The MA API credentials (processor): a Secrets Manager secret (name or ARN), or ``ssm:/path``,
    holding JSON with one key per MA (``hubspot``, ``marketo``; docs/ingress.md). Unset: no MA lookups."""
    secrets_file: Path | None = None
    """Local mode: a JSON file of secrets by name, read instead of Secrets Manager/SSM (docs/ingress.md)."""
    webhook_max_body_bytes: PositiveInt = 1_048_576
    """Larger webhook bodies are refused with 413 (API Gateway itself stops at 10 MB)."""
    webhook_public_url: str | None = None
    """The base URL providers call (``https://hooks.example.co.jp``) when it differs from the API's own
    domain (a custom domain with a base path): HubSpot signs the full URL."""
    integration_user_id: str | None = None
    """The Salesforce user leadrelay writes as; its own changes are dropped at ingress."""
    client_name: str = "leadrelay"
    """Sent as ``Sforce-Call-Options: client=<name>`` on every write."""
    max_receive_count: PositiveInt = 5
    """The ingest queue's redrive ``maxReceiveCount``: a transient failure on the last receive is
    dead-lettered by the processor itself, with its reason."""
    activity_history_days: PositiveInt = 365
    """How far back the processor reads activity history for scoring."""
    activity_ttl_days: PositiveInt = 400
    """Activities expire (DynamoDB TTL) this long after they occurred."""
    time_margin_seconds: float = Field(default=5.0, ge=0)
    """Time kept free at the end of an invocation for answering SQS and flushing metrics."""
    function_version: str = "$LATEST"
    """The Lambda function version (from ``AWS_LAMBDA_FUNCTION_VERSION``), for dead letters."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read ``LEADRELAY_*`` variables (and the Lambda function version) from ``environ``."""
        env = os.environ if environ is None else environ
        values: dict[str, str] = {
            name[len(ENV_PREFIX) :].lower(): value
            for name, value in env.items()
            if name.startswith(ENV_PREFIX) and value != ""
        }
        if "AWS_LAMBDA_FUNCTION_VERSION" in env:
            values.setdefault("function_version", env["AWS_LAMBDA_FUNCTION_VERSION"])
        return cls.model_validate(values)
