"""SOQL through the real client: escaping as format_soql writes it, filters, ordering, paging, errors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from leadrelay_tools.localorg import LocalOrg
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest
from simple_salesforce.format import format_soql

from tests.localorg.payloads import api, content


def _lead(org: LocalOrg, last: str, company: str = "株式会社サンプル商事", **fields: Any) -> str:
    return org.insert("Lead", {"LastName": last, "Company": company, **fields})


def _names(result: dict[str, Any]) -> list[str]:
    return [r["LastName"] for r in result["records"]]


@pytest.mark.parametrize(
    "value",
    [
        "o'brien@sample-shoji.co.jp",
        'say "はい"',
        "back\\slash",
        "line\nbreak\ttab",
        "山田 太郎",
        "株式会社サンプル商事（東京）",
    ],
)
def test_a_value_escaped_by_format_soql_matches_exactly(
    local_org: LocalOrg, local_org_client: Salesforce, value: str
) -> None:
    _lead(local_org, "山田", Title=value)
    _lead(local_org, "佐藤", Title=value + "x")

    result = local_org_client.query(format_soql("SELECT LastName, Title FROM Lead WHERE Title = {}", value))

    assert _names(result) == ["山田"]
    assert result["records"][0]["Title"] == value


def test_like_treats_escaped_percent_and_underscore_as_literals(
    local_org: LocalOrg, local_org_client: Salesforce
) -> None:
    _lead(local_org, "山田", Title="100%_off キャンペーン")
    _lead(local_org, "佐藤", Title="100 percent off")
    _lead(local_org, "鈴木", Title="1000_off")

    result = local_org_client.query(
        format_soql("SELECT LastName FROM Lead WHERE Title LIKE '{:like}%'", "100%_off")
    )

    assert _names(result) == ["山田"]


def test_like_wildcards_and_case_insensitive_text(local_org: LocalOrg, local_org_client: Salesforce) -> None:
    _lead(local_org, "山田", Email="Taro.Yamada@Sample-Shoji.co.jp")
    _lead(local_org, "佐藤", Email="hanako.sato@example.jp")

    assert _names(local_org_client.query("SELECT LastName FROM Lead WHERE Email LIKE '%sample-shoji%'")) == [
        "山田"
    ]
    assert _names(
        local_org_client.query("SELECT LastName FROM Lead WHERE email = 'taro.yamada@sample-shoji.co.jp'")
    ) == ["山田"]


def test_in_not_in_and_null_comparisons(local_org: LocalOrg, local_org_client: Salesforce) -> None:
    _lead(local_org, "山田", LeadSource="Web")
    _lead(local_org, "佐藤", LeadSource="Phone Inquiry")
    _lead(local_org, "鈴木")

    def names(soql: str) -> list[str]:
        return sorted(_names(local_org_client.query(soql)))

    base = "SELECT LastName FROM Lead WHERE "
    assert names(format_soql(base + "LeadSource IN {}", ["Web", "Other"])) == ["山田"]
    assert names(format_soql(base + "LeadSource NOT IN {}", ["Web"])) == ["佐藤"]
    assert names(base + "LeadSource = null") == ["鈴木"]
    assert names(base + "LeadSource != null") == ["佐藤", "山田"]
    assert names(base + "LeadSource != 'Web'") == ["佐藤", "鈴木"]  # unlike SQL, SOQL's != keeps nulls


def test_and_or_not_with_parentheses(local_org: LocalOrg, local_org_client: Salesforce) -> None:
    _lead(local_org, "山田", LR_Fit_Score__c=80, LeadSource="Web")
    _lead(local_org, "佐藤", LR_Fit_Score__c=40, LeadSource="Web")
    _lead(local_org, "鈴木", LR_Fit_Score__c=90, LeadSource="Other")

    result = local_org_client.query(
        "SELECT LastName FROM Lead WHERE (LR_Fit_Score__c >= 50 OR LeadSource = 'Other') "
        "AND NOT (LastName = '鈴木') ORDER BY LastName"
    )

    assert _names(result) == ["山田"]


def test_mixing_and_with_or_without_parentheses_is_malformed(local_org_client: Salesforce) -> None:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        local_org_client.query("SELECT Id FROM Lead WHERE LastName = 'a' AND Company = 'b' OR Email = 'c'")

    assert content(caught.value)[0]["errorCode"] == "MALFORMED_QUERY"
    assert "unexpected token: OR" in content(caught.value)[0]["message"]


def test_numbers_booleans_and_datetimes_compare_by_type(
    local_org: LocalOrg, local_org_client: Salesforce
) -> None:
    _lead(
        local_org,
        "山田",
        LR_Fit_Score__c=85,
        LR_Budget_Confirmed__c=True,
        LR_MQL_At__c="2024-04-01T09:00:00+09:00",
    )
    _lead(local_org, "佐藤", LR_Fit_Score__c=30, LR_MQL_At__c="2024-04-02T00:00:00Z")

    since = datetime(2024, 4, 1, 0, 0, tzinfo=UTC)
    by_time = local_org_client.query(format_soql("SELECT LastName FROM Lead WHERE LR_MQL_At__c > {}", since))
    by_flag = local_org_client.query(
        "SELECT LastName, LR_Fit_Score__c FROM Lead WHERE LR_Budget_Confirmed__c = true"
    )

    unconfirmed = local_org_client.query("SELECT LastName FROM Lead WHERE LR_Budget_Confirmed__c = null")

    assert _names(unconfirmed) == ["佐藤"]  # a checkbox is never null: = null matches false
    assert _names(by_time) == ["佐藤"]  # 09:00 JST is 00:00 UTC, not after it
    assert by_flag["records"] == [
        {"attributes": by_flag["records"][0]["attributes"], "LastName": "山田", "LR_Fit_Score__c": 85.0}
    ]


def test_order_by_with_nulls_last_limit_and_offset(local_org: LocalOrg, local_org_client: Salesforce) -> None:
    for last, score in (("山田", 80), ("佐藤", None), ("鈴木", 95), ("高橋", 60)):
        _lead(local_org, last, LR_Fit_Score__c=score)

    ordered = local_org_client.query("SELECT LastName FROM Lead ORDER BY LR_Fit_Score__c DESC NULLS LAST")
    page = local_org_client.query(
        "SELECT LastName FROM Lead ORDER BY LR_Fit_Score__c ASC NULLS FIRST LIMIT 2 OFFSET 1"
    )

    assert _names(ordered) == ["鈴木", "山田", "高橋", "佐藤"]
    assert _names(page) == ["高橋", "山田"]


def test_records_carry_attributes_and_canonical_field_names(
    local_org: LocalOrg, local_org_client: Salesforce
) -> None:
    lead_id = _lead(local_org, "山田")

    result = local_org_client.query("SELECT id, lastname, lr_fit_score__c FROM lead")

    assert result["totalSize"] == 1
    assert result["done"] is True
    assert result["records"][0] == {
        "attributes": {"type": "Lead", "url": f"/services/data/v62.0/sobjects/Lead/{lead_id}"},
        "Id": lead_id,
        "LastName": "山田",
        "LR_Fit_Score__c": None,
    }


def test_fifteen_character_ids_match_their_eighteen_character_form(
    local_org: LocalOrg, local_org_client: Salesforce
) -> None:
    lead_id = _lead(local_org, "山田")

    result = local_org_client.query(format_soql("SELECT Id FROM Lead WHERE Id IN {}", [lead_id[:15]]))

    assert [r["Id"] for r in result["records"]] == [lead_id]
    assert len(lead_id) == 18
    assert lead_id.startswith("00Q")


def test_count_returns_only_the_total(local_org: LocalOrg, local_org_client: Salesforce) -> None:
    for last in ("山田", "佐藤", "鈴木"):
        _lead(local_org, last)

    assert local_org_client.query("SELECT COUNT() FROM Lead") == {"totalSize": 3, "done": True, "records": []}


def test_deleted_records_show_only_in_query_all(local_org: LocalOrg, local_org_client: Salesforce) -> None:
    lead_id = _lead(local_org, "山田")
    api(local_org_client, "Lead").delete(lead_id)

    assert local_org_client.query("SELECT Id FROM Lead")["totalSize"] == 0
    assert local_org_client.query("SELECT Id FROM Lead", include_deleted=True)["totalSize"] == 1


def test_results_beyond_a_page_come_with_next_records_url(
    local_org: LocalOrg, local_org_client: Salesforce
) -> None:
    for i in range(2001):
        _lead(local_org, f"リード{i:04d}")

    first = local_org_client.query("SELECT LastName FROM Lead")
    everything = local_org_client.query_all("SELECT LastName FROM Lead")

    assert first["totalSize"] == 2001
    assert first["done"] is False
    assert len(first["records"]) == 2000
    assert first["nextRecordsUrl"].startswith("/services/data/v62.0/query/")
    assert len(everything["records"]) == 2001
    assert local_org.api_calls["query_more"] == 1


def test_batch_size_header_sets_the_page_size(local_org: LocalOrg, local_org_client: Salesforce) -> None:
    for i in range(450):
        _lead(local_org, f"リード{i:03d}")

    pages = local_org_client.query_all_iter(
        "SELECT LastName FROM Lead", headers={"Sforce-Query-Options": "batchSize=200"}
    )

    assert len(list(pages)) == 450
    assert local_org.api_calls["query"] == 1
    assert local_org.api_calls["query_more"] == 2


def test_unknown_field_is_invalid_field_with_salesforce_message(local_org_client: Salesforce) -> None:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        local_org_client.query("SELECT Id, Foo__c FROM Lead")

    error = content(caught.value)[0]
    assert caught.value.status == 400
    assert error["errorCode"] == "INVALID_FIELD"
    assert "ERROR at Row:1:Column:12" in error["message"]
    assert "No such column 'Foo__c' on entity 'Lead'" in error["message"]


def test_unknown_object_is_invalid_type(local_org_client: Salesforce) -> None:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        local_org_client.query("SELECT Id FROM Leed")

    assert content(caught.value)[0]["errorCode"] == "INVALID_TYPE"
    assert "sObject type 'Leed' is not supported" in content(caught.value)[0]["message"]


@pytest.mark.parametrize(
    ("soql", "code"),
    [
        ("SELECT FROM Lead", "MALFORMED_QUERY"),
        ("SELECT Id FROM Lead WHERE", "MALFORMED_QUERY"),
        ("SELECT Id FROM Lead WHERE LastName = 'unterminated", "MALFORMED_QUERY"),
        ("SELECT Id FROM Lead WHERE LastName = 'bad \\q escape'", "MALFORMED_QUERY"),
        ("SELECT Id FROM Lead WHERE LR_Fit_Score__c = '80'", "INVALID_QUERY_FILTER_OPERATOR"),
        ("SELECT Id FROM Lead WHERE Email = 5", "INVALID_QUERY_FILTER_OPERATOR"),
        ("SELECT Id FROM Lead WHERE Id = 'not-an-id'", "INVALID_QUERY_FILTER_OPERATOR"),
        ("SELECT Id FROM Lead WHERE LR_MQL_At__c > 2024-01-01", "INVALID_QUERY_FILTER_OPERATOR"),
    ],
)
def test_malformed_and_mistyped_queries_are_rejected(
    local_org_client: Salesforce, soql: str, code: str
) -> None:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        local_org_client.query(soql)

    assert content(caught.value)[0]["errorCode"] == code


def test_a_last_modified_date_range_finds_the_records_written_in_it_to_the_millisecond(
    local_org: LocalOrg, local_org_client: Salesforce
) -> None:
    stamped = datetime(2026, 11, 21, 5, 16, 58, 250_000, tzinfo=UTC)
    local_org.state.clock = lambda: stamped
    _lead(local_org, "山田")
    window = "SELECT LastName FROM Lead WHERE LastModifiedDate >= {} AND LastModifiedDate <= {}"

    in_utc = local_org_client.query(window.format("2026-11-21T05:16:58Z", "2026-11-21T05:16:59Z"))
    in_jst = local_org_client.query(window.format("2026-11-21T14:16:58+09:00", "2026-11-21T14:16:59+09:00"))
    before_its_millisecond = local_org_client.query(
        window.format("2026-11-21T05:16:57Z", "2026-11-21T05:16:58Z")
    )

    assert (_names(in_utc), _names(in_jst), _names(before_its_millisecond)) == (["山田"], ["山田"], [])
    assert local_org.records("Lead")[0]["LastModifiedDate"] == "2026-11-21T05:16:58.250+0000"


def test_a_quoted_datetime_is_refused_as_salesforce_refuses_it(local_org_client: Salesforce) -> None:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        local_org_client.query("SELECT Id FROM Lead WHERE LastModifiedDate >= '2026-11-21T05:16:58Z'")

    assert content(caught.value)[0]["errorCode"] == "INVALID_QUERY_FILTER_OPERATOR"
    assert (
        "must be of type dateTime and should not be enclosed in quotes" in content(caught.value)[0]["message"]
    )
