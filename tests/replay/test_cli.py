"""The ``leadrelay replay`` command: the shipped examples, JSON output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from leadrelay_tools.cli.main import main

from tests.replay.conftest import ReplayRun

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def _replay(*args: str) -> int:
    return main(["replay", *args, "--rules", str(ROOT / "rules")])


def test_the_shipped_examples_apply_drop_the_own_change_and_spot_the_retry(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = _replay(
        str(EXAMPLES / "replay.jsonl"),
        "--secrets",
        str(EXAMPLES / "replay-secrets.json"),
        "--seed",
        str(EXAMPLES / "replay-seed.json"),
        "--json",
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["counts"] == {"applied": 6, "dropped": 1, "duplicate": 1}
    dropped = [e for e in report["events"] if e["outcome"] == "dropped"]
    assert [(e["source"], e["event"]) for e in dropped] == [("LeadChangeEvent", "own_change")]


def test_a_replay_with_a_rejected_line_exits_1_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "broken.jsonl"
    file.write_text('{"provider": "generic"\n', encoding="utf-8")
    assert _replay(str(file)) == 1
    assert "broken.jsonl:1: not JSON" in capsys.readouterr().out


def test_a_missing_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _replay(str(tmp_path / "missing.jsonl")) == 2
    assert "missing.jsonl: no such file" in capsys.readouterr().err


def test_a_seed_file_that_is_not_records_by_object_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file, seed = tmp_path / "empty.jsonl", tmp_path / "seed.json"
    file.write_text("", encoding="utf-8")
    seed.write_text('{"Lead": {"LastName": "山田"}}', encoding="utf-8")
    assert _replay(str(file), "--seed", str(seed)) == 2
    assert 'expected {"<sobject>": [{<fields>}, ...], ...}' in capsys.readouterr().err


def test_config_mode_reads_the_functions_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], replay_run: ReplayRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the LEADRELAY_* variables the functions read (here: pointing at moto and the local org)."""
    from tests.replay.support import TARO, download, generic_request, write_jsonl

    for name, value in replay_run.env.settings.model_dump(exclude_none=True).items():
        monkeypatch.setenv(f"LEADRELAY_{name.upper()}", str(value))

    file = write_jsonl(tmp_path / "backfill.jsonl", generic_request([download("dl-cfg-1", TARO)]))
    assert main(["replay", str(file), "--org", "config", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"] == {"applied": 1}
