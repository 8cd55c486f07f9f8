"""The three things the ingress benchmark times: the full path, and two references measured beside it."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import boto3
from leadrelay.adapters.activity_store import InMemoryActivityStore
from leadrelay.adapters.ingest_queue import SqsEventQueue
from leadrelay.bootstrap import Overrides
from leadrelay.bootstrap import ingress as ingress_root
from leadrelay.bootstrap import processor as processor_root
from leadrelay.bootstrap import webhook as webhook_root
from leadrelay.domain.events import CanonicalEvent
from leadrelay.handlers import processor, webhook
from leadrelay.ingress.webhooks import WebhookRequest, find_mapping, parse_webhook
from leadrelay.settings import ProcessorSettings, WebhookSettings
from leadrelay_tools.replay.invocation import RecordingEnqueuer, ReplayClock, ReplayContext, http_api_event
from leadrelay_tools.replay.lines import WebhookLine
from leadrelay_tools.replay.local import REGION, LocalEnvironment

from tests.plugins.dead_letters import Queues
from tests.processor.harness import EventSourceMapping, LambdaClock


@dataclass
class Timings:
    """What one timed path did."""

    seconds: float = 0.0
    accepted: int = 0
    latencies: list[float] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)
    applied: int = 0
    dead_lettered: int = 0
    lost: int = 0
    invocations: int = 0
    api_calls: int = 0
    ingress_seconds: float = 0.0


class TimedProcessor:
    """The processor function's handler behind Lambda's SQS poller, noting when each event was done."""

    def __init__(self, env: LocalEnvironment, batch_size: int) -> None:
        # moto's Query reads the whole table (DynamoDB reads one partition), so on moto the activity
        # history would cost O(all activities) per person and the figures would show moto's scaling.
        seams = Overrides(activities=InMemoryActivityStore())
        runtime = processor_root.processor_runtime(ProcessorSettings.of(env.settings), seams)
        handler = processor.make_handler(lambda: runtime)
        self.done: dict[str, float] = {}
        self.bodies: list[str] = []
        sqs = boto3.client("sqs", region_name=REGION)
        queues = Queues(sqs, str(env.settings.ingest_queue_url), str(env.settings.dlq_url))
        self.queues = queues

        def timed(event: dict[str, Any], context: Any) -> Any:
            response = handler(event, context)
            finished = time.perf_counter()
            failed = {item["itemIdentifier"] for item in response["batchItemFailures"]}
            for record in event["Records"]:
                if record["messageId"] not in failed:
                    self.done[json.loads(record["body"])["idempotency_key"]] = finished
                    self.bodies.append(record["body"])
            return response

        self.mapping = EventSourceMapping(queues, timed, LambdaClock(), batch_size=batch_size)

    def dead_letters(self) -> int:
        """Envelopes on the dead-letter queue."""
        return self.queues.count(self.queues.dlq_url)


def run_full_path(env: LocalEnvironment, traffic: list[WebhookLine], batch_size: int) -> Timings:
    """Every request through the webhook handler; the processor whenever a batch waits on the queue."""
    clock = ReplayClock()
    settings = WebhookSettings.of(env.settings)
    recorder = RecordingEnqueuer(ingress_root.enqueuer(settings))
    runtime = webhook_root.webhook_runtime(settings, Overrides(clock=clock, enqueuer=recorder))
    processor = TimedProcessor(env, batch_size)
    arrived: dict[str, float] = {}
    waiting, ingress = 0, 0.0
    started = time.perf_counter()
    for line in traffic:
        clock.now = line.received_at or clock.now
        sent = time.perf_counter()
        response = webhook.handle(http_api_event(line), cast(Any, ReplayContext()), runtime)
        ingress += time.perf_counter() - sent
        if response["statusCode"] != 200:
            raise SystemExit(f"the webhook refused a benchmark request: {response['body']}")
        arrived.update(dict.fromkeys(recorder.last.enqueued, sent))
        waiting += len(recorder.last.enqueued)
        if waiting >= batch_size:
            waiting = max(waiting - processor.mapping.poll(), 0)
    processor.mapping.drain()
    seconds = time.perf_counter() - started
    dead = processor.dead_letters()
    return Timings(
        seconds=seconds,
        accepted=len(arrived),
        latencies=[processor.done[key] - at for key, at in arrived.items() if key in processor.done],
        bodies=processor.bodies,
        applied=len(processor.done),
        dead_lettered=dead,
        lost=len(arrived) - len(processor.done) - dead,
        invocations=processor.mapping.invocations,
        api_calls=env.org.api_calls.total,
        ingress_seconds=ingress,
    )


def sqs_round_trip(env: LocalEnvironment, bodies: list[str], batch_size: int) -> Timings:
    """The same messages through moto SQS alone, at the full path's queue depth: the ingress sender puts
    a batch's worth on a queue, then they are received in tens and deleted, batch after batch."""
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="bench-reference")["QueueUrl"]
    queue = SqsEventQueue(url, client=sqs)
    events = [CanonicalEvent.model_validate_json(body) for body in bodies]
    received = 0
    started = time.perf_counter()
    for i in range(0, len(events), batch_size):
        queue.send(events[i : i + batch_size])
        while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
            received += len(messages)
            sqs.delete_message_batch(
                QueueUrl=url,
                Entries=[{"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(messages)],
            )
    return Timings(seconds=time.perf_counter() - started, accepted=received)


def parse_only(env: LocalEnvironment, traffic: list[WebhookLine]) -> Timings:
    """Signature check and mapping of every request (``parse_webhook``), no AWS and no Salesforce."""
    runtime = webhook_root.webhook_runtime(WebhookSettings.of(env.settings))
    accepted = 0
    started = time.perf_counter()
    for line in traffic:
        mapping = find_mapping(runtime.mappings, line.provider)
        request = WebhookRequest(
            line.provider,
            "POST",
            f"https://{line.headers['Host']}{line.request_path}",
            line.headers,
            line.raw_body(),
        )
        secrets = runtime.secrets.for_provider(mapping.spec.signature.secret or line.provider)
        accepted += len(
            parse_webhook(mapping, request, secrets=secrets, now=line.received_at or datetime.now(UTC)).events
        )
    return Timings(seconds=time.perf_counter() - started, accepted=accepted)
