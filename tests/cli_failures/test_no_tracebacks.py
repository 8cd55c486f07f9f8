"""Every command turns a user's situation into one sentence and a non-zero exit; ``--debug`` shows the
traceback. Each case runs the CLI as a user would (its entry point, stdout and stderr captured) in an
environment without AWS configuration: no region, no credentials, unreachable endpoints."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import NoCredentialsError
from leadrelay_tools.cli.main import main, package_version

from tests.replay.support import TARO, download, generic_request, write_jsonl

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
QUEUE_IN_TOKYO = "https://sqs.ap-northeast-1.amazonaws.com/123456789012/leadrelay-dead-letters"
INGEST_IN_TOKYO = "https://sqs.ap-northeast-1.amazonaws.com/123456789012/leadrelay-ingest"
NOWHERE = "http://127.0.0.1:9"
"""The discard port: nothing listens, the connection is refused at once."""

Run = Callable[..., tuple[int, str]]


@pytest.fixture
def bare_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A shell with no AWS region, no credentials, no config files, no instance metadata."""
    for name in (
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_PROFILE",
        "LEADRELAY_DLQ_URL",
        "LEADRELAY_INGEST_QUEUE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # no credentials cached by an earlier test


@pytest.fixture
def leadrelay(bare_aws: None, capsys: pytest.CaptureFixture[str]) -> Run:
    """``leadrelay ARGS`` → (exit code, stdout + stderr)."""

    def run(*argv: str | Path) -> tuple[int, str]:
        code = main([str(arg) for arg in argv])
        out, err = capsys.readouterr()
        return code, out + err

    return run


def _one_sentence(code: int, output: str, *phrases: str) -> None:
    assert code != 0
    assert "Traceback" not in output
    for phrase in phrases:
        assert phrase in output


def test_version_names_the_installed_package() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "leadrelay_tools.cli.main", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout.strip()) == (0, f"leadrelay {package_version()}")


def test_dlq_without_a_region_anywhere_asks_for_one(leadrelay: Run) -> None:
    code, output = leadrelay("dlq", "list", "--queue-url", f"{NOWHERE}/queue/leadrelay-dead-letters")
    _one_sentence(code, output, "leadrelay dlq list: no AWS region: pass --region")


def test_dlq_takes_the_region_from_the_queue_url_then_asks_for_credentials(leadrelay: Run) -> None:
    code, output = leadrelay("dlq", "list", "--queue-url", QUEUE_IN_TOKYO)
    _one_sentence(code, output, "leadrelay dlq list: no AWS credentials")


def test_dlq_against_an_unreachable_endpoint_names_it(
    leadrelay: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", NOWHERE)
    code, output = leadrelay("dlq", "show", "dl-1", "--queue-url", QUEUE_IN_TOKYO)
    _one_sentence(code, output, f"leadrelay dlq show: cannot reach {NOWHERE}")


def test_dlq_without_a_queue_says_how_to_name_one(leadrelay: Run) -> None:
    with pytest.raises(SystemExit) as exit_info:
        leadrelay("dlq", "purge", "--yes", "--older-than", "30d")
    assert exit_info.value.code == "leadrelay dlq: no queue URL (pass --queue-url or set LEADRELAY_DLQ_URL)"


def test_replay_against_the_config_without_settings_names_the_missing_one(
    leadrelay: Run, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "one.jsonl", generic_request([download("dl-x-1", TARO)]))
    code, output = leadrelay("replay", path, "--org", "config")
    _one_sentence(code, output, "LEADRELAY_INGEST_QUEUE_URL is not set")


def test_replay_against_the_config_reads_the_region_from_the_queue_url_then_names_the_secret(
    leadrelay: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name, value in {
        "LEADRELAY_INGEST_QUEUE_URL": INGEST_IN_TOKYO,
        "LEADRELAY_DLQ_URL": QUEUE_IN_TOKYO,
        "LEADRELAY_ACTIVITY_TABLE": "leadrelay-activities",
        "LEADRELAY_IDEMPOTENCY_TABLE": "leadrelay-idempotency",
        "LEADRELAY_SF_SECRET_ID": "leadrelay/salesforce",
    }.items():
        monkeypatch.setenv(name, value)
    path = write_jsonl(tmp_path / "one.jsonl", generic_request([download("dl-x-2", TARO)]))
    code, output = leadrelay("replay", path, "--org", "config", "--rules", RULES)
    unreadable = "leadrelay replay: secret leadrelay/salesforce cannot be read"
    _one_sentence(code, output, unreadable, "Unable to locate credentials")
    assert "no AWS region" not in output


def test_replay_with_an_unreadable_secrets_file_names_it(leadrelay: Run, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "one.jsonl", generic_request([download("dl-x-3", TARO)]))
    code, output = leadrelay("replay", path, "--rules", RULES, "--secrets", tmp_path / "secrets.json")
    _one_sentence(code, output, f"cannot read the secrets file {tmp_path / 'secrets.json'}")


def test_replay_of_a_missing_file_names_it(leadrelay: Run, tmp_path: Path) -> None:
    code, output = leadrelay("replay", tmp_path / "captured.jsonl")
    _one_sentence(code, output, "captured.jsonl: no such file")


def test_replay_with_a_seed_record_the_org_refuses_names_the_record(leadrelay: Run, tmp_path: Path) -> None:
    path, seed = tmp_path / "empty.jsonl", tmp_path / "seed.json"
    path.write_text("", encoding="utf-8")
    seed.write_text(json.dumps({"Lead": [{"FirstName": "太郎"}]}, ensure_ascii=False), encoding="utf-8")
    code, output = leadrelay("replay", path, "--rules", RULES, "--seed", seed)
    _one_sentence(code, output, "leadrelay replay: seed Lead #1: Lead not created: REQUIRED_FIELD_MISSING")


@pytest.mark.parametrize(
    ("argv", "phrase"),
    [
        (("rules", "validate", "{tmp}/nowhere"), "nowhere"),
        (("rules", "test", "{tmp}/nowhere"), "nowhere"),
        (("rules", "explain", "{tmp}/lead.json"), "lead.json: cannot read"),
        (("demo", "--examples", "{tmp}/nowhere"), "nowhere: no such directory of sample leads"),
        (("demo", "--rules", "{tmp}/nowhere"), "nowhere"),
        (("local-org", "--faults", "lock=often"), "'often' is not a number"),
        (("report", "--log", "{tmp}/nowhere"), "no decision log under"),
        (("report", "--since", "3 months"), "--since '3 months' is neither a number of days"),
        (("report", "--since", "0d"), "--since '0d' is neither a number of days"),
        (("report", "--input", "{tmp}/export.jsonl"), "export.jsonl: no such export file"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else value,
)
def test_a_missing_or_bad_file_or_option_is_one_sentence(
    leadrelay: Run, tmp_path: Path, argv: tuple[str, ...], phrase: str
) -> None:
    code, output = leadrelay(*(arg.format(tmp=tmp_path) for arg in argv))
    _one_sentence(code, output, phrase)


def test_with_debug_the_traceback_is_shown(bare_aws: None) -> None:
    with pytest.raises(NoCredentialsError):
        main(["--debug", "dlq", "list", "--queue-url", QUEUE_IN_TOKYO])


def test_without_debug_an_unexpected_error_is_named_with_the_way_to_see_more(
    leadrelay: Run, tmp_path: Path
) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "scoring.json").write_bytes(b"\xff\xfe not utf-8")
    code, output = leadrelay("demo", "--rules", rules)
    assert code != 0
    assert "Traceback" not in output
