"""Injected faults: per-record errors that leave the record untouched, request-level errors, determinism."""

from __future__ import annotations

from typing import Any

import pytest
from leadrelay_tools.localorg import LocalOrg
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceError

from tests.localorg.payloads import api, content, reference, rest

SINGLE = reference("salesforce_rest_single_record_errors")


def _updates(ids: list[str], **fields: Any) -> dict[str, Any]:
    return {"records": [{"attributes": {"type": "Lead"}, "Id": i, **fields} for i in ids]}


def _leads(org: LocalOrg, count: int) -> list[str]:
    return [
        org.insert("Lead", {"LastName": f"リード{i}", "Company": "A", "Email": f"l{i}@example.jp"})
        for i in range(count)
    ]


def _codes(results: list[dict[str, Any]]) -> list[str]:
    return [r["errors"][0]["statusCode"] if r["errors"] else "OK" for r in results]


def test_lock_faults_fail_records_without_applying_the_write(
    local_org: LocalOrg, local_org_client: Salesforce
) -> None:
    ids = _leads(local_org, 20)
    local_org.faults.configure(lock_rate=1.0, flow_share=0.5, seed=3)

    results = rest(
        local_org_client, "composite/sobjects", method="PATCH", json=_updates(ids, LR_Fit_Score__c=90)
    )

    assert set(_codes(results)) == {"UNABLE_TO_LOCK_ROW", "CANNOT_EXECUTE_FLOW_TRIGGER"}
    assert all(
        "UNABLE_TO_LOCK_ROW" in r["errors"][0]["message"] or "unable to obtain" in r["errors"][0]["message"]
        for r in results
    )
    assert all(r["LR_Fit_Score__c"] is None for r in local_org.records("Lead"))
    assert [e["ChangeEventHeader"]["changeType"] for e in local_org.change_events()] == ["CREATE"] * 20


def test_the_same_seed_injects_the_same_faults(local_org: LocalOrg, local_org_client: Salesforce) -> None:
    ids = _leads(local_org, 50)

    def run() -> list[str]:
        local_org.faults.configure(lock_rate=0.2, validation_rate=0.1, seed=42)
        return _codes(
            rest(local_org_client, "composite/sobjects", method="PATCH", json=_updates(ids, Title="部長"))
        )

    first, second = run(), run()

    assert first == second
    assert {"OK", "FIELD_CUSTOM_VALIDATION_EXCEPTION"} <= set(first)


def test_a_targeted_record_fails_permanently(local_org: LocalOrg, local_org_client: Salesforce) -> None:
    ids = _leads(local_org, 3)
    local_org.faults.target(
        "Email", "l1@example.jp", "FIELD_CUSTOM_VALIDATION_EXCEPTION", message="会社名を確認してください"
    )

    attempts = [
        _codes(rest(local_org_client, "composite/sobjects", method="PATCH", json=_updates(ids, Title="部長")))
        for _ in range(3)
    ]

    assert attempts == [["OK", "FIELD_CUSTOM_VALIDATION_EXCEPTION", "OK"]] * 3


def test_a_target_with_times_fails_only_the_first_writes(
    local_org: LocalOrg, local_org_client: Salesforce
) -> None:
    ids = _leads(local_org, 1)
    local_org.faults.target("Email", "l0@example.jp", "UNABLE_TO_LOCK_ROW", times=2)

    attempts = [
        _codes(
            rest(local_org_client, "composite/sobjects", method="PATCH", json=_updates(ids, Title="部長"))
        )[0]
        for _ in range(3)
    ]

    assert attempts == ["UNABLE_TO_LOCK_ROW", "UNABLE_TO_LOCK_ROW", "OK"]
    assert local_org.faults.injected["UNABLE_TO_LOCK_ROW"] == 2


