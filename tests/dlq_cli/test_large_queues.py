"""`leadrelay dlq` on queues past SQS's in-flight limit: page through, hold a bounded number, resume.

The stand-in (tests/plugins/sqs_limits.py) refuses a receive once a queue has its in-flight limit of
messages, as SQS does; the small specs lower that limit so they stay fast, the slow one keeps SQS's
120,000 and redrives 150,000 dead letters.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from leadrelay.adapters.sqs_batches import send_message_batches

from tests.deadletter.conftest import page_view
from tests.dlq_cli.conftest import Run
from tests.plugins.dead_letters import Queues
from tests.plugins.sqs_limits import SqsLimits, interrupted_on


def _moved_by_redrive_policy(queues: Queues, count: int) -> None:
    """``count`` distinct page views in the dead-letter queue, as the ingest queue's policy moves them."""
    entries = [
        {"Id": str(n), "MessageBody": page_view(f"hubspot-{n:06d}").model_dump_json()} for n in range(count)
    ]
    assert send_message_batches(queues.sqs, queues.dlq_url, entries, attempts=1) == {}  # type: ignore[arg-type]


def _visible(queues: Queues) -> int:
    attributes = queues.sqs.get_queue_attributes(
        QueueUrl=queues.dlq_url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


@pytest.fixture
def limited(sqs_limits: SqsLimits) -> SqsLimits:
    """A queue that allows only 100 messages in flight (SQS: about 120,000)."""
    sqs_limits.in_flight_limit = 100
    return sqs_limits


def test_redrive_goes_through_a_queue_larger_than_the_in_flight_limit(
    run: Run, env_queues: Queues, limited: SqsLimits
) -> None:
    _moved_by_redrive_policy(env_queues, 250)

    code, out, _ = run("redrive", "--max-in-flight", "50")

    assert (code, out) == (0, "redriven: 250\n")
    assert env_queues.count(env_queues.ingest_url) == 250
    assert env_queues.count(env_queues.dlq_url) == 0
    assert limited.peak["leadrelay-dlq"] <= 50


def test_a_filtered_redrive_holds_what_it_skips_only_up_to_the_bound(
    run: Run, env_queues: Queues, limited: SqsLimits
) -> None:
    _moved_by_redrive_policy(env_queues, 120)

    code, out, err = run("redrive", "--error-code", "NO_SUCH_CODE", "--max-in-flight", "50")

    assert (code, out) == (0, "redriven: 0\n")
    assert "stopped after reading 50 of about 120 dead letters" in err
    assert _visible(env_queues) == 120
    assert limited.peak["leadrelay-dlq"] <= 50


def test_a_listing_past_the_bound_says_where_it_stopped_and_loses_nothing(
    run: Run, env_queues: Queues, limited: SqsLimits
) -> None:
    _moved_by_redrive_policy(env_queues, 120)

    code, out, err = run("list", "--max-in-flight", "50", "--json")

    assert code == 0
    assert len(json.loads(out)) == 50
    assert "stopped after reading 50 of about 120 dead letters" in err
    assert "export --delete" in err
    assert _visible(env_queues) == 120  # every message released when the pass ended


def test_a_receive_refused_as_over_limit_ends_the_pass_with_a_sentence(
    run: Run, env_queues: Queues, limited: SqsLimits
) -> None:
    _moved_by_redrive_policy(env_queues, 120)
    for _ in range(10):  # another reader holds 100 messages: the queue's whole allowance
        env_queues.sqs.receive_message(
            QueueUrl=env_queues.dlq_url, MaxNumberOfMessages=10, VisibilityTimeout=60
        )

    code, out, err = run("list", "--json")

    assert (code, json.loads(out)) == (0, [])
    assert "SQS refused more in-flight messages (OverLimit)" in err


def test_export_delete_archives_a_queue_of_any_size(
    run: Run, env_queues: Queues, limited: SqsLimits, tmp_path: Path
) -> None:
    _moved_by_redrive_policy(env_queues, 250)
    archive = tmp_path / "dlq-archive.jsonl"

    code, _, err = run("export", str(archive), "--delete", "--max-in-flight", "50")

    keys = {
        json.loads(line)["envelope"]["event"]["idempotency_key"] for line in archive.open(encoding="utf-8")
    }
    assert code == 0
    assert keys == {f"hubspot-{n:06d}" for n in range(250)}
    assert err == f"exported 250 dead letter(s) to {archive}, deleted 250 from the queue\n"
    assert env_queues.count(env_queues.dlq_url) == 0
    assert limited.peak["leadrelay-dlq"] <= 50


def test_purge_goes_through_a_queue_larger_than_the_in_flight_limit(
    run: Run, env_queues: Queues, limited: SqsLimits
) -> None:
    _moved_by_redrive_policy(env_queues, 250)

    code, out, _ = run("purge", "--older-than", "0s", "--yes", "--max-in-flight", "50")

    assert (code, out) == (0, "deleted: 250\n")
    assert env_queues.count(env_queues.dlq_url) == 0


def test_an_interrupted_redrive_resumes_without_sending_anything_twice(
    run: Run, env_queues: Queues, sqs_limits: SqsLimits, tmp_path: Path
) -> None:
    _moved_by_redrive_policy(env_queues, 45)
    journal = tmp_path / "redrive.jsonl"

    with interrupted_on("delete_message_batch", call=3):  # Ctrl-C once the third page was sent
        first = run("redrive", "--journal", str(journal))
    second = run("redrive", "--journal", str(journal))  # the operator runs the same command again

    assert first[0] == 130
    assert "run the same command again to resume" in first[2]
    assert second[:2] == (
        0,
        "resumed an interrupted redrive: messages it had sent were deleted, not sent again\nredriven: 25\n",
    )
    keys = sorted(json.loads(body)["idempotency_key"] for body in env_queues.bodies(env_queues.ingest_url))
    assert keys == [f"hubspot-{n:06d}" for n in range(45)]
    assert env_queues.count(env_queues.dlq_url) == 0
    assert not journal.exists()


@pytest.mark.slow
def test_redrive_moves_150000_dead_letters_holding_at_most_100000(
    run: Run, env_queues: Queues, sqs_limits: SqsLimits
) -> None:
    sqs_limits.arrive(
        env_queues.dlq_url, (page_view(f"hubspot-{n:06d}").model_dump_json() for n in range(150_000))
    )

    code, out, _ = run("redrive")

    assert (code, out) == (0, "redriven: 150000\n")
    assert env_queues.count(env_queues.ingest_url) == 150_000
    assert env_queues.count(env_queues.dlq_url) == 0
    assert sqs_limits.peak["leadrelay-dlq"] <= 100_000
