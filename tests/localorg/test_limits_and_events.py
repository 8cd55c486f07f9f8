"""API usage (counts, /limits, Sforce-Limit-Info) and the change log ingress tests read."""

from __future__ import annotations

from leadrelay_tools.localorg import LocalOrg
from simple_salesforce.api import Salesforce

from tests.localorg.payloads import api, rest

LEADRELAY = {"Sforce-Call-Options": "client=leadrelay"}


def test_limits_report_the_daily_allocation_and_what_remains(
    local_org: LocalOrg, local_org_client: Salesforce
) -> None:
    local_org_client.query("SELECT Id FROM Lead")

    limits = local_org_client.limits()

    assert limits["DailyApiRequests"] == {"Max": 15000, "Remaining": 15000 - 2}


def test_every_response_carries_api_usage_the_client_parses(
    local_org: LocalOrg, local_org_client: Salesforce
) -> None:
    local_org_client.query("SELECT Id FROM Lead")
    leads = api(local_org_client, "Lead")  # an SFType keeps its own api_usage
    leads.create({"LastName": "山田", "Company": "株式会社サンプル商事"})

    assert local_org_client.api_usage["api-usage"].used == 1
    assert (leads.api_usage["api-usage"].used, leads.api_usage["api-usage"].total) == (2, 15000)


def test_calls_are_counted_per_endpoint_kind(local_org: LocalOrg, local_org_client: Salesforce) -> None:
    lead_id = api(local_org_client, "Lead").create({"LastName": "山田", "Company": "株式会社サンプル商事"})[
        "id"
    ]
    api(local_org_client, "Lead").update(lead_id, {"Title": "部長"})
    api(local_org_client, "Lead").upsert("LR_External_Key__c/lr-1", {"LastName": "佐藤", "Company": "A"})
    rest(local_org_client, "composite/sobjects", method="POST", json={"records": []})
    local_org_client.query("SELECT Id FROM Lead")

    calls = local_org.api_calls

    assert calls.total == 5
    assert dict(calls.by_kind) == {
        "sobject_create": 1,
        "sobject_update": 1,
        "sobject_upsert": 1,
        "collections_create": 1,
        "query": 1,
    }


def test_seeding_and_inspecting_count_no_calls(local_org: LocalOrg) -> None:
    local_org.insert("Lead", {"LastName": "山田", "Company": "株式会社サンプル商事"})
    local_org.records("Lead")

    assert local_org.api_calls.total == 0


def test_writes_by_leadrelay_carry_its_client_name_in_the_change_origin(
    local_org: LocalOrg, local_org_client: Salesforce
) -> None:
    lead_id = local_org.insert("Lead", {"LastName": "山田", "Company": "株式会社サンプル商事"})

    api(local_org_client, "Lead").update(lead_id, {"LR_Fit_Score__c": 80, "Title": "部長"}, headers=LEADRELAY)

    event = local_org.change_events("Lead")[-1]
    header = event["ChangeEventHeader"]
    assert header["changeType"] == "UPDATE"
    assert header["changeOrigin"] == "com/salesforce/api/rest/62.0;client=leadrelay"
    assert header["recordIds"] == [lead_id]
    assert header["commitUser"] == local_org.integration_user_id
    assert header["changedFields"] == ["LR_Fit_Score__c", "Title", "LastModifiedDate"]
    assert (event["LR_Fit_Score__c"], event["Title"]) == (80.0, "部長")


def test_a_person_editing_in_salesforce_leaves_an_origin_without_client(local_org: LocalOrg) -> None:
    sales_rep = local_org.sales_user_ids[0]
    lead_id = local_org.insert("Lead", {"LastName": "山田", "Company": "株式会社サンプル商事"})

    local_org.update("Lead", lead_id, {"LR_Budget_Confirmed__c": True}, user_id=sales_rep)

    header = local_org.change_events("Lead")[-1]["ChangeEventHeader"]
    assert header["changeOrigin"] == ""
    assert header["commitUser"] == sales_rep
    assert local_org.record("Lead", lead_id)["LastModifiedById"] == sales_rep  # type: ignore[index]


def test_other_api_clients_are_told_apart(local_org: LocalOrg, local_org_client: Salesforce) -> None:
    api(local_org_client, "Lead").create(
        {"LastName": "山田", "Company": "A"}, headers={"Sforce-Call-Options": "client=MarketoSync"}
    )
    api(local_org_client, "Lead").create({"LastName": "佐藤", "Company": "B"})

    origins = [e["ChangeEventHeader"]["changeOrigin"] for e in local_org.change_events("Lead")]

    assert origins == ["com/salesforce/api/rest/62.0;client=MarketoSync", "com/salesforce/api/rest/62.0"]


def test_one_collection_request_is_one_transaction_in_the_change_log(
    local_org: LocalOrg, local_org_client: Salesforce
) -> None:
    records = [{"attributes": {"type": "Lead"}, "LastName": n, "Company": "A"} for n in ("山田", "佐藤")]

    rest(local_org_client, "composite/sobjects", method="POST", json={"records": records}, headers=LEADRELAY)

    headers = [e["ChangeEventHeader"] for e in local_org.change_events("Lead")]
    assert len({h["transactionKey"] for h in headers}) == 1
    assert [h["sequenceNumber"] for h in headers] == [1, 2]
    assert all(h["changeType"] == "CREATE" and h["changedFields"] == [] for h in headers)


def test_reset_forgets_records_events_counts_and_faults(
    local_org: LocalOrg, local_org_client: Salesforce
) -> None:
    api(local_org_client, "Lead").create({"LastName": "山田", "Company": "A"})
    local_org.faults.configure(lock_rate=1.0)

    local_org.reset()

    assert local_org.records("Lead") == []
    assert local_org.change_events() == []
    assert local_org.api_calls.total == 0
    assert local_org.faults.lock_rate == 0.0
    assert len(local_org.records("User")) == 3
