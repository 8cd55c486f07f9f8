"""`leadrelay why RECORD_ID`: a record's decision history — each change of score, stage and owner, and the
rules that caused it — read from the decision log with DuckDB."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from leadrelay.adapters.decision_log import DirectoryDecisionLog
from leadrelay_tools.cli.main import main
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.localorg.samples import seed_fit_40_lead

from tests.pipeline.support import make_pipeline, message, page_view
from tests.report.support import SUZUKI, SUZUKI_HANAKO, TANAKA, november, sla_monitor_runs
from tests.routing.test_routing_step import SATO, becomes_mql

EMAIL = "taro.yamada@sample-shoji.co.jp"


@pytest.fixture
def history(local_org: LocalOrg, tmp_path: Path) -> tuple[str, Path]:
    """山田太郎's Lead: one page view in a first batch, then enough to become an MQL in a second."""
    lead_id = seed_fit_40_lead(local_org, EMAIL)
    log = tmp_path / "log"
    pipeline, clock, _ = make_pipeline(local_org, decision_log=DirectoryDecisionLog(log))
    pipeline.run([message(page_view(EMAIL, minutes_ago=600))], remaining=clock.remaining)
    clock.now += timedelta(minutes=5)  # the second batch, five minutes later
    pipeline.run([message(event) for event in becomes_mql(EMAIL)], remaining=clock.remaining)
    return lead_id, log


def why(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["why", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_history_shows_each_score_stage_and_owner_change_with_its_rules(
    history: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    lead_id, log = history

    code, out, _ = why(capsys, lead_id, "--log", str(log), "--json")

    changes = json.loads(out)["changes"]
    assert code == 0
    assert changes[0]["scores"]["engagement"]["before"] is None
    [mql] = [change for change in changes if change["stage"] is not None]
    assert mql["stage"]["to"] == "MQL"
    assert mql["owner"].startswith(SATO)
    assert any("→ MQL" in rule for rule in mql["rules"])
    # routed at 2026-11-20 18:05 JST (Friday): 48 calendar hours → Sunday 18:05, when 佐藤's Task is due
    assert mql["sla"] == (
        "clock started; follow-up Task due 2026-11-22 18:05 Asia/Tokyo (sla.first_contact/breach)"
    )
    moved = [change["scores"]["engagement"] for change in changes[1:] if "engagement" in change["scores"]]
    assert all(step["before"] != step["after"] for step in moved)


def test_the_table_names_the_stage_move_and_the_owner(
    history: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    lead_id, log = history

    code, out, _ = why(capsys, lead_id, "--log", str(log))

    assert code == 0
    assert "→ MQL" in out
    assert SATO in out
    assert "routing.east" in out


def test_an_eighteen_character_id_finds_the_same_history_as_its_fifteen_character_form(
    history: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    lead_id, log = history

    _, long_form, _ = why(capsys, lead_id, "--log", str(log), "--json")
    _, short_form, _ = why(capsys, lead_id[:15], "--log", str(log), "--json")

    assert json.loads(long_form)["changes"] == json.loads(short_form)["changes"]


def test_a_record_without_decisions_says_so(
    history: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, log = history

    code, _, err = why(capsys, "00QRM0000000999AAA", "--log", str(log))

    assert code == 1
    assert "00QRM0000000999AAA: no decisions in" in err


def test_a_directory_without_a_log_gets_a_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = why(capsys, "00QRM0000000999AAA", "--log", str(tmp_path))

    assert code == 2
    assert err.startswith("error: no decision log under ")
    assert "Traceback" not in out + err


def test_something_that_is_not_a_record_id_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = why(capsys, "山田太郎")

    assert code == 2
    assert "is not a Salesforce record id" in err


def test_the_sla_monitors_actions_take_their_place_among_the_processors_decisions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = sla_monitor_runs(november(tmp_path / "log"))

    code, out, _ = why(capsys, SUZUKI_HANAKO, "--log", str(log), "--json")

    changes = json.loads(out)["changes"]
    assert code == 0
    assert [change["event"].split(" @ ")[0] for change in changes] == [
        "marketo page_view",  # entered MQL, routed to 鈴木
        "sla_monitor sla_remind",
        "sla_monitor sla_breach",
        "sla_monitor sla_escalate",
        "salesforce page_view",  # MQL → SQL
    ]
    assert changes[2]["sla"].startswith("breach, due 2026-11-13 10:00 Asia/Tokyo; status Breached")
    assert changes[3]["owner"] == f"{TANAKA} (escalated from {SUZUKI})"
