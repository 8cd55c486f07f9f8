"""SOQL for candidate queries (``find_any``): clauses ORed, fields ANDed, values escaped, chunked."""

from __future__ import annotations

import re
from urllib.parse import quote_plus

import pytest
from leadrelay.adapters.salesforce.soql import select_any_queries

EMAIL, NAME, COMPANY = "LR_Match_Email__c", "LR_Match_Name__c", "LR_Match_Company__c"


def test_one_query_ors_the_clauses_and_ands_the_fields_of_each() -> None:
    clauses = [{EMAIL: ["taro.yamada@sample.co.jp"]}, {NAME: ["taroyamada"], COMPANY: ["snprsyz"]}]

    (query,) = select_any_queries("Lead", clauses, ["LastName"])

    assert query == (
        "SELECT Id, LastName FROM Lead WHERE LR_Match_Email__c IN ('taro.yamada@sample.co.jp') OR "
        "(LR_Match_Name__c IN ('taroyamada') AND LR_Match_Company__c IN ('snprsyz'))"
    )


def test_values_are_escaped_inside_their_string_literals() -> None:
    (query,) = select_any_queries("Lead", [{NAME: ["x') OR Id != null OR Name IN ('"]}], [])
    assert query.endswith("IN ('x\\') OR Id != null OR Name IN (\\'')")


def test_a_clause_with_an_empty_list_selects_nothing_and_no_clause_means_no_query() -> None:
    assert list(select_any_queries("Lead", [{NAME: ["taroyamada"], COMPANY: []}], ["LastName"])) == []
    assert list(select_any_queries("Lead", [], ["LastName"])) == []


def test_a_long_clause_is_split_by_its_longest_list_into_queries_under_the_budget() -> None:
    names = [f"やまだ{n:04d}" for n in range(400)]
    clauses = [{NAME: names, COMPANY: ["snprsyz", "tstbsn"]}, {EMAIL: ["taro.yamada@sample.co.jp"]}]

    queries = list(select_any_queries("Lead", clauses, ["LastName"], max_query_bytes=4_000))

    assert len(queries) > 1
    assert all(len(quote_plus(query)) <= 4_000 for query in queries)
    assert sum(query.count("やまだ") for query in queries) == 400
    assert all("LR_Match_Company__c IN ('snprsyz','tstbsn')" in q for q in queries if "やまだ" in q)


def test_a_field_name_that_is_not_an_api_name_is_refused() -> None:
    with pytest.raises(ValueError, match=re.escape("not a field API name on Lead")):
        list(select_any_queries("Lead", [{"Email = '' OR Id": ["x"]}], []))
