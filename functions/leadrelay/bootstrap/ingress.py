"""What the two ingress functions share: the idempotent enqueuer on the ingest queue.

Each ingress function has its own module (``bootstrap.webhook``, ``bootstrap.salesforce_events``), so
neither imports the other's parsing on its cold start; no Salesforce or MA client is imported here.
"""

from __future__ import annotations

from leadrelay.adapters.aws_clients import AwsClients
from leadrelay.adapters.ingest_queue import IdempotentEnqueuer, PlainEnqueuer, SqsEventQueue
from leadrelay.ports import Enqueuer
from leadrelay.settings import IngressSettings


def enqueuer(settings: IngressSettings, clients: AwsClients | None = None) -> Enqueuer:
    """The idempotent enqueuer on the ingest queue and the idempotency table (plain without a table).

    Its SQS and DynamoDB clients come from one botocore session (``clients``): Powertools' idempotency layer
    would otherwise open a session of its own and read botocore's endpoint data a second time."""
    clients = clients or AwsClients()
    queue = SqsEventQueue(settings.ingest_queue_url, client=clients.client("sqs"))
    if not settings.idempotency_table:
        return PlainEnqueuer(queue)
    return IdempotentEnqueuer(queue, settings.idempotency_table, dynamodb=clients.client("dynamodb"))
