"""Bulk API 2.0 in the local org, driven by simple-salesforce's real ``bulk2`` client over HTTPS:
query jobs paged by Sforce-Locator, ingest jobs with per-row successes and failures."""

from __future__ import annotations

import csv
import io

from leadrelay_tools.localorg import LocalOrg
from simple_salesforce.api import Salesforce

LEADS = [
    {
        "LastName": "山田",
        "FirstName": "太郎",
        "Company": "株式会社サンプル商事",
        "Email": "taro.yamada@sample.co.jp",
    },
    {"LastName": "佐藤", "FirstName": "花子", "Company": "みらい製作所", "Email": "hanako.sato@mirai.co.jp"},
    {"LastName": "Smith", "FirstName": "Anna", "Company": "Acme Inc.", "Email": "anna@acme.example"},
]


def _rows(page: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(page)))


def _create(client: Salesforce) -> list[str]:
    return [client.Lead.create(lead)["id"] for lead in LEADS]


def test_a_query_job_pages_its_csv_by_locator(local_org_client: Salesforce) -> None:
    ids = _create(local_org_client)

    pages = list(
        local_org_client.bulk2.Lead.query("SELECT Id, LastName, Email FROM Lead", max_records=2, wait=0)
    )

    assert [len(_rows(page)) for page in pages] == [2, 1]
    rows = [row for page in pages for row in _rows(page)]
    assert sorted(row["Id"] for row in rows) == sorted(ids)
    assert {row["LastName"] for row in rows} == {"山田", "佐藤", "Smith"}


def test_an_ingest_update_applies_each_row_and_reports_the_failed_ones(
    local_org_client: Salesforce, local_org: LocalOrg
) -> None:
    ids = _create(local_org_client)
    records = [
        {"Id": ids[0], "LR_Match_Email__c": "taro.yamada@sample.co.jp"},
        {"Id": ids[1], "Title": "#N/A"},
    ]
    missing = "00Q000000000000AAA"

    (job,) = local_org_client.bulk2.Lead.update(records=[*records, {"Id": missing, "Title": "部長"}], wait=0)

    assert (job["numberRecordsProcessed"], job["numberRecordsFailed"]) == (3, 1)
    (failure,) = _rows(local_org_client.bulk2.Lead.get_failed_records(job["job_id"]))
    assert (failure["sf__Id"], failure["sf__Error"].split(":")[0]) == (missing, "NOT_FOUND")
    successes = _rows(local_org_client.bulk2.Lead.get_successful_records(job["job_id"]))
    assert sorted(row["sf__Id"] for row in successes) == sorted(ids[:2])
    assert local_org_client.Lead.get(ids[0])["LR_Match_Email__c"] == "taro.yamada@sample.co.jp"


def test_an_ingest_insert_creates_the_records(local_org_client: Salesforce) -> None:
    (job,) = local_org_client.bulk2.Contact.insert(
        records=[{"LastName": "高橋", "FirstName": "一郎"}], wait=0
    )

    assert job["numberRecordsFailed"] == 0
    (row,) = _rows(local_org_client.bulk2.Contact.get_successful_records(job["job_id"]))
    assert row["sf__Created"] == "true"
    assert local_org_client.Contact.get(row["sf__Id"])["LastName"] == "高橋"
