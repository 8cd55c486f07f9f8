"""`leadrelay dedup --from-org` and `leadrelay dedup backfill` against the local org over HTTPS,
through simple-salesforce's Bulk API 2.0 client."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from leadrelay_tools.cli.main import main
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.replay.local import write_credentials
from simple_salesforce.api import Salesforce

RULES = Path(__file__).resolve().parents[2] / "rules"
YAMADA = {
    "LastName": "山田",
    "FirstName": "太郎",
    "Company": "株式会社サンプル商事",
    "Email": "Taro.Yamada@Sample-Shoji.co.jp",
    "Phone": "03-1234-5678",
}
YAMADA_CARD = {
    "LastName": "ヤマダ",
    "FirstName": "タロウ",
    "Company": "㈱サンプル商事",
    "Email": "taro.yamada@sample-shoji.co.jp",
}
SATO = {"LastName": "佐藤", "FirstName": "花子", "Email": "hanako.sato@mirai-seisakusho.co.jp"}


@pytest.fixture
def org(local_org: LocalOrg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Salesforce:
    """The functions' Salesforce settings pointing at the local org; its client."""
    monkeypatch.delenv("LEADRELAY_SF_SECRET_ID", raising=False)
    monkeypatch.setenv("LEADRELAY_SF_CREDENTIALS_FILE", str(write_credentials(local_org, tmp_path)))
    monkeypatch.setenv("LEADRELAY_SF_CA_FILE", str(local_org.ca_file))
    return local_org.client()


def test_from_org_finds_a_lead_and_a_contact_of_one_person(
    org: Salesforce, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lead = org.Lead.create(YAMADA)["id"]
    org.Lead.create({**SATO, "Company": "みらい製作所"})
    contact = org.Contact.create({key: YAMADA_CARD[key] for key in ("LastName", "FirstName", "Email")})["id"]
    pairs = tmp_path / "pairs.csv"

    code = main(
        [
            "dedup",
            "--from-org",
            "--output",
            str(pairs),
            "--rules",
            str(RULES),
            "--wait",
            "0",
            "--workers",
            "1",
        ]
    )

    assert code == 0, capsys.readouterr().err
    rows = list(csv.DictReader(pairs.open(encoding="utf-8")))
    assert [({row["id_a"], row["id_b"]}, row["outcome"]) for row in rows] == [({lead, contact}, "match")]
    assert "3 records read (from the org)" in capsys.readouterr().out


def test_backfill_writes_the_match_keys_of_leads_contacts_and_accounts(
    org: Salesforce, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lead = org.Lead.create(YAMADA)["id"]
    account = org.Account.create(
        {"Name": "株式会社サンプル商事", "Website": "https://www.sample-shoji.co.jp"}
    )["id"]
    journal = tmp_path / "backfill.jsonl"

    code = main(["dedup", "backfill", "--journal", str(journal), "--rules", str(RULES), "--wait", "0"])

    assert code == 0, capsys.readouterr().err
    keys = org.Lead.get(lead)
    assert keys["LR_Match_Email__c"] == "taro.yamada@sample-shoji.co.jp"
    assert keys["LR_Match_Phone__c"] == "+81312345678"
    assert keys["LR_Match_Domain__c"] == "sample-shoji.co.jp"
    assert keys["LR_Match_Name__c"]
    assert keys["LR_Match_Company__c"]
    assert org.Account.get(account)["LR_Match_Domain__c"] == "sample-shoji.co.jp"
    assert "Lead: 1 read, 1 written in 1 jobs" in capsys.readouterr().out


def test_a_backfill_resumes_from_its_journal_and_skips_unchanged_keys(
    org: Salesforce, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    done = org.Lead.create(YAMADA)["id"]
    rest = [org.Lead.create(SATO | {"Company": "みらい製作所"})["id"], org.Lead.create(YAMADA_CARD)["id"]]
    journal = tmp_path / "backfill.jsonl"
    journal.write_text(json.dumps({"object": "Lead", "jobs": ["750interrupted"], "ids": [done]}) + "\n")
    argv = ["dedup", "backfill", "--objects", "Lead", "--journal", str(journal), "--rules", str(RULES)]

    assert main([*argv, "--wait", "0", "--batch-size", "1"]) == 0
    first = capsys.readouterr().out
    assert main([*argv, "--wait", "0"]) == 0
    again = capsys.readouterr().out

    assert "Lead: 3 read, 2 written in 2 jobs, 0 unchanged, 1 done before (journal)" in first
    assert org.Lead.get(done)["LR_Match_Email__c"] is None
    assert all(org.Lead.get(i)["LR_Match_Email__c"] for i in rest)
    assert "Lead: 3 read, 0 written in 0 jobs, 0 unchanged, 3 done before (journal)" in again


def test_a_backfill_without_a_journal_writes_only_the_keys_that_changed(
    org: Salesforce, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    org.Lead.create(YAMADA)
    org.Lead.create(SATO | {"Company": "みらい製作所"})
    argv = ["dedup", "backfill", "--objects", "Lead", "--rules", str(RULES), "--wait", "0"]
    assert main([*argv, "--journal", str(tmp_path / "first.jsonl")]) == 0
    capsys.readouterr()

    assert main([*argv, "--journal", str(tmp_path / "second.jsonl")]) == 0

    assert "Lead: 2 read, 0 written in 0 jobs, 2 unchanged" in capsys.readouterr().out
