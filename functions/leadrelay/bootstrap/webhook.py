"""The webhook function's object graph: mappings, secrets and the enqueuer, from its settings."""

from __future__ import annotations

from collections.abc import Mapping

from msgspec import Struct, field

from leadrelay.adapters.aws_clients import AwsClients
from leadrelay.adapters.mapping_files import load_mappings
from leadrelay.adapters.secrets import SecretSource, WebhookSecrets
from leadrelay.bootstrap import NO_OVERRIDES, Clock, Overrides, utc_now
from leadrelay.bootstrap.ingress import enqueuer
from leadrelay.ingress.mapping import CompiledMapping
from leadrelay.ports import Enqueuer
from leadrelay.settings import WebhookSettings


class WebhookRuntime(Struct):
    """What the webhook function needs, built once per execution environment."""

    mappings: Mapping[str, CompiledMapping]
    secrets: WebhookSecrets
    enqueuer: Enqueuer
    max_body_bytes: int = 1_048_576
    public_url: str | None = None
    clock: Clock = field(default=utc_now)


def webhook_runtime(settings: WebhookSettings, overrides: Overrides = NO_OVERRIDES) -> WebhookRuntime:
    """Mappings from ``rules/mappings``, the webhook secrets, the enqueuer (one botocore session)."""
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
