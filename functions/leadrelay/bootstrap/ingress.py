"""The ingress functions' object graphs (webhook, Salesforce events): mappings, secrets, the enqueuer and
the loop guard, from their settings. No Salesforce or MA client is imported here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from leadrelay.adapters.aws_clients import AwsClients
from leadrelay.adapters.ingest_queue import IdempotentEnqueuer, PlainEnqueuer, SqsEventQueue
from leadrelay.adapters.mapping_files import load_mappings
from leadrelay.adapters.secrets import SecretSource, WebhookSecrets
from leadrelay.bootstrap import NO_OVERRIDES, Clock, Overrides, utc_now
from leadrelay.domain.ownership import OwnershipMap
from leadrelay.ingress.loops import LoopGuard
from leadrelay.ingress.mapping import CompiledMapping
from leadrelay.ingress.salesforce import SalesforceOptions
from leadrelay.ports import Enqueuer
from leadrelay.rulefiles.documents import OWNERSHIP_FILE
from leadrelay.settings import IngressSettings, SalesforceEventsSettings, WebhookSettings

# --- ingress -----------------------------------------------------------------------------------------


def enqueuer(settings: IngressSettings, clients: AwsClients | None = None) -> Enqueuer:
    """The idempotent enqueuer on the ingest queue and the idempotency table (plain without a table).

    Its SQS and DynamoDB clients come from one boto3 session (``clients``): Powertools' idempotency layer
    would otherwise open a session of its own and read botocore's endpoint data a second time."""
    clients = clients or AwsClients()
    queue = SqsEventQueue(settings.ingest_queue_url, client=clients.client("sqs"))
    if not settings.idempotency_table:
        return PlainEnqueuer(queue)
    return IdempotentEnqueuer(queue, settings.idempotency_table, dynamodb=clients.client("dynamodb"))


@dataclass
class WebhookRuntime:
    """What the webhook function needs, built once per execution environment."""

    mappings: Mapping[str, CompiledMapping]
    secrets: WebhookSecrets
    enqueuer: Enqueuer
    max_body_bytes: int = 1_048_576
    public_url: str | None = None
    clock: Clock = field(default=utc_now)


def webhook_runtime(settings: WebhookSettings, overrides: Overrides = NO_OVERRIDES) -> WebhookRuntime:
    """Mappings from ``rules/mappings``, the webhook secrets, the enqueuer (one boto3 session)."""
    clients = AwsClients()
    return WebhookRuntime(
        mappings=load_mappings(settings.rules_path),
        secrets=WebhookSecrets(
            SecretSource.from_settings(settings.secrets_file, clients), settings.webhook_secret_name
        ),
        enqueuer=overrides.enqueuer or enqueuer(settings, clients),
        max_body_bytes=settings.webhook_max_body_bytes,
        public_url=settings.webhook_public_url,
        clock=overrides.clock or utc_now,
    )


@dataclass
class SalesforceEventsRuntime:
    """What the Salesforce-events function needs, built once per execution environment."""

    enqueuer: Enqueuer
    loop_guard: LoopGuard
    options: SalesforceOptions = field(default_factory=SalesforceOptions)
    clock: Clock = field(default=utc_now)


def salesforce_events_runtime(
    settings: SalesforceEventsSettings, overrides: Overrides = NO_OVERRIDES
) -> SalesforceEventsRuntime:
    """The enqueuer and the loop guard (integration user, fields leadrelay owns)."""
    return SalesforceEventsRuntime(
        enqueuer=overrides.enqueuer or enqueuer(settings),
        loop_guard=loop_guard(settings),
        options=SalesforceOptions(resync_margin=timedelta(seconds=settings.resync_margin_seconds)),
        clock=overrides.clock or utc_now,
    )


def loop_guard(settings: SalesforceEventsSettings) -> LoopGuard:
    """The loop guard: client name, integration user, and the fields leadrelay owns (``ownership.json``)."""
    path = Path(settings.rules_path) / OWNERSHIP_FILE
    owned: dict[str, tuple[str, ...]] = {}
    if path.exists():
        ownership = OwnershipMap.model_validate_json(path.read_bytes())
        owned = {sobject: owners.leadrelay for sobject, owners in ownership.objects.items()}
    return LoopGuard.build(
        client_name=settings.client_name,
        integration_user_ids=[settings.integration_user_id],
        owned_fields=owned,
    )
