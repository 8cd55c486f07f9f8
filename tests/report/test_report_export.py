"""`leadrelay report --input export.jsonl`: the same KPIs from the leads' fields in an export, and the ones
an export cannot give said so."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from leadrelay_tools.cli.main import main

from tests.report.support import SATO, SUZUKI

HEADER = {
    "kind": "export",
    "format": 1,
    "exported_at": "2026-12-01T00:00:00Z",
    "org": "https://sample.my.salesforce.com",
}


def person(number: int, last_name: str, company: str, **fields: Any) -> dict[str, Any]:
    """A Lead line with its name, company and the leadrelay fields given."""
    record = {"LastName": last_name, "Company": company, "Status": "Working - Contacted", **fields}
    return {"kind": "person", "sobject": "Lead", "id": f"00QRM0000000{number:02d}1AAA", "record": record}


def export(tmp_path: Path, *lines: dict[str, Any] | str) -> Path:
    path = tmp_path / "export.jsonl"
    text = [line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines]
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def november_export(tmp_path: Path) -> Path:
    return export(
        tmp_path,
        HEADER,
        person(
            1,
            "山田",
            "株式会社サンプル商事",
            LR_MQL_At__c="2026-11-10T01:00:00Z",
            LR_Lifecycle_Stage__c="Customer",
            OwnerId=SATO,
            LR_First_Touch_Source__c="seminar",
            LR_SLA_Status__c="Met",
            IsConverted=True,
        ),
        person(
            2,
            "鈴木",
            "株式会社エグザンプル工業",
            LR_MQL_At__c="2026-11-11T01:00:00Z",
            LR_Lifecycle_Stage__c="SQL",
            OwnerId=SUZUKI,
            LeadSource="Web",
            LR_SLA_Status__c="Breached",
        ),
        person(
            3,
            "佐藤",
            "合同会社みなと物流",
            LR_MQL_At__c="2026-11-17T01:00:00Z",
            LR_Lifecycle_Stage__c="Recycled",
            OwnerId=SATO,
            LR_First_Touch_Source__c="seminar",
            LR_SLA_Status__c="Escalated",
        ),
        person(
            4,
            "高橋",
            "株式会社さくら製作所",
            LR_MQL_At__c="2026-11-18T01:00:00Z",
            LR_Lifecycle_Stage__c="MQL",
            OwnerId=SUZUKI,
            LR_SLA_Status__c="On Track",
        ),
        person(5, "伊藤", "有限会社いとう商店", LR_Lifecycle_Stage__c="Lead"),
        person(
            6,
            "渡辺",
            "株式会社わたなべ電機",
            LR_MQL_At__c="2026-10-01T01:00:00Z",
            LR_Lifecycle_Stage__c="SQL",
        ),
        '{"kind": "person", "sobject": "Lead", "id": "short"}',
    )


def as_json(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> tuple[dict[str, Any], str]:
    code = main(
        ["report", "--input", str(path), "--since", "2026-11-01", "--until", "2026-11-30", "--json", *args]
    )
    out, err = capsys.readouterr()
    assert code == 0
    payload: dict[str, Any] = json.loads(out)
    return payload, err


def test_the_cohort_is_the_leads_whose_mql_time_falls_in_the_period(
    november_export: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    total = as_json(capsys, november_export)[0]["total"]
    assert (total["mqls"], total["sqls"], total["won"]) == (4, 2, 1)


def test_sla_compliance_reads_the_sla_status_of_ended_slas(
    november_export: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    total = as_json(capsys, november_export)[0]["total"]
    assert (total["sla_met"], total["sla_breached"], total["sla_compliance_rate"]) == (1, 2, 0.3333)


def test_time_to_first_contact_is_not_made_up_from_an_export(
    november_export: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = as_json(capsys, november_export)[0]
    assert payload["total"]["first_contact_mean_hours"] is None
    assert "an export holds no first contact" in payload["unavailable"]["first_contact"]


def test_by_source_uses_the_first_touch_source_else_the_lead_source(
    november_export: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = as_json(capsys, november_export, "--by", "source")[0]["rows"]
    assert {row["group"]: row["mqls"] for row in rows} == {"seminar": 2, "Web": 1, "(unknown)": 1}


def test_a_bad_line_is_named_and_skipped(november_export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    payload, err = as_json(capsys, november_export)
    assert payload["skipped"] == ["line 8: /id: String should have at least 15 characters"]
    assert "line 8" in err
