"""Reads through the real simple-salesforce client against the local org: escaped, chunked, paged."""

from __future__ import annotations

import pytest
import requests
from leadrelay.adapters.salesforce import SalesforceCredentials, SimpleSalesforceGateway
from leadrelay.domain.errors import ErrorSource
from leadrelay.domain.failures import ErrorCategory, SalesforceCallError, UnknownFieldError
from leadrelay_tools.localorg import LocalOrg

from tests.gateway.conftest import Traffic


def _lead(org: LocalOrg, company: str, **fields: object) -> str:
    return org.insert("Lead", {"LastName": "山田", "FirstName": "太郎", "Company": company, **fields})


@pytest.mark.parametrize(
    "company",
    [
        "O'Brien & Sons 株式会社",
        "C:\\営業部\\東京",
        "株式会社サンプル商事",
        "100%_商事",
        "\"quoted\" 'both' \\ 商会",
    ],
)
def test_find_matches_values_with_quotes_backslashes_japanese_and_wildcards_exactly(
    local_org: LocalOrg, gateway: SimpleSalesforceGateway, company: str
) -> None:
    wanted = _lead(local_org, company)
    _lead(local_org, "100xy商事")
    _lead(local_org, "株式会社サンプル")
    found = gateway.find("Lead", "Company", [company], ["Company"])
    assert [(r["Id"], r["Company"]) for r in found] == [(wanted, company)]


def test_an_injection_attempt_matches_nothing(local_org: LocalOrg, gateway: SimpleSalesforceGateway) -> None:
    _lead(local_org, "株式会社サンプル商事")
    assert gateway.find("Lead", "Company", ["x' OR Company != 'y"], ["Company"]) == []


def test_find_returns_the_requested_fields_without_attributes(
    local_org: LocalOrg, gateway: SimpleSalesforceGateway
) -> None:
    lead_id = _lead(
        local_org, "株式会社サンプル商事", Email="taro.yamada@sample-shoji.co.jp", LR_Fit_Score__c=72
    )
    found = gateway.find("Lead", "Email", ["taro.yamada@sample-shoji.co.jp"], ["Email", "LR_Fit_Score__c"])
    assert found == [{"Id": lead_id, "Email": "taro.yamada@sample-shoji.co.jp", "LR_Fit_Score__c": 72}]


def test_read_finds_records_by_id(local_org: LocalOrg, gateway: SimpleSalesforceGateway) -> None:
    first, second = _lead(local_org, "株式会社サンプル商事"), _lead(local_org, "有限会社テスト工業")
    _lead(local_org, "株式会社その他")
    found = gateway.read("Lead", [first, second], ["Company"])
    assert sorted(r["Company"] for r in found) == ["有限会社テスト工業", "株式会社サンプル商事"]


def test_a_long_in_list_is_split_into_several_queries_and_finds_everything(
    local_org: LocalOrg, jwt_credentials: SalesforceCredentials, http: requests.Session
) -> None:
    emails = [f"tanaka.{n:03d}@sample-shoji.co.jp" for n in range(450)]
    for email in emails[::3]:
        _lead(local_org, "株式会社サンプル商事", Email=email)
    gateway = SimpleSalesforceGateway(jwt_credentials, http=http, max_query_bytes=4_000)
    found = gateway.find("Lead", "Email", emails, ["Email"])
    assert sorted(r["Email"] for r in found) == emails[::3]
    assert local_org.api_calls["query"] > 1


def test_no_query_starts_that_could_outlast_the_time_left(
    local_org: LocalOrg, jwt_credentials: SalesforceCredentials, http: requests.Session
) -> None:
    spent: list[float] = []
    local_org.faults.configure(latency=8.0, sleep=spent.append)  # each request takes 8 s
    emails = [f"tanaka.{n:03d}@sample-shoji.co.jp" for n in range(450)]  # several queries
    gateway = SimpleSalesforceGateway(jwt_credentials, http=http, max_query_bytes=4_000)
    with pytest.raises(SalesforceCallError) as failure:
        gateway.find("Lead", "Email", emails, ["Email"], time_left=lambda: 25.0 - sum(spent))
    assert failure.value.error.status_code == "OUT_OF_TIME"
    assert failure.value.classification.transient
    assert local_org.api_calls["query"] == 2  # 25 s → 17 s → 9 s: less than the 10 s request timeout


def test_results_beyond_one_page_are_all_returned(
    local_org: LocalOrg, gateway: SimpleSalesforceGateway
) -> None:
    for n in range(2_050):
        _lead(local_org, "株式会社サンプル商事", LR_Fit_Score__c=n % 100)
    found = gateway.find("Lead", "Company", ["株式会社サンプル商事"], ["Company"])
    assert len(found) == 2_050
    assert (local_org.api_calls["query"], local_org.api_calls["query_more"]) == (1, 1)


def test_every_read_request_carries_the_call_options_header(
    local_org: LocalOrg, gateway: SimpleSalesforceGateway, traffic: Traffic
) -> None:
    gateway.find("Lead", "Company", ["株式会社サンプル商事"], ["Company"])
    assert [r.headers["Sforce-Call-Options"] for r in traffic.api_requests] == ["client=leadrelay"]


def test_an_unknown_field_raises_a_permanent_schema_error(gateway: SimpleSalesforceGateway) -> None:
    with pytest.raises(SalesforceCallError) as caught:
        gateway.find("Lead", "Email", ["taro.yamada@sample-shoji.co.jp"], ["No_Such_Field__c"])
    assert caught.value.error.status_code == "INVALID_FIELD"
    assert caught.value.classification.category is ErrorCategory.SCHEMA
    assert not caught.value.classification.transient


def test_an_unavailable_org_raises_a_transient_error(
    local_org: LocalOrg, gateway: SimpleSalesforceGateway
) -> None:
    local_org.faults.fail_next_requests("SERVER_UNAVAILABLE")
    with pytest.raises(SalesforceCallError) as caught:
        gateway.find("Lead", "Email", ["taro.yamada@sample-shoji.co.jp"], ["Email"])
    assert (caught.value.error.status_code, caught.value.error.http_status) == ("SERVER_UNAVAILABLE", 503)
    assert caught.value.classification.transient


def test_a_field_the_org_lacks_is_a_typed_error_naming_the_field(
    local_org: LocalOrg, gateway: SimpleSalesforceGateway
) -> None:
    _lead(local_org, "株式会社サンプル商事", Email="taro.yamada@sample-shoji.co.jp")
    with pytest.raises(UnknownFieldError) as failure:
        gateway.find("Lead", "Email", ["taro.yamada@sample-shoji.co.jp"], ["Company", "Budget_Yen__c"])
    assert failure.value.field == "Budget_Yen__c"
    assert failure.value.error.source is ErrorSource.SALESFORCE


def test_other_query_errors_stay_plain_call_errors(
    local_org: LocalOrg, gateway: SimpleSalesforceGateway
) -> None:
    with pytest.raises(SalesforceCallError) as failure:
        gateway.find("Lead__x", "Email", ["hanako.sato@example-kogyo.co.jp"], ["Company"])
    assert not isinstance(failure.value, UnknownFieldError)
