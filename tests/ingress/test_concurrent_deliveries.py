"""A provider's retry that arrives while the first delivery is still in flight (two threads, one moto).

HubSpot retries a request it gave up on (after 5 s) while our first invocation may still be
enqueueing it. The retry waits for the first invocation's outcome: a duplicate once it has
enqueued the events, its own enqueue once the first has failed; and when the first is still busy
after the wait, an answer that makes the provider retry again (503 + ``Retry-After``), never a 4xx.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from leadrelay.adapters.ingest_queue import IN_FLIGHT_PAUSES
from leadrelay.handlers.webhook import handle

from tests.ingress.builders import (
    NOW_MS,
    FakeLambdaContext,
    api_event,
    emitted_metrics,
    hubspot_headers,
    reference,
)
from tests.plugins.dead_letters import REGION
from tests.plugins.ingress import IngressAws

ORIGINAL = json.dumps(reference("hubspot_webhook_batch.json")).encode()
RETRY = json.dumps([{**e, "attemptNumber": 1} for e in reference("hubspot_webhook_batch.json")]).encode()
"""HubSpot's retry of the same two events: a new attempt number, a new timestamp and signature."""


@dataclass
class SlowNetwork:
    """The first delivery's SQS client: its ``SendMessageBatch`` waits until the test releases it."""

    sending: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    fail: bool = False
    """Once released, the send fails as if the network had dropped it."""

    def client(self) -> Any:
        """An SQS client (same moto backend) whose sends wait for :attr:`release`."""
        sqs = boto3.client("sqs", region_name=REGION)
        sqs.meta.events.register("before-call.sqs.SendMessageBatch", self._wait)
        return sqs

    def _wait(self, **_: Any) -> None:
        self.sending.set()
        assert self.release.wait(timeout=30), "the test never released the first delivery"
        if self.fail:
            raise EndpointConnectionError(endpoint_url=f"https://sqs.{REGION}.amazonaws.com/")


@dataclass
class FirstDelivery:
    """The first delivery, running in a thread until its enqueue is in flight."""

    thread: threading.Thread
    answer: dict[str, Any] = field(default_factory=dict)

    def finish(self) -> dict[str, Any]:
        """Its response, once it has ended."""
        self.thread.join(timeout=30)
        return self.answer


def post(aws: IngressAws, body: bytes, timestamp_ms: int, **enqueuer: Any) -> dict[str, Any]:
    runtime = aws.webhook_runtime(enqueuer=aws.enqueuer(**enqueuer))
    event = api_event("hubspot", body, hubspot_headers(body, timestamp_ms=timestamp_ms))
    return handle(event, FakeLambdaContext(), runtime)  # type: ignore[arg-type]


def start_first_delivery(aws: IngressAws, network: SlowNetwork) -> FirstDelivery:
    first = FirstDelivery(threading.Thread(target=lambda: None))

    def deliver() -> None:
        first.answer.update(post(aws, ORIGINAL, NOW_MS - 6000, sqs=network.client()))

    first.thread = threading.Thread(target=deliver, daemon=True)
    first.thread.start()
    assert network.sending.wait(timeout=30), "the first delivery never reached the queue"
    return first


def retry_waiting_with(aws: IngressAws, on_pause: Callable[[float], None]) -> dict[str, Any]:
    """HubSpot's retry, whose waits for the in-flight delivery run ``on_pause``."""
    return post(aws, RETRY, NOW_MS, pause=on_pause)


def test_a_retry_during_the_first_delivery_is_answered_with_its_outcome_a_duplicate(
    ingress_aws: IngressAws,
) -> None:
    network = SlowNetwork()
    first = start_first_delivery(ingress_aws, network)

    def first_delivery_completes(seconds: float) -> None:
        network.release.set()
        first.finish()

    retry = retry_waiting_with(ingress_aws, first_delivery_completes)

    assert first.finish()["statusCode"] == 200
    assert (retry["statusCode"], json.loads(retry["body"])) == (
        200,
        {"accepted": 0, "duplicates": 2, "skipped": 0},
    )
    assert len(ingress_aws.queued_events()) == 2


def test_when_the_first_delivery_fails_the_waiting_retry_enqueues_the_events(ingress_aws: IngressAws) -> None:
    network = SlowNetwork(fail=True)
    first = start_first_delivery(ingress_aws, network)

    def first_delivery_fails(seconds: float) -> None:  # each event of the retry may wait, in its own thread
        network.release.set()
        first.finish()

    retry = retry_waiting_with(ingress_aws, first_delivery_fails)

    assert first.finish()["statusCode"] == 503
    assert (retry["statusCode"], json.loads(retry["body"])["accepted"]) == (200, 2)
    assert sorted(e.identity.ma_id or "" for e in ingress_aws.queued_events()) == ["1246965", "1246978"]


def test_a_retry_that_outwaits_its_patience_is_told_to_retry_later_never_given_a_4xx(
    ingress_aws: IngressAws, capsys: pytest.CaptureFixture[str]
) -> None:
    network = SlowNetwork()
    first = start_first_delivery(ingress_aws, network)
    waits: list[float] = []

    retry = retry_waiting_with(ingress_aws, waits.append)
    network.release.set()
    later = post(ingress_aws, RETRY, NOW_MS + 1000)

    assert (retry["statusCode"], retry["headers"]["Retry-After"]) == (503, "30")
    assert sorted(waits) == sorted([*IN_FLIGHT_PAUSES, *IN_FLIGHT_PAUSES])  # each event waited 1.5 s
    assert first.finish()["statusCode"] == 200
    assert (later["statusCode"], json.loads(later["body"])["duplicates"]) == (200, 2)
    assert len(ingress_aws.queued_events()) == 2
    assert emitted_metrics(capsys.readouterr().out)["WebhookRequestsDeferred"] == 1
