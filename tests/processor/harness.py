"""The processor Lambda in its environment: moto queues and table, the local org, a cold start, and a
stand-in for Lambda's SQS event source mapping.

``EventSourceMapping`` does what Lambda does with ``ReportBatchItemFailures``: receive up to a batch of
messages, invoke the handler with an SQS-shaped event and a context that counts down, delete the
messages that succeeded and make the failed ones visible again. The queue's redrive policy (moto) moves
a message after ``maxReceiveCount`` receives.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
from leadrelay.adapters.dead_letters import DeadLetterQueue
from leadrelay.bootstrap import Overrides
from leadrelay.bootstrap import processor as processor_root
from leadrelay.bootstrap.processor import ProcessorRuntime
from leadrelay.domain.deadletter import DeadLetter
from leadrelay.handlers import processor
from leadrelay.settings import ProcessorSettings
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.replay.local import write_credentials

from tests.pipeline.support import NOW, create_activity_table, create_routing_table
from tests.plugins.dead_letters import MAX_RECEIVE_COUNT, REGION, Queues

MODULE = "leadrelay.handlers.processor"
ACTIVITY_TABLE = "leadrelay-activities"
ROUTING_TABLE = "leadrelay-routing-state"
TIMEOUT_SECONDS = 60.0


@dataclass
class LambdaClock:
    """The time the handler sees: it moves only when the pipeline sleeps (never really)."""

    now: datetime = NOW
    slept: float = 0.0

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept += seconds
        self.now += timedelta(seconds=seconds)


@dataclass
class FakeLambdaContext:
    """The parts of Lambda's context Powertools and the handler read; remaining time follows the clock."""

    clock: LambdaClock
    timeout: float = TIMEOUT_SECONDS
    function_name: str = "leadrelay-processor"
    function_version: str = "7"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = f"arn:aws:lambda:{REGION}:123456789012:function:leadrelay-processor"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    deadline: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.deadline = self.clock.now + timedelta(seconds=self.timeout)

    def get_remaining_time_in_millis(self) -> int:
        return max(int((self.deadline - self.clock.now).total_seconds() * 1000), 0)


Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class EventSourceMapping:
    """Lambda's SQS poller, played against a moto queue."""

    queues: Queues
    handler: Handler
    clock: LambdaClock
    batch_size: int = 200
    invocations: int = 0
    arn: str | None = None

    def poll(self) -> int:
        """One invocation with the messages visible now; returns how many there were (0: queue empty)."""
        sqs, url = self.queues.sqs, self.queues.ingest_url
        messages: list[dict[str, Any]] = []
        while len(messages) < self.batch_size:
            got = sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=min(10, self.batch_size - len(messages)),
                AttributeNames=["All"],
                VisibilityTimeout=420,
            ).get("Messages", [])
            if not got:
                break
            messages.extend(got)
        if not messages:
            return 0
        self.invocations += 1
        response = self.handler(sqs_event(messages, self._arn()), FakeLambdaContext(self.clock))
        failed = {item["itemIdentifier"] for item in response["batchItemFailures"]}
        done = [m for m in messages if m["MessageId"] not in failed]
        back = [m for m in messages if m["MessageId"] in failed]
        for chunk in _chunks(done):
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)]
            sqs.delete_message_batch(QueueUrl=url, Entries=entries)
        for chunk in _chunks(back):
            entries = [
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                for i, m in enumerate(chunk)
            ]
            sqs.change_message_visibility_batch(QueueUrl=url, Entries=entries)
        return len(messages)

    def drain(self, max_invocations: int = 1000) -> None:
        """Invoke until the queue is empty (messages moved by the redrive policy leave it too)."""
        while self.poll():
            if self.invocations >= max_invocations:
                raise AssertionError(f"the queue did not drain in {max_invocations} invocations")

    def feed(self, bodies: list[str], *, arrivals: int, max_invocations: int = 5000) -> None:
        """Events arrive ``arrivals`` at a time between invocations (as producers send them), until all
        are sent and the queue has drained. A short queue keeps moto fast: it recounts every message
        of a queue on each send."""
        pending = list(reversed(bodies))
        while True:
            arriving = [pending.pop() for _ in range(min(arrivals, len(pending)))]
            for start in range(0, len(arriving), 10):
                chunk = arriving[start : start + 10]
                entries = [{"Id": str(i), "MessageBody": body} for i, body in enumerate(chunk)]
                self.queues.sqs.send_message_batch(QueueUrl=self.queues.ingest_url, Entries=entries)
            if not self.poll() and not pending:
                return
            if self.invocations >= max_invocations:
                raise AssertionError(f"the queue did not drain in {max_invocations} invocations")

    def _arn(self) -> str:
        if self.arn is None:
            url = self.queues.ingest_url
            attributes = self.queues.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
            self.arn = str(attributes["Attributes"]["QueueArn"])
        return self.arn


