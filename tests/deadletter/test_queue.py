"""DeadLetterQueue on SQS (moto): envelopes go in with filterable attributes; reading loses nothing."""

from __future__ import annotations

from datetime import timedelta

from leadrelay.adapters.dead_letters import DeadLetterQueue
from leadrelay.domain.deadletter import DeadLetter
from leadrelay.engine.decision import Decision, RuleHit

from tests.deadletter.conftest import DUPLICATE_ERROR, letter, page_view
from tests.plugins.dead_letters import MAX_RECEIVE_COUNT, Queues


def test_envelopes_carry_error_code_owner_and_category_as_message_attributes(queues: Queues) -> None:
    sent = letter(error=DUPLICATE_ERROR)
    DeadLetterQueue(queues.sqs, queues.dlq_url).send([sent])

    message = queues.sqs.receive_message(QueueUrl=queues.dlq_url, MessageAttributeNames=["All"])["Messages"][
        0
    ]

    attributes = {name: value["StringValue"] for name, value in message["MessageAttributes"].items()}
    assert attributes == {
        "error_code": "DUPLICATES_DETECTED",
        "owner": "marketing_ops",
        "category": "duplicate",
        "error_class": "permanent",
        "envelope_version": "1",
    }
    assert DeadLetter.model_validate_json(message["Body"]) == sent


def test_more_letters_than_one_batch_all_arrive(queues: Queues) -> None:
    letters = [letter(page_view(f"hubspot-{n}")) for n in range(23)]

    DeadLetterQueue(queues.sqs, queues.dlq_url).send(letters)

    assert queues.count(queues.dlq_url) == 23


def test_peeking_twice_sees_every_message_twice_and_leaves_them_all(queues: Queues) -> None:
    queue = DeadLetterQueue(queues.sqs, queues.dlq_url, wait_seconds=0)
    queue.send([letter(page_view(f"hubspot-{n}")) for n in range(12)])

    first, second = queue.peek(), queue.peek()

    assert len(first) == len(second) == 12
    assert {m.letter.id for m in first} == {m.letter.id for m in second}
    assert len(queues.bodies(queues.dlq_url)) == 12


def test_a_message_the_redrive_policy_moved_reads_as_an_envelope(queues: Queues) -> None:
    event = page_view("hubspot-77")
    queues.move_by_redrive_policy(event.model_dump_json())

    [stored] = DeadLetterQueue(queues.sqs, queues.dlq_url, wait_seconds=0).peek()

    assert stored.letter.origin == "redrive_policy"
    assert stored.letter.event == event
    assert stored.letter.error.message == "moved by redrive policy"
    assert stored.letter.attempts == MAX_RECEIVE_COUNT
    assert stored.letter.source_queue == queues.ingest_url
    assert stored.redrive_body == event.model_dump_json()


def test_a_moved_message_that_is_no_canonical_event_is_listed_as_invalid(queues: Queues) -> None:
    queues.move_by_redrive_policy('{"eventType": "contact.propertyChange"}')

    [stored] = DeadLetterQueue(queues.sqs, queues.dlq_url, wait_seconds=0).peek()

    assert stored.letter.event is None
    assert stored.letter.category == "invalid_event"
    assert stored.letter.error.message.startswith("moved by redrive policy; not a canonical event:")
    assert stored.redrive_body == '{"eventType": "contact.propertyChange"}'


def test_a_too_large_trace_is_dropped_so_the_envelope_still_fits(queues: Queues) -> None:
    trace = tuple(RuleHit(f"engagement.rule_{n}", "engagement", 1, detail="閲覧" * 200) for n in range(300))
    decision = Decision({"fit": 1}, "Lead", "Lead", (), "3f2a9c41b7de", trace)
    big = letter().model_copy(update={"decision": decision.to_dict()})

    DeadLetterQueue(queues.sqs, queues.dlq_url).send([big])

    [stored] = DeadLetterQueue(queues.sqs, queues.dlq_url, wait_seconds=0).peek()
    assert stored.letter.decision is not None
    assert stored.letter.decision["trace"] is None
    assert stored.letter.decision["trace_dropped"] == "envelope too large"
    assert stored.letter.decision["scores"] == {"fit": 1}


def test_messages_are_listed_oldest_failure_first(queues: Queues) -> None:
    queue = DeadLetterQueue(queues.sqs, queues.dlq_url, wait_seconds=0)
    queue.send(
        [letter(page_view("new"), age=timedelta(minutes=5)), letter(page_view("old"), age=timedelta(days=3))]
    )

    assert [m.letter.event.idempotency_key for m in queue.peek() if m.letter.event] == ["old", "new"]
