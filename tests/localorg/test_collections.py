"""sObject Collections through the real client: per-record results in order, allOrNone, upsert, limits."""

from __future__ import annotations

from typing import Any

import pytest
from leadrelay_tools.localorg import LocalOrg
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceError, SalesforceMalformedRequest

from tests.localorg.payloads import api, content, reference, rest, shape

ROLLED_BACK = reference("salesforce_collections_response_allornone_rollback")[1]["errors"][0]


def _lead(last: str, **fields: Any) -> dict[str, Any]:
    return {"attributes": {"type": "Lead"}, "LastName": last, "Company": "株式会社サンプル商事", **fields}


def _collection(
    sf: Salesforce, method: str, records: list[dict[str, Any]], path: str = "", **body: Any
) -> Any:
    return sf.restful(f"composite/sobjects{path}", method=method, json={"records": records, **body})


def test_create_reports_each_record_in_request_order(
    local_org: LocalOrg, local_org_client: Salesforce
) -> None:
    records = [_lead("山田"), _lead("佐藤", Company=None), _lead("鈴木")]

    results = _collection(local_org_client, "POST", records)

    assert [r["success"] for r in results] == [True, False, True]
    assert shape(results[0]) == shape(reference("salesforce_collections_response_partial_failure")[0])
    assert shape(results[1]) == shape(reference("salesforce_collections_response_partial_failure")[1])
    assert results[1]["errors"] == [
        {
            "statusCode": "REQUIRED_FIELD_MISSING",
            "message": "Required fields are missing: [Company]",
            "fields": ["Company"],
        }
    ]
    assert [r["LastName"] for r in local_org.records("Lead")] == ["山田", "鈴木"]
    assert local_org.api_calls["collections_create"] == 1


def test_update_mixes_successes_with_validation_lock_and_deleted_errors(
    local_org: LocalOrg, local_org_client: Salesforce
) -> None:
    ids = [
        local_org.insert("Lead", {"LastName": n, "Company": "A", "Email": f"{n}@example.jp"}) for n in "abcd"
    ]
    api(local_org_client, "Lead").delete(ids[3])
    local_org.faults.target(
        "Email", "b@example.jp", "FIELD_CUSTOM_VALIDATION_EXCEPTION", message="Lead Grade must be A-D"
    )
    local_org.faults.target(
        "Email", "c@example.jp", "UNABLE_TO_LOCK_ROW", message="unable to obtain exclusive access"
    )
    records = [{"attributes": {"type": "Lead"}, "Id": i, "LR_Fit_Score__c": 70} for i in ids]

    results = _collection(local_org_client, "PATCH", records)

    expected = reference("salesforce_collections_update_mixed_errors")
    assert [shape(r) for r in results] == [shape(r) for r in expected]
    assert [r["errors"][0]["statusCode"] for r in results[1:]] == [
        e["errors"][0]["statusCode"] for e in expected[1:]
    ]
    assert results[0]["id"] == ids[0]
    assert [r["LR_Fit_Score__c"] for r in local_org.records("Lead")] == [70.0, None, None]


def test_update_of_unknown_or_malformed_ids_fails_per_record(local_org_client: Salesforce) -> None:
    records = [
        {"attributes": {"type": "Lead"}, "Id": "00QRM0000099999AAA", "Title": "部長"},
        {"attributes": {"type": "Lead"}, "Id": "nonsense", "Title": "部長"},
        {"attributes": {"type": "Lead"}, "Title": "部長"},
    ]

    results = _collection(local_org_client, "PATCH", records)

    assert [r["errors"][0]["statusCode"] for r in results] == [
        "INVALID_CROSS_REFERENCE_KEY",
        "MALFORMED_ID",
        "MISSING_ARGUMENT",
    ]