def _chunks(items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [items[i : i + 10] for i in range(0, len(items), 10)]


def sqs_event(messages: list[dict[str, Any]], arn: str) -> dict[str, Any]:
    """The Lambda event for received SQS messages (the shape the event source mapping sends)."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": {},
                "md5OfBody": hashlib.md5(m["Body"].encode(), usedforsecurity=False).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": arn,
                "awsRegion": REGION,
            }
            for m in messages
        ]
    }


def send(queues: Queues, *bodies: str) -> None:
    """Put message bodies on the ingest queue, one message each."""
    for body in bodies:
        queues.sqs.send_message(QueueUrl=queues.ingest_url, MessageBody=body)


def dead_letters(queues: Queues) -> list[DeadLetter]:
    """The envelopes waiting in the dead-letter queue (moto answers a short poll with every message, so
    the read is not confirmed by a long poll)."""
    return [stored.letter for stored in DeadLetterQueue(queues.sqs, queues.dlq_url, wait_seconds=0).peek()]


def processor_environment(org: LocalOrg, queues: Queues, workdir: Path, rules: Path) -> dict[str, str]:
    """The function's environment variables (as template.yaml sets them), in local mode for Salesforce."""
    boto3_client = boto3.client("dynamodb", region_name=REGION)
    tables = boto3_client.list_tables()["TableNames"]
    if ACTIVITY_TABLE not in tables:
        create_activity_table(boto3_client, ACTIVITY_TABLE)
    if ROUTING_TABLE not in tables:
        create_routing_table(boto3_client, ROUTING_TABLE)
    return {
        "LEADRELAY_RULES_PATH": str(rules),
        "LEADRELAY_INGEST_QUEUE_URL": queues.ingest_url,
        "LEADRELAY_DLQ_URL": queues.dlq_url,
        "LEADRELAY_ACTIVITY_TABLE": ACTIVITY_TABLE,
        "LEADRELAY_ROUTING_TABLE": ROUTING_TABLE,
        "LEADRELAY_MAX_RECEIVE_COUNT": str(MAX_RECEIVE_COUNT),
        "LEADRELAY_SF_CREDENTIALS_FILE": str(write_credentials(org, workdir)),
        "LEADRELAY_SF_CA_FILE": org.ca_file,
        "AWS_LAMBDA_FUNCTION_VERSION": "7",
        "POWERTOOLS_METRICS_NAMESPACE": "LeadRelay",
    }


def cold_start() -> ModuleType:
    """The handler module in a new execution environment: its runtime is built again on first use."""
    processor.default_runtime.cache_clear()
    return processor


def runtime_with(**overrides: Any) -> ProcessorRuntime:
    """The processor's runtime for the environment the test set, with ``overrides`` (clock, sleep, rng…)."""
    return processor_root.processor_runtime(ProcessorSettings.from_env(), Overrides(**overrides))


def handler_with(**overrides: Any) -> Callable[[dict[str, Any], Any], Any]:
    """The Lambda handler (Powertools decorators and all) on :func:`runtime_with` ``(**overrides)``."""
    runtime = runtime_with(**overrides)
    return processor.make_handler(lambda: runtime)
