"""`leadrelay dlq redrive/purge/export`: each message exactly once, nothing deleted unless meant."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from leadrelay.adapters.dead_letters import DeadLetterQueue
from leadrelay.domain.deadletter import DeadLetter
from leadrelay.domain.events import CanonicalEvent
from leadrelay_tools.cli.dlq import parse_duration

from tests.deadletter.conftest import DUPLICATE_ERROR, letter, page_view
from tests.dlq_cli.conftest import Run
from tests.plugins.dead_letters import Queues

Send = Callable[..., None]


def _events(queues: Queues, url: str) -> list[CanonicalEvent]:
    return sorted(
        (CanonicalEvent.model_validate_json(body) for body in queues.bodies(url)),
        key=lambda e: e.idempotency_key,
    )


def test_redrive_sends_the_original_events_back_and_empties_the_queue(
    run: Run, env_queues: Queues, dead_lettered: Send
) -> None:
    dead_lettered(letter(page_view("hubspot-1")), letter(page_view("hubspot-2"), error=DUPLICATE_ERROR))

    code, out, err = run("redrive")

    assert code == 0
    assert _events(env_queues, env_queues.ingest_url) == [page_view("hubspot-1"), page_view("hubspot-2")]
    assert env_queues.count(env_queues.dlq_url) == 0
    assert out == "redriven: 2\n"
    assert err == ""  # the progress bar is drawn on a terminal only: piped output stays plain


def test_redrive_by_error_code_leaves_the_others(run: Run, env_queues: Queues, dead_lettered: Send) -> None:
    dead_lettered(letter(page_view("hubspot-1")), letter(page_view("hubspot-2"), error=DUPLICATE_ERROR))

    run("redrive", "--error-code", "DUPLICATES_DETECTED")

    assert _events(env_queues, env_queues.ingest_url) == [page_view("hubspot-2")]
    [left] = env_queues.bodies(env_queues.dlq_url)
    assert DeadLetter.model_validate_json(left).error.status_code == "FIELD_CUSTOM_VALIDATION_EXCEPTION"


def test_a_dry_run_changes_nothing(run: Run, env_queues: Queues, dead_lettered: Send) -> None:
    dead_lettered(letter(page_view("hubspot-1")), letter(page_view("hubspot-2")))

    code, out, _ = run("redrive", "--dry-run")

    assert code == 0
    assert out.endswith("dry run: would redrive 2 dead letter(s); nothing changed\n")
    assert env_queues.count(env_queues.ingest_url) == 0
    assert len(env_queues.bodies(env_queues.dlq_url)) == 2


def test_a_message_the_redrive_policy_moved_is_redriven_verbatim(run: Run, env_queues: Queues) -> None:
    body = page_view("hubspot-9").model_dump_json()
    env_queues.move_by_redrive_policy(body)

    code, _, _ = run("redrive", "--error-code", "MOVED_BY_REDRIVE_POLICY", "--json")

    assert code == 0
    assert env_queues.bodies(env_queues.ingest_url) == [body]
    assert env_queues.count(env_queues.dlq_url) == 0


def test_the_same_event_dead_lettered_twice_is_redriven_once(
    run: Run, env_queues: Queues, dead_lettered: Send
) -> None:
    dead_lettered(letter(page_view("hubspot-1")), letter(page_view("hubspot-1")))

    _, out, _ = run("redrive", "--json")

    assert json.loads(out)["redriven"] == 2
    assert len(env_queues.bodies(env_queues.ingest_url)) == 1
    assert env_queues.count(env_queues.dlq_url) == 0


def test_the_source_queue_defaults_to_the_envelopes_then_to_the_queue_feeding_the_dlq(
    run: Run, queues: Queues, dead_lettered: Send, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LEADRELAY_INGEST_QUEUE_URL")
    other = queues.sqs.create_queue(QueueName="leadrelay-ingest-replay")["QueueUrl"]
    dead_lettered(letter(page_view("hubspot-1"), source_queue=other), letter(page_view("hubspot-2")))

    run("redrive")

    assert _events(queues, other) == [page_view("hubspot-1")]
    assert _events(queues, queues.ingest_url) == [page_view("hubspot-2")]


def test_without_any_source_queue_nothing_is_deleted(
    run: Run, queues: Queues, monkeypatch: pytest.MonkeyPatch
) -> None:
    orphan = queues.sqs.create_queue(QueueName="leadrelay-orphan-dlq")["QueueUrl"]
    monkeypatch.setenv("LEADRELAY_DLQ_URL", orphan)
    monkeypatch.delenv("LEADRELAY_INGEST_QUEUE_URL", raising=False)

    DeadLetterQueue(queues.sqs, orphan).send([letter()])

    code, out, _ = run("redrive")

    assert code == 1
    assert out.endswith(": no source queue (pass --source-queue-url)\n")
    assert len(queues.bodies(orphan)) == 1


def test_purge_refuses_without_yes(run: Run, env_queues: Queues, dead_lettered: Send) -> None:
    dead_lettered(letter(age=timedelta(days=10)))

    code, _, err = run("purge", "--older-than", "7d")

    assert code == 2
    assert err == "leadrelay dlq purge: would delete 1 dead letter(s); refusing without --yes\n"
    assert len(env_queues.bodies(env_queues.dlq_url)) == 1


def test_purge_needs_an_age(run: Run, env_queues: Queues) -> None:
    code, _, err = run("purge", "--yes")

    assert code == 2
    assert "--older-than DURATION is required" in err


def test_purge_deletes_only_what_is_older(run: Run, env_queues: Queues, dead_lettered: Send) -> None:
    dead_lettered(
        letter(page_view("old"), age=timedelta(days=10)), letter(page_view("new"), age=timedelta(hours=1))
    )

    code, out, _ = run("purge", "--older-than", "7d", "--yes")

    assert (code, out) == (0, "deleted: 1\n")
    [left] = env_queues.bodies(env_queues.dlq_url)
    assert DeadLetter.model_validate_json(left).event == page_view("new")


def test_export_writes_every_dead_letter_as_a_json_line_and_keeps_them(
    run: Run, env_queues: Queues, dead_lettered: Send, tmp_path: Path
) -> None:
    dead_lettered(letter(page_view("hubspot-1")), letter(page_view("hubspot-2")))
    env_queues.move_by_redrive_policy(page_view("hubspot-3").model_dump_json())
    target = tmp_path / "dlq-2026-11-21.jsonl"

    code, _, err = run("export", str(target))

    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert code == 0
    assert sorted(line["envelope"]["event"]["idempotency_key"] for line in lines) == [
        "hubspot-1",
        "hubspot-2",
        "hubspot-3",
    ]
    assert all(line["body"] and line["message_id"] for line in lines)
    assert err == f"exported 3 dead letter(s) to {target}\n"
    assert len(env_queues.bodies(env_queues.dlq_url)) == 3


@pytest.mark.parametrize(
    ("text", "duration"),
    [
        ("30m", timedelta(minutes=30)),
        ("6h", timedelta(hours=6)),
        ("2d", timedelta(days=2)),
        ("1w", timedelta(weeks=1)),
    ],
)
def test_durations_read_like_ops_write_them(text: str, duration: timedelta) -> None:
    assert parse_duration(text) == duration


def test_a_bad_duration_is_a_usage_error(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run("list", "--older-than", "2 days")

    assert exit_info.value.code == 2
    assert "invalid duration '2 days' (use e.g. 30m, 6h, 2d)" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["list", "show", "redrive", "purge", "export"])
def test_every_subcommand_has_help_and_json(
    command: str, run: Run, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(command, "--help")

    assert exit_info.value.code == 0
    assert "--json" in capsys.readouterr().out


def test_a_failed_send_leaves_the_message_in_the_dead_letter_queue(
    run: Run, env_queues: Queues, dead_lettered: Send, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = env_queues.sqs.create_queue(QueueName="leadrelay-ingest-old")["QueueUrl"]
    env_queues.sqs.delete_queue(QueueUrl=gone)
    monkeypatch.delenv("LEADRELAY_INGEST_QUEUE_URL")
    dead_lettered(letter(page_view("hubspot-1"), source_queue=gone), letter(page_view("hubspot-2")))

    code, out, _ = run("redrive", "--json")

    summary = json.loads(out)
    assert code == 1
    assert summary["redriven"] == 1
    assert list(summary["failed"].values()) == ["send failed: AWS.SimpleQueueService.NonExistentQueue"]
    [left] = env_queues.bodies(env_queues.dlq_url)
    assert DeadLetter.model_validate_json(left).event == page_view("hubspot-1")
