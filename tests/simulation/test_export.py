"""`leadrelay export`: Leads, Contacts and users through Bulk API 2.0 (simple-salesforce's bulk2 against the
local org over HTTPS) with their activity histories from the activity table (moto), typed as the REST API
would give them, in the format `rules simulate` reads."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from leadrelay.adapters.activity_store import DynamoDBActivityStore
from leadrelay_tools.cli.main import main
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.replay.local import write_credentials

from tests.pipeline.support import create_activity_table, page_view
from tests.plugins.dead_letters import REGION, Queues

TABLE = "leadrelay-activities"
TARO = "taro.yamada@sample-shoji.co.jp"


@pytest.fixture
def org(local_org: LocalOrg, queues: Queues, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LocalOrg:
    """The functions' settings pointing at the local org and a moto activity table (``--org config``)."""
    monkeypatch.delenv("LEADRELAY_SF_SECRET_ID", raising=False)
    monkeypatch.setenv("LEADRELAY_SF_CREDENTIALS_FILE", str(write_credentials(local_org, tmp_path)))
    monkeypatch.setenv("LEADRELAY_SF_CA_FILE", str(local_org.ca_file))
    monkeypatch.setenv("LEADRELAY_ACTIVITY_TABLE", TABLE)
    create_activity_table(boto3.client("dynamodb", region_name=REGION), TABLE)
    return local_org


def export(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    path = tmp_path / "export.jsonl"
    code = main(["export", "--org", "config", "--output", str(path), "--wait", "0", *args])
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def people(lines: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {line["record"].get("Email"): line for line in lines if line["kind"] == "person"}


def test_a_lead_comes_with_its_history_and_typed_values(
    org: LocalOrg, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    org.insert(
        "Lead",
        {
            "LastName": "山田",
            "FirstName": "太郎",
            "Company": "株式会社サンプル商事",
            "Email": TARO,
            "NumberOfEmployees": 350,
        },
    )
    recent = datetime.now(UTC) - timedelta(days=3)
    view = page_view(TARO).model_copy(update={"occurred_at": recent})
    DynamoDBActivityStore(boto3.client("dynamodb", region_name=REGION), TABLE).record([view])

    lines = export(tmp_path, capsys)

    taro = people(lines)[TARO]
    assert lines[0]["kind"] == "export"
    assert taro["record"]["NumberOfEmployees"] == 350
    assert taro["record"]["IsConverted"] is False
    assert [activity["id"] for activity in taro["activities"]] == [view.idempotency_key]


def test_the_users_come_after_the_people(
    org: LocalOrg, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = export(tmp_path, capsys)

    users = [line for line in lines if line["kind"] == "user"]
    assert users
    assert all(isinstance(user["record"]["IsActive"], bool) for user in users)


@pytest.mark.slow  # volume: several worker processes / a thousand records
def test_a_thousand_leads_take_a_few_api_calls_not_a_thousand(
    org: LocalOrg, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for index in range(1_000):
        org.insert(
            "Lead",
            {
                "LastName": f"顧客{index}",
                "Company": "株式会社サンプル商事",
                "Email": f"c{index}@example.co.jp",
            },
        )
    before = org.api_calls.total

    lines = export(tmp_path, capsys, "--objects", "Lead")

    assert len(people(lines)) == 1_000
    assert org.api_calls.total - before < 30


def test_the_export_is_what_simulate_reads(
    org: LocalOrg, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    org.insert(
        "Lead",
        {
            "LastName": "佐藤",
            "FirstName": "花子",
            "Company": "ミライ製作所株式会社",
            "Email": "hanako@mirai.co.jp",
        },
    )
    export(tmp_path, capsys)

    code = main(
        ["rules", "simulate", "--baseline", "rules", "--input", str(tmp_path / "export.jsonl"), "--json"]
    )

    result = json.loads(capsys.readouterr().out)
    assert code == 0
    assert result["people"] >= 1
    assert result["skipped"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--since", "last week"), "--since 'last week': give days back (90d) or a date"),
        (("--objects", "Account"), "Lead, Contact or both"),
    ],
)
def test_user_mistakes_get_a_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code = main(["export", "--org", "config", "--output", str(tmp_path / "e.jsonl"), *args])

    out, err = capsys.readouterr()
    assert code == 2
    assert message in err
    assert "Traceback" not in out + err
