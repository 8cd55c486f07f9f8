"""The local org answers the real simple-salesforce client: create, query, update, upsert, collections."""

from __future__ import annotations

from leadrelay.localorg import LocalOrg
from simple_salesforce import format_soql
from simple_salesforce.api import Salesforce

YAMADA = {
    "LastName": "山田",
    "FirstName": "太郎",
    "Company": "株式会社サンプル商事",
    "Email": "taro.yamada@sample-shoji.co.jp",
}


def test_a_created_lead_can_be_queried_by_email(local_org_client: Salesforce) -> None:
    created = local_org_client.Lead.create(YAMADA)

    found = local_org_client.query(
        format_soql("SELECT Id, Name, Status FROM Lead WHERE Email = {}", YAMADA["Email"])
    )

    assert found["totalSize"] == 1
    assert found["records"][0]["Id"] == created["id"]
    assert found["records"][0]["Name"] == "山田 太郎"
    assert found["records"][0]["Status"] == "Open - Not Contacted"


def test_every_api_call_is_counted(local_org: LocalOrg, local_org_client: Salesforce) -> None:
    local_org_client.Lead.create(YAMADA)
    local_org_client.query("SELECT Id FROM Lead")

    assert local_org.api_calls.total == 2
    assert local_org.api_calls["sobject_create"] == 1
    assert local_org.api_calls["query"] == 1
