"""`leadrelay dlq list` and `show`: what is waiting, why, and who owns it — without losing a message."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from leadrelay.domain.deadletter import DeadLetter
from leadrelay.domain.errors import ErrorDetail
from leadrelay.domain.events import CanonicalEvent

from tests.deadletter.conftest import DUPLICATE_ERROR, LEAD_ID, letter, page_view
from tests.dlq_cli.conftest import Run
from tests.plugins.dead_letters import Queues

Send = Callable[..., None]


def test_list_shows_age_record_error_message_attempts_and_owner(run: Run, dead_lettered: Send) -> None:
    dead_lettered(letter(age=timedelta(days=2, hours=3)))

    code, out, _ = run("list")

    header, _rule, row, total = out.splitlines()
    assert header.split() == ["id", "age", "record", "error", "message", "attempts", "owner"]
    assert row.split()[1:4] == ["2d3h", LEAD_ID, "FIELD_CUSTOM_VALIDATION_EXCEPTION"]
    assert row.split()[-2:] == ["1", "salesforce_admin"]
    assert total == "1 dead letter(s)"
    assert code == 0


def test_list_masks_e_mail_addresses_but_keeps_record_ids(
    run: Run, queues: Queues, dead_lettered: Send
) -> None:
    dead_lettered(letter())
    queues.move_by_redrive_policy(page_view("hubspot-9").model_dump_json())

    _, out, _ = run("list")

    assert "taro.yamada@" not in out
    assert "t***@sample-shoji.co.jp" in out
    assert LEAD_ID in out


def test_list_shows_messages_the_redrive_policy_moved(run: Run, env_queues: Queues) -> None:
    env_queues.move_by_redrive_policy(page_view("hubspot-9").model_dump_json())

    _, out, _ = run("list", "--json")

    [row] = json.loads(out)
    assert (row["error"], row["message"], row["origin"]) == (
        "MOVED_BY_REDRIVE_POLICY",
        "moved by redrive policy",
        "redrive_policy",
    )
    assert (row["owner"], row["attempts"]) == ("integration", 3)


def test_list_json_gives_one_object_per_dead_letter(run: Run, dead_lettered: Send) -> None:
    dead_lettered(letter(page_view("a")), letter(page_view("b"), error=DUPLICATE_ERROR))

    code, out, _ = run("list", "--json")

    rows = json.loads(out)
    assert code == 0
    assert sorted(row["error"] for row in rows) == [
        "DUPLICATES_DETECTED",
        "FIELD_CUSTOM_VALIDATION_EXCEPTION",
    ]
    assert {row["owner"] for row in rows} == {"marketing_ops", "salesforce_admin"}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (("--error-code", "duplicates_detected"), ["dup"]),
        (("--owner", "salesforce_admin"), ["old", "new"]),
        (("--older-than", "1d"), ["old"]),
        (("--newer-than", "6h"), ["dup", "new"]),
        (("--owner", "salesforce_admin", "--newer-than", "30m"), ["new"]),
        (
            ("--error-code", "DUPLICATES_DETECTED", "--error-code", "FIELD_CUSTOM_VALIDATION_EXCEPTION"),
            ["old", "dup", "new"],
        ),
    ],
)
def test_list_filters_by_error_code_owner_and_age(
    run: Run, dead_lettered: Send, filters: tuple[str, ...], expected: list[str]
) -> None:
    dead_lettered(
        letter(page_view("old"), age=timedelta(days=3)),
        letter(page_view("dup"), error=DUPLICATE_ERROR, age=timedelta(hours=2)),
        letter(page_view("new"), age=timedelta(minutes=5)),
    )

    _, out, _ = run("list", "--json", *filters)

    assert [_event_key(row["id"], run) for row in json.loads(out)] == expected


def _event_key(letter_id: str, run: Run) -> str:
    _, out, _ = run("show", letter_id, "--json")
    event: dict[str, str] = json.loads(out)["envelope"]["event"]
    return event["idempotency_key"]


def test_listing_loses_nothing(run: Run, queues: Queues, dead_lettered: Send) -> None:
    dead_lettered(*(letter(page_view(f"hubspot-{n}")) for n in range(15)))

    run("list")
    run("list", "--error-code", "DUPLICATES_DETECTED")

    assert len(queues.bodies(queues.dlq_url)) == 15


def test_show_prints_the_whole_envelope_by_id_or_event_key(run: Run, dead_lettered: Send) -> None:
    sent = letter()
    dead_lettered(sent)

    for wanted in (sent.id, "hubspot-1042"):
        code, out, _ = run("show", wanted, "--json")
        shown = json.loads(out)
        assert code == 0
        assert shown["envelope"]["id"] == sent.id
        assert CanonicalEvent.model_validate(shown["envelope"]["event"]) == page_view()
        assert shown["envelope"]["decision"]["trace"][0]["rule_id"] == "fit.title"
        assert shown["envelope"]["write"]["record_id"] == LEAD_ID


def test_show_without_json_leads_with_a_summary(run: Run, dead_lettered: Send) -> None:
    dead_lettered(letter())

    _, out, _ = run("show", "hubspot-1042")

    assert out.splitlines()[2] == "error     FIELD_CUSTOM_VALIDATION_EXCEPTION"
    assert "taro.yamada@sample-shoji.co.jp" in out  # ops need the full envelope


def test_show_of_an_unknown_id_fails_with_a_clear_message(run: Run, dead_lettered: Send) -> None:
    dead_lettered(letter())

    code, out, err = run("show", "dl-000000000000000000000000")

    assert code == 1
    assert err == "leadrelay dlq show: no dead letter 'dl-000000000000000000000000'\n"
    assert out == ""


def test_the_final_long_poll_is_used_by_default(run: Run, dead_lettered: Send) -> None:
    dead_lettered(letter())

    code, out, _ = run("list", "--json", wait=True)

    assert code == 0
    assert len(json.loads(out)) == 1


def test_without_a_queue_url_the_cli_says_what_to_set(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEADRELAY_DLQ_URL", raising=False)

    with pytest.raises(SystemExit, match="pass --queue-url or set LEADRELAY_DLQ_URL"):
        run("list")


def test_a_broken_operations_file_is_named(run: Run, env_queues: Queues, tmp_path: Path) -> None:
    broken = tmp_path / "operations.json"
    broken.write_text('{"kind": "operations", "owners": {}}', encoding="utf-8")

    with pytest.raises(SystemExit, match=f"(?s)cannot read {broken}: .*default_owner"):
        run("list", "--operations", str(broken))


HOSTILE = "\x1b[2J\x1b[H0 dead letter(s)\x1b]0;owned\x07\r\x9b31m"
"""Clear the screen, home the cursor, fake an empty queue, retitle the window, return, C1 CSI."""
EVIL_KEY = f"hubspot-evil{HOSTILE}"


def hostile_letter() -> DeadLetter:
    """A dead letter whose event key and error message (both from outside) carry escape sequences."""
    error = ErrorDetail(status_code="FIELD_CUSTOM_VALIDATION_EXCEPTION", message=f"会社名が不正です{HOSTILE}")
    return letter(page_view(EVIL_KEY), error=error)


@pytest.mark.parametrize(
    "args", [("list",), ("list", "--json"), ("show", EVIL_KEY), ("show", EVIL_KEY, "--json")]
)
def test_values_never_reach_the_terminal_as_control_sequences(
    run: Run, dead_lettered: Send, args: tuple[str, ...]
) -> None:
    dead_lettered(hostile_letter())

    _, out, err = run(*args)

    assert not any(ch in out + err for ch in "\x1b\x07\r\x9b")
    assert "\\u001b[2J" in out


def test_escaped_json_output_is_still_json_with_the_original_value(run: Run, dead_lettered: Send) -> None:
    dead_lettered(hostile_letter())

    _, out, _ = run("show", EVIL_KEY, "--json")

    assert json.loads(out)["envelope"]["event"]["idempotency_key"] == EVIL_KEY
