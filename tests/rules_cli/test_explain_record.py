"""`rules explain --record/--email`: a real record read back from the org and the activity store, explained.

The local mode runs moto and the local org in-process: the seed creates 山田 太郎's Lead, the captured
deliveries in examples/ go through the functions' own code (his webinar and his e-mail click are
recorded), then the record is read back exactly as the processor reads it.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.rules_cli.conftest import CLI, REPO

EXAMPLES = REPO / "examples"
YAMADA_EMAIL = "taro.yamada@sample-shoji.co.jp"
YAMADA_LEAD = "00QRM00000000012AA"  # the first Lead a fresh local org creates
LOCAL = (
    "--seed",
    EXAMPLES / "replay-seed.json",
    "--replay",
    EXAMPLES / "replay.jsonl",
    "--secrets",
    EXAMPLES / "replay-secrets.json",
    "--now",
    "2026-11-21T09:00:00+09:00",
)


def test_a_record_found_by_email_is_explained_with_its_stored_history(cli: CLI) -> None:
    run = cli("rules", "explain", "--email", YAMADA_EMAIL, *LOCAL)

    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0] == f"Lead {YAMADA_LEAD}: 2 activities on file"
    assert lines[1].startswith("on the record now: fit 40")
    assert "── rules deployed (rules) ──" in lines
    assert any(line.split()[:2] == ["engagement", "engagement.webinar"] for line in lines)
    assert "    scores.engagement 18 < 50 (32 short)" in lines


def test_proposed_rules_are_shown_beside_the_deployed_ones(cli: CLI, tmp_path: Path) -> None:
    proposed = tmp_path / "rules"
    shutil.copytree(REPO / "rules", proposed)
    lifecycle = proposed / "lifecycle.json"
    lifecycle.write_text(
        lifecycle.read_text(encoding="utf-8").replace('"mql_engagement": 50', '"mql_engagement": 10'),
        encoding="utf-8",
    )

    run = cli("rules", "explain", "--record", YAMADA_LEAD, "--rules", proposed, *LOCAL, "--json")

    assert run.code == 0, run.err
    views = run.json()["rules"]
    assert views["deployed"]["decision"]["stage"] == "Lead"
    moves = [move["to_stage"] for move in views["proposed"]["decision"]["transitions"]]
    assert moves == ["MQL", "Nurture"]  # engagement 18 ≥ 10 makes an MQL, 18 < 20 sends it to nurture
    assert views["proposed"]["path"] == str(proposed)


def test_an_unknown_record_is_a_sentence_not_a_traceback(cli: CLI) -> None:
    run = cli("rules", "explain", "--record", "00QRM0000000099AAA", *LOCAL)

    assert run.code == 1
    assert run.err.strip() == (
        "leadrelay rules explain: no Lead with id 00QRM0000000099AAA (deleted, or not visible to this user)"
    )
    assert "Traceback" not in run.err + run.out


def test_an_id_of_another_object_is_refused_by_name(cli: CLI) -> None:
    run = cli("rules", "explain", "--record", "001RM0000000001AAA", *LOCAL)

    assert run.code == 1
    assert "'001RM0000000001AAA' is not a Lead (00Q…) or Contact (003…) id" in run.err


def test_the_config_mode_without_settings_names_what_is_missing(
    cli: CLI, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [name for name in os.environ if name.startswith("LEADRELAY_")]:
        monkeypatch.delenv(name)
    run = cli("rules", "explain", "--email", YAMADA_EMAIL, "--org", "config")

    assert run.code == 1
    assert "LEADRELAY_ACTIVITY_TABLE is not set" in run.err
    assert "Traceback" not in run.err


def test_exactly_one_of_a_file_a_record_or_an_email_is_asked_for(cli: CLI) -> None:
    run = cli("rules", "explain", "--record", YAMADA_LEAD, "--email", YAMADA_EMAIL)

    assert run.code == 2
    assert "give one of LEAD.json, --record ID or --email ADDRESS" in run.err


def test_the_json_form_names_the_record_and_the_stored_values(cli: CLI) -> None:
    run = cli("rules", "explain", "--email", YAMADA_EMAIL, *LOCAL, "--json")

    document = run.json()
    assert document["record"] == {"sobject": "Lead", "id": YAMADA_LEAD}
    assert document["activities"] == 2
    assert set(document["stored"]) == {"fit", "engagement", "stage"}
    assert (
        json.dumps(document["rules"]["deployed"]["misses"]["transitions"][0]["reasons"]).count("short") == 1
    )
