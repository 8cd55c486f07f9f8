"""SOQL for reads: values escaped by format_soql, names checked, IN lists cut under the URI limit."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import quote_plus

import pytest
from leadrelay.adapters.salesforce.soql import modified_between_query, select_in_queries


def _one_query(values: list[str]) -> str:
    (query,) = select_in_queries("Lead", "Email", values, ["Email"])
    return query


def test_values_are_quoted_and_single_quotes_escaped() -> None:
    assert _one_query(["o'brien@sample-shoji.co.jp"]) == (
        "SELECT Id, Email FROM Lead WHERE Email IN ('o\\'brien@sample-shoji.co.jp')"
    )


def test_backslashes_are_escaped() -> None:
    assert _one_query(["a\\b@sample-shoji.co.jp"]).endswith("IN ('a\\\\b@sample-shoji.co.jp')")


def test_an_injection_attempt_stays_inside_its_string_literal() -> None:
    query = _one_query(["x') OR Id != null OR Email IN ('"])
    assert query.endswith("IN ('x\\') OR Id != null OR Email IN (\\'')")


def test_japanese_values_pass_through_unchanged() -> None:
    (query,) = select_in_queries("Lead", "Company", ["株式会社サンプル商事"], ["Company"])
    assert query == "SELECT Id, Company FROM Lead WHERE Company IN ('株式会社サンプル商事')"


def test_like_wildcards_are_plain_characters_in_an_in_list() -> None:
    assert _one_query(["100%_off@sample-shoji.co.jp"]).endswith("IN ('100%_off@sample-shoji.co.jp')")


def test_id_is_always_selected_once() -> None:
    (query,) = select_in_queries("Lead", "Id", ["00Q5g00000AbCdEEAV"], ["Id", "Status", "Status"])
    assert query.startswith("SELECT Id, Status FROM Lead WHERE Id IN ")


def test_duplicate_values_are_queried_once() -> None:
    assert _one_query(["taro.yamada@sample-shoji.co.jp"] * 3).count("taro.yamada") == 1


def test_no_values_means_no_query() -> None:
    assert list(select_in_queries("Lead", "Email", [], ["Email"])) == []


@pytest.mark.parametrize(
    ("sobject", "field", "fields", "message"),
    [
        ("Lead; DELETE", "Email", ["Email"], "not an sObject API name: 'Lead; DELETE'"),
        ("Lead", "Email = '' OR Id", ["Email"], "not a field API name on Lead: \"Email = '' OR Id\""),
        ("Lead", "Email", ["Name, (SELECT Id FROM Tasks)"], "not a field API name on Lead"),
    ],
)
def test_names_that_are_not_api_names_are_refused(
    sobject: str, field: str, fields: list[str], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        list(select_in_queries(sobject, field, ["x"], fields))


def test_relationship_paths_and_custom_fields_are_accepted() -> None:
    (query,) = select_in_queries("Lead", "Email", ["x@sample-shoji.co.jp"], ["Owner.Name", "LR_Fit_Score__c"])
    assert query.startswith("SELECT Id, Owner.Name, LR_Fit_Score__c FROM Lead")


def test_a_long_in_list_is_cut_into_queries_under_the_encoded_budget() -> None:
    emails = [f"user{n:04d}@sample-shoji.co.jp" for n in range(1_000)]
    queries = list(select_in_queries("Lead", "Email", emails, ["Email"], max_query_bytes=4_000))
    assert len(queries) > 1
    assert all(len(quote_plus(query)) <= 4_000 for query in queries)
    assert sum(query.count("@sample-shoji.co.jp") for query in queries) == 1_000


def test_japanese_values_fill_the_budget_sooner_than_ascii_ones() -> None:
    japanese = [f"株式会社サンプル商事{n}" for n in range(300)]
    ascii_names = [f"Sample Shoji KK {n:03d}" for n in range(300)]
    count = len(list(select_in_queries("Lead", "Company", japanese, ["Company"], max_query_bytes=4_000)))
    assert count > len(
        list(select_in_queries("Lead", "Company", ascii_names, ["Company"], max_query_bytes=4_000))
    )


def test_a_modified_window_is_a_bounded_query_over_utc_seconds_that_contain_it() -> None:
    since = datetime(2026, 11, 21, 14, 6, 58, 400_000, tzinfo=timezone(timedelta(hours=9)))
    until = datetime(2026, 11, 21, 5, 26, 58, 1_000, tzinfo=UTC)

    query = modified_between_query("Lead", since, until, limit=10_001)

    assert query == (
        "SELECT Id FROM Lead WHERE LastModifiedDate >= 2026-11-21T05:06:58Z "
        "AND LastModifiedDate <= 2026-11-21T05:26:59Z ORDER BY LastModifiedDate, Id LIMIT 10001"
    )


@pytest.mark.parametrize(("sobject", "limit"), [("Lead WHERE Id != null", 10), ("Lead", 0)])
def test_a_modified_window_refuses_a_bad_object_name_or_limit(sobject: str, limit: int) -> None:
    moment = datetime(2026, 11, 21, 5, 16, 58, tzinfo=UTC)

    with pytest.raises(ValueError, match=r"not an sObject API name|limit must be positive"):
        modified_between_query(sobject, moment, moment, limit=limit)
