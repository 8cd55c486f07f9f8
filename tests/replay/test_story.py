"""What a replay tells: the fields each applied event wrote, a dry run that writes nothing, the real
cause behind a webhook's 503, and seed values the org's field types take."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from leadrelay_tools.cli.main import main
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.replay.lines import read_lines
from leadrelay_tools.replay.local import local_environment
from leadrelay_tools.replay.runner import Replayer

from tests.replay.conftest import RULES, ReplayRun
from tests.replay.support import SEED, SEEDED_LEAD, TARO, download, generic_request, write_jsonl


def test_an_applied_event_says_which_record_and_fields_it_wrote(replay_run: ReplayRun) -> None:
    (row,) = replay_run.replay(generic_request([download("dl-story-1", TARO)]))

    lead = replay_run.org.record("Lead", SEEDED_LEAD)
    assert lead is not None
    assert row.changes.startswith(f"update Lead {SEEDED_LEAD}: ")
    assert f"Engagement_Score={lead['LR_Engagement_Score__c']:g}" in row.changes
    assert "Lifecycle_Stage=" in row.changes


def test_a_dry_run_plans_the_same_write_but_leaves_the_org_as_it_was(replay_run: ReplayRun) -> None:
    before = replay_run.org.record("Lead", SEEDED_LEAD)

    (row,) = replay_run.replay(generic_request([download("dl-story-2", TARO)]), dry_run=True)

    assert row.outcome.value == "applied"
    assert row.changes.startswith(f"update Lead {SEEDED_LEAD}: ")
    assert "Engagement_Score=" in row.changes
    assert replay_run.org.record("Lead", SEEDED_LEAD) == before


def test_a_dry_run_records_no_activity_so_the_real_replay_still_applies_it(replay_run: ReplayRun) -> None:
    delivery = generic_request([download("dl-story-3", TARO)])
    replay_run.replay(delivery, dry_run=True)

    (row,) = replay_run.replay(delivery)

    assert row.outcome.value == "applied"


def test_a_webhook_secret_that_cannot_be_read_is_named_instead_of_a_bare_503(
    local_org: LocalOrg, tmp_path: Path
) -> None:
    secrets = tmp_path / "secrets.json"
    secrets.write_text(json.dumps({"leadrelay/webhooks": {"hubspot": "only-hubspot"}}), encoding="utf-8")
    with local_environment(rules_path=RULES, secrets_file=secrets, seed=SEED, org=local_org) as env:
        path = write_jsonl(tmp_path / "generic.jsonl", generic_request([download("dl-story-4", TARO)]))
        (row,) = Replayer(env.settings).replay(read_lines(path))

    assert row.outcome.value == "failed"
    assert row.reason.startswith("HTTP 503: secret leadrelay/webhooks has no non-empty string")
    assert "'generic'" in row.reason


def test_a_seed_with_full_width_employees_is_written_as_a_number(local_org: LocalOrg) -> None:
    seed = {"Lead": [{**SEED["Lead"][0], "NumberOfEmployees": "１，２００"}]}

    with local_environment(rules_path=RULES, seed=seed, org=local_org) as env:
        lead = env.org.record("Lead", SEEDED_LEAD)

    assert lead is not None
    assert lead["NumberOfEmployees"] == 1200
    assert env.notes == ()


def test_a_seed_value_no_field_can_take_is_reported_for_its_record_and_left_out(local_org: LocalOrg) -> None:
    seed = {"Lead": [{**SEED["Lead"][0], "NumberOfEmployees": "約千名"}]}

    with local_environment(rules_path=RULES, seed=seed, org=local_org) as env:
        lead = env.org.record("Lead", SEEDED_LEAD)

    assert lead is not None
    assert lead["NumberOfEmployees"] is None
    assert env.notes == ("seed Lead #1: Lead.NumberOfEmployees: '約千名' is not a number; left out",)


def test_the_command_prints_the_changes_and_says_a_dry_run_wrote_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secrets, seed = tmp_path / "secrets.json", tmp_path / "seed.json"
    secrets.write_text(
        json.dumps({"leadrelay/webhooks": {"generic": "test-generic-secret"}}), encoding="utf-8"
    )
    seed.write_text(json.dumps(SEED, ensure_ascii=False), encoding="utf-8")
    path = write_jsonl(tmp_path / "one.jsonl", generic_request([download("dl-story-5", TARO)]))

    code = main(["replay", str(path), "--secrets", str(secrets), "--seed", str(seed), "--dry-run"])

    out = capsys.readouterr().out
    assert code == 0
    assert f"update Lead {SEEDED_LEAD}: Fit_Score=" in out
    assert out.rstrip().endswith("dry run: the changes above were planned, nothing was written")