def test_a_fault_on_a_single_record_endpoint_answers_400(
    local_org: LocalOrg, local_org_client: Salesforce
) -> None:
    lead_id = _leads(local_org, 1)[0]
    local_org.faults.configure(validation_rate=1.0)

    with pytest.raises(SalesforceError) as caught:
        api(local_org_client, "Lead").update(lead_id, {"Title": "部長"})

    assert caught.value.status == 400
    assert content(caught.value)[0]["errorCode"] == "FIELD_CUSTOM_VALIDATION_EXCEPTION"


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("REQUEST_LIMIT_EXCEEDED", 403, SINGLE["http_403_request_limit_exceeded"]),
        ("INVALID_SESSION_ID", 401, SINGLE["http_401_invalid_session"]),
        ("SERVER_UNAVAILABLE", 503, None),
    ],
)
def test_request_level_faults_answer_with_salesforce_status_and_body(
    local_org: LocalOrg, local_org_client: Salesforce, code: str, status: int, expected: Any
) -> None:
    local_org.faults.fail_next_requests(code)

    with pytest.raises(SalesforceError) as caught:
        local_org_client.query("SELECT Id FROM Lead")

    assert caught.value.status == status
    assert content(caught.value)[0]["errorCode"] == code
    assert expected is None or content(caught.value) == expected
    assert local_org_client.query("SELECT Id FROM Lead")["totalSize"] == 0  # only the next request


def test_request_rates_hit_some_requests(local_org: LocalOrg, local_org_client: Salesforce) -> None:
    local_org.faults.configure(unavailable_rate=0.5, seed=1)
    outcomes = []
    for _ in range(40):
        try:
            local_org_client.query("SELECT Id FROM Lead")
            outcomes.append("ok")
        except SalesforceError as exc:
            outcomes.append(str(exc.status))

    assert set(outcomes) == {"ok", "503"}
    assert local_org.faults.injected["SERVER_UNAVAILABLE"] == outcomes.count("503")


def test_the_daily_limit_turns_every_call_into_request_limit_exceeded(
    local_org: LocalOrg, local_org_client: Salesforce
) -> None:
    local_org.daily_api_limit = 2
    local_org_client.query("SELECT Id FROM Lead")
    local_org_client.query("SELECT Id FROM Lead")

    with pytest.raises(SalesforceError) as caught:
        local_org_client.query("SELECT Id FROM Lead")

    assert caught.value.status == 403
    assert content(caught.value) == SINGLE["http_403_request_limit_exceeded"]


def test_a_cli_fault_spec_sets_rates_and_seed() -> None:
    from leadrelay_tools.localorg import Faults

    faults = Faults().apply_spec("lock=0.1,validation=0.02,unavailable=0.01,seed=7")

    assert (faults.lock_rate, faults.validation_rate, faults.unavailable_rate, faults.seed) == (
        0.1,
        0.02,
        0.01,
        7,
    )
    with pytest.raises(ValueError, match="lokc"):
        Faults().apply_spec("lokc=0.1")


def test_a_refused_value_fails_every_query_that_names_it_and_only_those(
    local_org: LocalOrg, local_org_client: Salesforce
) -> None:
    _leads(local_org, 2)
    local_org.faults.refuse_queries_with("l0@example.jp")
    with pytest.raises(SalesforceError) as refused:
        local_org_client.query("SELECT Id FROM Lead WHERE Email IN ('l0@example.jp', 'l1@example.jp')")
    assert (refused.value.status, content(refused.value)[0]["errorCode"]) == (
        400,
        "INVALID_QUERY_FILTER_OPERATOR",
    )
    assert local_org_client.query("SELECT Id FROM Lead WHERE Email = 'l1@example.jp'")["totalSize"] == 1


def test_latency_is_taken_once_per_api_request(local_org: LocalOrg, local_org_client: Salesforce) -> None:
    waited: list[float] = []
    local_org.faults.configure(latency=6.5, sleep=waited.append)
    local_org_client.query("SELECT Id FROM Lead")
    local_org_client.query("SELECT Id FROM Contact")
    assert waited == [6.5, 6.5]
