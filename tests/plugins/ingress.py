"""Fixture plugin: ingress on moto — the ingest queue, the idempotency table and the webhook secret."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from leadrelay.adapters.ingest_queue import IdempotentEnqueuer, SqsEventQueue
from leadrelay.adapters.mapping_files import load_mappings
from leadrelay.adapters.secrets import SecretSource, WebhookSecrets
from leadrelay.bootstrap.salesforce_events import SalesforceEventsRuntime
from leadrelay.bootstrap.webhook import WebhookRuntime
from leadrelay.domain.events import CanonicalEvent, parse_canonical_event
from leadrelay.ingress.loops import LoopGuard

from tests.ingress.builders import INTEGRATION_USER, NOW, RULES, WEBHOOK_SECRETS, FakeLambdaContext
from tests.plugins.dead_letters import REGION, Queues

IDEMPOTENCY_TABLE = "leadrelay-idempotency"
WEBHOOK_SECRET_NAME = "leadrelay/webhooks"


@dataclass
class IngressAws:
    """The AWS side of ingress, on moto, and runtimes for the two handlers built on it."""

    queues: Queues
    dynamodb: Any
    secretsmanager: Any

    @property
    def queue_url(self) -> str:
        """The ingest queue."""
        return self.queues.ingest_url

    def queued_events(self) -> list[CanonicalEvent]:
        """Every canonical event on the ingest queue."""
        return [parse_canonical_event(body) for body in self.queues.bodies(self.queue_url)]

    def enqueuer(self, sqs: Any = None, **options: Any) -> IdempotentEnqueuer:
        """The idempotent enqueuer on the moto queue (through ``sqs``, a client of its own) and table."""
        client = sqs or self.queues.sqs
        queue = SqsEventQueue(self.queue_url, client=client, pause=lambda attempt: None)
        enqueuer = IdempotentEnqueuer(queue, IDEMPOTENCY_TABLE, dynamodb=self.dynamodb, **options)
        enqueuer.register_lambda_context(FakeLambdaContext())  # type: ignore[arg-type]
        return enqueuer

    def webhook_runtime(self, **overrides: Any) -> WebhookRuntime:
        """The webhook function's runtime: shipped mappings, the moto secret, the idempotent enqueuer."""
        values: dict[str, Any] = {
            "mappings": load_mappings(RULES),
            "secrets": WebhookSecrets(SecretSource(secretsmanager=self.secretsmanager), WEBHOOK_SECRET_NAME),
            "enqueuer": self.enqueuer(),
            "clock": lambda: NOW,
        }
        return WebhookRuntime(**{**values, **overrides})

    def salesforce_runtime(self, **overrides: Any) -> SalesforceEventsRuntime:
        """The Salesforce events function's runtime, guarding against the integration user and client."""
        guard = LoopGuard.build(
            integration_user_ids=[INTEGRATION_USER],
            owned_fields={"Lead": ["LR_Fit_Score__c", "LR_Engagement_Score__c", "LR_Lifecycle_Stage__c"]},
        )
        values: dict[str, Any] = {"enqueuer": self.enqueuer(), "loop_guard": guard, "clock": lambda: NOW}
        return SalesforceEventsRuntime(**{**values, **overrides})


@pytest.fixture
def ingress_aws(queues: Queues) -> IngressAws:
    """The ingest queue (from ``queues``), the idempotency table and the webhook secret, in one moto."""
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.create_table(
        TableName=IDEMPOTENCY_TABLE,
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    secretsmanager = boto3.client("secretsmanager", region_name=REGION)
    secretsmanager.create_secret(Name=WEBHOOK_SECRET_NAME, SecretString=json.dumps(WEBHOOK_SECRETS))
    return IngressAws(queues, dynamodb, secretsmanager)


@pytest.fixture
def leadrelay_log() -> Iterator[io.StringIO]:
    """What the ``leadrelay`` Powertools logger writes (its handlers' stream swapped for a buffer)."""
    buffer = io.StringIO()
    handlers = [h for h in logging.getLogger("leadrelay").handlers if isinstance(h, logging.StreamHandler)]
    streams = [h.setStream(buffer) for h in handlers]
    yield buffer
    for handler, stream in zip(handlers, streams, strict=True):
        handler.setStream(stream)