def test_all_or_none_rolls_back_every_record(local_org: LocalOrg, local_org_client: Salesforce) -> None:
    results = _collection(
        local_org_client, "POST", [_lead("山田", LR_Lifecycle_Stage__c="Hot"), _lead("佐藤")], allOrNone=True
    )

    assert results[0]["errors"][0]["statusCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    assert results[1] == {"success": False, "errors": [ROLLED_BACK]}
    assert shape(results) == shape(reference("salesforce_collections_response_allornone_rollback"))
    assert local_org.records("Lead") == []
    assert local_org.change_events("Lead") == []


def test_all_or_none_rollback_names_the_ids_of_updated_records(
    local_org: LocalOrg, local_org_client: Salesforce
) -> None:
    lead_id = local_org.insert("Lead", {"LastName": "山田", "Company": "A"})
    records = [
        {"attributes": {"type": "Lead"}, "Id": lead_id, "Title": "部長"},
        {"attributes": {"type": "Lead"}, "Id": lead_id, "LR_Fit_Score__c": "high"},
    ]

    results = _collection(local_org_client, "PATCH", records, allOrNone=True)

    assert results[0] == {"id": lead_id, "success": False, "errors": [ROLLED_BACK]}
    assert local_org.record("Lead", lead_id)["Title"] is None  # type: ignore[index]


def test_upsert_results_say_whether_each_record_was_created(
    local_org: LocalOrg, local_org_client: Salesforce
) -> None:
    existing = local_org.insert("Lead", {"LastName": "山田", "Company": "A", "LR_External_Key__c": "lr-1"})
    records = [
        _lead("佐藤", LR_External_Key__c="lr-2"),
        _lead("山田", LR_External_Key__c="lr-1", Title="部長"),
    ]

    results = _collection(local_org_client, "PATCH", records, path="/Lead/LR_External_Key__c")

    assert [r["created"] for r in results] == [True, False]
    assert results[1]["id"] == existing
    assert shape(results) == shape(reference("salesforce_collections_upsert_response"))
    assert local_org.api_calls["collections_upsert"] == 1


def test_upsert_by_a_field_that_is_not_an_external_id_is_refused(local_org_client: Salesforce) -> None:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        _collection(local_org_client, "PATCH", [_lead("山田", Email="a@example.jp")], path="/Lead/Email")

    assert content(caught.value)[0]["errorCode"] == "INVALID_FIELD"


def test_more_than_200_records_fail_the_whole_request(
    local_org: LocalOrg, local_org_client: Salesforce
) -> None:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        _collection(local_org_client, "POST", [_lead(f"リード{i}") for i in range(201)])

    assert caught.value.status == 400
    assert content(caught.value) == [
        {
            "message": "record limit reached. cannot submit more than 200 records into this call",
            "errorCode": "EXCEEDED_ID_LIMIT",
        }
    ]
    assert local_org.records("Lead") == []


def test_exactly_200_records_are_accepted(local_org: LocalOrg, local_org_client: Salesforce) -> None:
    results = _collection(local_org_client, "POST", [_lead(f"リード{i}") for i in range(200)])

    assert all(r["success"] for r in results)
    assert len(local_org.records("Lead")) == 200


def test_one_request_may_mix_object_types(local_org: LocalOrg, local_org_client: Salesforce) -> None:
    lead_id = local_org.insert("Lead", {"LastName": "山田", "Company": "A"})
    task = {"attributes": {"type": "Task"}, "Subject": "MQL: 山田 太郎 に連絡", "WhoId": lead_id}

    results = _collection(local_org_client, "POST", [task, _lead("佐藤")])

    assert [r["id"][:3] for r in results] == ["00T", "00Q"]
    assert local_org.records("Task")[0]["Status"] == "Not Started"


def test_delete_by_ids(local_org: LocalOrg, local_org_client: Salesforce) -> None:
    ids = [local_org.insert("Lead", {"LastName": n, "Company": "A"}) for n in ("山田", "佐藤")]

    results = rest(local_org_client, "composite/sobjects", method="DELETE", params={"ids": ",".join(ids)})

    assert [r["id"] for r in results] == ids
    assert local_org.records("Lead") == []
    assert local_org.api_calls["collections_delete"] == 1


def test_a_collection_upsert_needs_patch(local_org_client: Salesforce) -> None:
    with pytest.raises(SalesforceError) as caught:
        _collection(local_org_client, "POST", [_lead("山田")], path="/Lead/LR_External_Key__c")

    assert caught.value.status == 405
    assert content(caught.value) == [
        {"errorCode": "METHOD_NOT_ALLOWED", "message": "HTTP Method 'POST' not allowed. Allowed are PATCH"}
    ]
