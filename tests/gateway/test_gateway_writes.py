"""Writes through sObject Collections against the local org: batching, results per ref, failures per op."""

from __future__ import annotations

import json

import pytest
from leadrelay.adapters.salesforce import SimpleSalesforceGateway
from leadrelay.domain.failures import Classification, ErrorCategory, ErrorClass, classify_all
from leadrelay_tools.localorg import LocalOrg

from tests.gateway.conftest import Traffic
from tests.gateway.ops import lead_upsert, score_update, task_create

COMPANY = "株式会社サンプル商事"


def _seed_leads(org: LocalOrg, count: int) -> list[str]:
    return [
        org.insert("Lead", {"LastName": f"山田{n}", "FirstName": "太郎", "Company": COMPANY})
        for n in range(count)
    ]


def test_450_updates_take_three_collection_calls_of_200_200_and_50(
    local_org: LocalOrg, gateway: SimpleSalesforceGateway, traffic: Traffic
) -> None:
    lead_ids = _seed_leads(local_org, 450)
    results = gateway.write([score_update(lead_id, 60) for lead_id in lead_ids])
    assert local_org.api_calls["collections_update"] == 3
    assert [len(json.loads(r.body or b"{}")["records"]) for r in traffic.api_requests] == [200, 200, 50]
    assert all(r.success for r in results)
    assert {record["LR_Fit_Score__c"] for record in local_org.records("Lead")} == {60}


def test_results_come_back_in_op_order_with_their_refs(
    local_org: LocalOrg, gateway: SimpleSalesforceGateway
) -> None:
    (lead_id,) = _seed_leads(local_org, 1)
    ops = [
        task_create("task:1", lead_id),
        score_update(lead_id, 80, ref="lead:1"),
        lead_upsert("hubspot:4711"),
        task_create("task:2", lead_id),
    ]
    results = gateway.write(ops)
    assert [r.ref for r in results] == ["task:1", "lead:1", "hubspot:4711", "task:2"]
    assert all(r.success and r.record_id for r in results)
    assert results[1].record_id == lead_id


def test_an_upsert_creates_then_updates_by_external_id(
    local_org: LocalOrg, gateway: SimpleSalesforceGateway
) -> None:
    (first,) = gateway.write([lead_upsert("hubspot:4711", LR_Fit_Score__c=40)])
    (second,) = gateway.write([lead_upsert("hubspot:4711", LR_Fit_Score__c=75)])
    assert (first.created, second.created) == (True, False)
    assert first.record_id == second.record_id
    assert [r["LR_Fit_Score__c"] for r in local_org.records("Lead")] == [75]


def test_one_failing_record_does_not_stop_the_others(
    local_org: LocalOrg, gateway: SimpleSalesforceGateway
) -> None:
    lead_ids = _seed_leads(local_org, 3)
    local_org.faults.target("LastName", "山田1", "FIELD_CUSTOM_VALIDATION_EXCEPTION")
    results = gateway.write([score_update(lead_id, 90) for lead_id in lead_ids])
    assert [r.success for r in results] == [True, False, True]
    assert results[1].errors[0].status_code == "FIELD_CUSTOM_VALIDATION_EXCEPTION"
    assert classify_all(results[1].errors).category is ErrorCategory.VALIDATION


def test_the_orgs_own_field_errors_come_back_per_record(
    local_org: LocalOrg, gateway: SimpleSalesforceGateway
) -> None:
    results = gateway.write(
        [lead_upsert("hubspot:1", Email="not-an-email"), lead_upsert("hubspot:2", Company="x" * 300)]
    )
    assert [(r.ref, r.errors[0].status_code) for r in results] == [
        ("hubspot:1", "INVALID_EMAIL_ADDRESS"),
        ("hubspot:2", "STRING_TOO_LONG"),
    ]
    assert not any(classify_all(r.errors).transient for r in results)


def test_a_record_lock_is_a_transient_per_record_failure(
    local_org: LocalOrg, gateway: SimpleSalesforceGateway
) -> None:
    lead_ids = _seed_leads(local_org, 2)
    local_org.faults.target("LastName", "山田0", "UNABLE_TO_LOCK_ROW", times=1)
    results = gateway.write([score_update(lead_id, 50) for lead_id in lead_ids])
    assert [r.success for r in results] == [False, True]
    assert classify_all(results[0].errors).category is ErrorCategory.RECORD_LOCK


def test_our_writes_carry_the_client_name_into_the_change_log(
    local_org: LocalOrg, gateway: SimpleSalesforceGateway, traffic: Traffic
) -> None:
    (lead_id,) = _seed_leads(local_org, 1)
    gateway.write([score_update(lead_id, 88), lead_upsert("hubspot:4711")])
    ours = [e["ChangeEventHeader"]["changeOrigin"] for e in local_org.change_events("Lead")][1:]
    assert len(ours) == 2
    assert all(origin.endswith(";client=leadrelay") for origin in ours)
    assert {r.headers["Sforce-Call-Options"] for r in traffic.api_requests} == {"client=leadrelay"}


@pytest.mark.parametrize(
    ("code", "http_status", "category"),
    [
        ("SERVER_UNAVAILABLE", 503, ErrorCategory.UNAVAILABLE),
        ("REQUEST_LIMIT_EXCEEDED", 403, ErrorCategory.API_LIMIT),
    ],
)
def test_a_failed_request_fails_every_op_of_that_request_only_as_transient(
    local_org: LocalOrg,
    gateway: SimpleSalesforceGateway,
    code: str,
    http_status: int,
    category: ErrorCategory,
) -> None:
    lead_ids = _seed_leads(local_org, 250)
    local_org.faults.fail_next_requests(code)
    results = gateway.write([score_update(lead_id, 70) for lead_id in lead_ids])
    failed, succeeded = results[:200], results[200:]
    assert {(r.success, r.errors[0].status_code, r.errors[0].http_status) for r in failed} == {
        (False, code, http_status)
    }
    assert {classify_all(r.errors) for r in failed} == {Classification(ErrorClass.TRANSIENT, category)}
    assert all(r.success for r in succeeded)


def test_an_exhausted_daily_allocation_fails_writes_without_raising(
    local_org: LocalOrg, gateway: SimpleSalesforceGateway
) -> None:
    lead_ids = _seed_leads(local_org, 2)
    local_org.daily_api_limit = 1
    gateway.write([score_update(lead_ids[0], 10)])
    (result,) = gateway.write([score_update(lead_ids[1], 20)])
    assert result.errors[0].status_code == "REQUEST_LIMIT_EXCEEDED"


def test_an_empty_batch_makes_no_call(local_org: LocalOrg, gateway: SimpleSalesforceGateway) -> None:
    assert gateway.write([]) == []
    assert local_org.api_calls.total == 0
