"""The ingest queue: batches of 10, partial failures retried or reported, and each event enqueued once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from leadrelay.adapters.ingest_queue import EnqueueError, SqsEventQueue
from leadrelay.domain.events import CanonicalEvent
from leadrelay.ingress.salesforce import parse_salesforce_event

from tests.ingress.builders import NOW, lead_activity
from tests.plugins.ingress import IngressAws


def _activities(count: int) -> list[CanonicalEvent]:
    return [
        parse_salesforce_event(
            lead_activity(EventUuid=f"9e2b7c4a-0000-4000-8000-{index:012d}"), received_at=NOW
        ).events[0]
        for index in range(count)
    ]


class FlakySqs:
    """An SQS client at the edge whose SendMessageBatch fails the entries ``fails`` picks, ``times`` times."""

    def __init__(
        self, sqs: Any, fails: Callable[[dict[str, Any]], bool], *, times: int, sender_fault: bool = False
    ) -> None:
        self.sqs = sqs
        self.fails = fails
        self.remaining = times
        self.sender_fault = sender_fault
        self.calls: list[list[str]] = []
        self.lock = threading.Lock()

    def send_message_batch(self, *, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # noqa: N803
        with self.lock:
            self.calls.append([entry["Id"] for entry in Entries])
            failing = [e for e in Entries if self.fails(e)] if self.remaining > 0 else []
            self.remaining -= 1 if failing else 0
        passing = [e for e in Entries if e not in failing]
        response = self.sqs.send_message_batch(QueueUrl=QueueUrl, Entries=passing) if passing else {}
        failed = [
            {"Id": e["Id"], "SenderFault": self.sender_fault, "Code": "InternalError", "Message": "try again"}
            for e in failing
        ]
        return {"Successful": response.get("Successful", []), "Failed": failed}


def _entry(entry_id: str) -> Callable[[dict[str, Any]], bool]:
    return lambda entry: bool(entry["Id"] == entry_id)


def _event_of(event: CanonicalEvent) -> Callable[[dict[str, Any]], bool]:
    return lambda entry: event.idempotency_key in entry["MessageBody"]


def test_events_are_sent_in_batches_of_ten_with_the_canonical_event_as_body(ingress_aws: IngressAws) -> None:
    events = _activities(25)
    flaky = FlakySqs(ingress_aws.queues.sqs, lambda entry: False, times=0)

    SqsEventQueue(ingress_aws.queue_url, client=flaky).send(events)  # type: ignore[arg-type]

    assert [len(call) for call in flaky.calls] == [10, 10, 5]
    assert sorted(e.idempotency_key for e in ingress_aws.queued_events()) == sorted(
        e.idempotency_key for e in events
    )


def test_entries_that_fail_on_aws_side_are_retried_until_sent(ingress_aws: IngressAws) -> None:
    events = _activities(3)
    flaky = FlakySqs(ingress_aws.queues.sqs, _entry("1"), times=2)

    SqsEventQueue(ingress_aws.queue_url, client=flaky, pause=lambda attempt: None).send(events)  # type: ignore[arg-type]

    assert flaky.calls == [["0", "1", "2"], ["1"], ["1"]]
    assert len(ingress_aws.queued_events()) == 3


def test_entries_still_failing_after_the_retries_raise_with_their_idempotency_keys(
    ingress_aws: IngressAws,
) -> None:
    events = _activities(2)
    flaky = FlakySqs(ingress_aws.queues.sqs, _entry("0"), times=99)

    with pytest.raises(EnqueueError) as caught:
        SqsEventQueue(ingress_aws.queue_url, client=flaky, attempts=3, pause=lambda attempt: None).send(
            events
        )  # type: ignore[arg-type]

    assert caught.value.failed == {events[0].idempotency_key: "InternalError"}
    assert len(flaky.calls) == 3


def test_entries_refused_as_the_senders_fault_are_not_retried(ingress_aws: IngressAws) -> None:
    events = _activities(2)
    flaky = FlakySqs(ingress_aws.queues.sqs, _entry("1"), times=99, sender_fault=True)

    with pytest.raises(EnqueueError) as caught:
        SqsEventQueue(ingress_aws.queue_url, client=flaky, pause=lambda attempt: None).send(events)  # type: ignore[arg-type]

    assert caught.value.failed == {events[1].idempotency_key: "InternalError (sender fault)"}
    assert len(flaky.calls) == 1


def test_a_fifo_queue_gets_a_group_per_person_and_a_deduplication_id(ingress_aws: IngressAws) -> None:
    sqs = ingress_aws.queues.sqs
    url = sqs.create_queue(QueueName="leadrelay-ingest.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]

    SqsEventQueue(url, client=sqs).send(_activities(2))

    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
    assert {m["Attributes"]["MessageGroupId"] for m in messages} == {"email#taro.yamada@sample-shoji.co.jp"}


def test_a_redelivered_event_is_enqueued_once(ingress_aws: IngressAws) -> None:
    event = _activities(1)[0]
    enqueuer = ingress_aws.enqueuer()

    first = enqueuer.enqueue([event])
    second = enqueuer.enqueue([event])

    assert first.enqueued == (event.idempotency_key,)
    assert second.duplicates == (event.idempotency_key,)
    assert len(ingress_aws.queued_events()) == 1


def test_the_same_event_received_at_another_time_is_still_a_duplicate(ingress_aws: IngressAws) -> None:
    event = _activities(1)[0]
    enqueuer = ingress_aws.enqueuer()
    enqueuer.enqueue([event])

    later = event.model_copy(update={"received_at": NOW.replace(day=22)})

    assert enqueuer.enqueue([later]).duplicates == (event.idempotency_key,)


def test_an_event_that_failed_to_enqueue_is_enqueued_by_the_retry(ingress_aws: IngressAws) -> None:
    events = _activities(2)
    flaky = FlakySqs(ingress_aws.queues.sqs, _event_of(events[0]), times=3)
    broken = ingress_aws.enqueuer()
    broken.queue = SqsEventQueue(ingress_aws.queue_url, client=flaky, pause=lambda attempt: None)  # type: ignore[arg-type]

    with pytest.raises(EnqueueError):
        broken.enqueue(events)
    retried = ingress_aws.enqueuer().enqueue(events)

    assert retried.enqueued == (events[0].idempotency_key,)
    assert retried.duplicates == (events[1].idempotency_key,)
    assert len(ingress_aws.queued_events()) == 2


def test_an_event_repeated_within_one_request_is_enqueued_once_and_counted_as_duplicate(
    ingress_aws: IngressAws,
) -> None:
    event = _activities(1)[0]

    outcome = ingress_aws.enqueuer().enqueue([event, event, event])

    assert outcome.enqueued == (event.idempotency_key,)
    assert outcome.duplicates == (event.idempotency_key, event.idempotency_key)
    assert len(ingress_aws.queued_events()) == 1
