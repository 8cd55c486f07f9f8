"""The gateway contract the pipeline relies on, held by BOTH the in-memory fake (``InMemorySalesforce``,
which serves the step tests) and the real gateway over HTTP against the local org.

Each test runs once per backend, so a difference between the fake and the real adapter fails here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from leadrelay.domain.errors import ErrorDetail
from leadrelay.domain.failures import UnknownFieldError
from leadrelay.domain.queries import Filter
from leadrelay.domain.writes import WriteKind, WriteOp
from leadrelay.ports import SalesforceGateway
from leadrelay_tools.local_pipeline import local_org_gateway
from leadrelay_tools.localorg import LocalOrg

from tests.plugins.fake_salesforce import InMemorySalesforce

TARO = "taro.yamada@sample-shoji.co.jp"
HANAKO = "hanako.suzuki@example-kogyo.co.jp"


@dataclass
class Backend:
    """A gateway and how to seed a record behind it (as a sales user would)."""

    gateway: SalesforceGateway
    insert: Callable[[str, Mapping[str, Any]], str]


@pytest.fixture(params=["in-memory fake", "local org over HTTP"])
def backend(request: pytest.FixtureRequest) -> Backend:
    """The fake, or the real gateway against the local org."""
    if request.param == "in-memory fake":
        fake: InMemorySalesforce = request.getfixturevalue("fake_salesforce")
        return Backend(fake, fake.insert)
    org: LocalOrg = request.getfixturevalue("local_org")
    return Backend(local_org_gateway(org), org.insert)


def lead(ref: str, email: str, **fields: Any) -> WriteOp:
    """A Lead create for 山田 太郎 of 株式会社サンプル商事 (``fields`` override)."""
    values = {
        "LastName": "山田",
        "FirstName": "太郎",
        "Company": "株式会社サンプル商事",
        "Status": "Open - Not Contacted",
    }
    return WriteOp(
        ref=ref, sobject="Lead", kind=WriteKind.CREATE, fields={**values, "Email": email, **fields}
    )


def test_a_created_lead_is_found_by_email_whatever_its_case(backend: Backend) -> None:
    [result] = backend.gateway.write([lead("taro", TARO)])
    found = backend.gateway.find("Lead", "Email", [TARO.upper()], ["Id", "Email", "Company"])
    assert result.success
    assert result.created
    assert str(result.record_id).startswith("00Q")
    assert found == [{"Id": result.record_id, "Email": TARO, "Company": "株式会社サンプル商事"}]


def test_results_come_back_one_per_op_in_op_order_and_one_bad_record_fails_alone(backend: Backend) -> None:
    ops = [
        lead("taro", TARO),
        lead("nameless", HANAKO, LastName=None),
        lead("hanako", "h@example-kogyo.co.jp"),
    ]
    results = backend.gateway.write(ops)
    assert [r.ref for r in results] == ["taro", "nameless", "hanako"]
    assert [r.success for r in results] == [True, False, True]
    assert results[1].errors[0].status_code == "REQUIRED_FIELD_MISSING"
    assert results[1].errors[0].fields == ("LastName",)


def test_an_update_changes_only_the_given_fields_and_reads_carry_the_id(backend: Backend) -> None:
    record_id = backend.insert(
        "Lead", {"LastName": "山田", "Company": "旧社名", "Status": "Open - Not Contacted"}
    )
    op = WriteOp(
        ref="u", sobject="Lead", kind=WriteKind.UPDATE, record_id=record_id, fields={"Company": "新社名"}
    )
    [result] = backend.gateway.write([op])
    assert result.success
    assert not result.created
    assert result.record_id == record_id
    assert backend.gateway.read("Lead", [record_id], ["LastName", "Company"]) == [
        {"Id": record_id, "LastName": "山田", "Company": "新社名"}
    ]


def test_an_update_of_a_record_that_does_not_exist_fails_that_record(backend: Backend) -> None:
    op = WriteOp(
        ref="u",
        sobject="Lead",
        kind=WriteKind.UPDATE,
        record_id="00QRM0000000999AAA",
        fields={"Company": "x"},
    )
    [result] = backend.gateway.write([op])
    assert not result.success
    assert result.errors[0].status_code == "INVALID_CROSS_REFERENCE_KEY"


def test_an_upsert_creates_then_updates_the_record_with_that_external_key(backend: Backend) -> None:
    def upsert(company: str) -> WriteOp:
        fields = {"LastName": "鈴木", "Company": company, "Status": "Open - Not Contacted"}
        return WriteOp(
            ref="k",
            sobject="Lead",
            kind=WriteKind.UPSERT,
            fields=fields,
            external_id_field="LR_External_Key__c",
            external_id="hubspot:501",
        )

    [first] = backend.gateway.write([upsert("株式会社エグザンプル工業")])
    [second] = backend.gateway.write([upsert("エグザンプル工業株式会社")])
    found = backend.gateway.find("Lead", "LR_External_Key__c", ["hubspot:501"], ["Id", "Company"])
    assert (first.created, second.created) == (True, False)
    assert first.record_id == second.record_id
    assert found == [{"Id": first.record_id, "Company": "エグザンプル工業株式会社"}]


def test_a_write_naming_a_field_the_org_lacks_fails_that_record_with_invalid_field(backend: Backend) -> None:
    [result] = backend.gateway.write([lead("taro", TARO, Nickname__c="たろう")])
    assert not result.success
    assert result.errors[0].status_code == "INVALID_FIELD"
    assert "Nickname__c" in result.errors[0].message


def test_a_write_of_a_read_only_field_fails_that_record_naming_it(backend: Backend) -> None:
    [result] = backend.gateway.write([lead("taro", TARO, CreatedDate="2026-11-20T09:00:00.000+0000")])
    assert not result.success
    assert result.errors[0].status_code == "INVALID_FIELD_FOR_INSERT_UPDATE"
    assert result.errors[0].fields == ("CreatedDate",)


def test_a_query_naming_a_field_the_org_lacks_raises_unknown_field_naming_it(backend: Backend) -> None:
    with pytest.raises(UnknownFieldError) as raised:
        backend.gateway.find("Lead", "Email", [TARO], ["Id", "Nickname__c"])
    assert raised.value.field == "Nickname__c"


def test_values_nobody_has_find_nothing(backend: Backend) -> None:
    backend.insert("Contact", {"LastName": "佐藤", "Email": HANAKO})
    assert backend.gateway.find("Contact", "Email", [TARO], ["Id"]) == []
    assert backend.gateway.find("Contact", "Email", [], ["Id"]) == []


def test_find_any_returns_each_record_satisfying_any_clause_once(backend: Backend) -> None:
    keys = {"LR_Match_Name__c": "taroyamada", "LR_Match_Company__c": "snprsyz"}
    taro = backend.insert(
        "Lead", {"LastName": "山田", "Company": "サンプル商事", **keys, "LR_Match_Email__c": TARO}
    )
    namesake = backend.insert(
        "Lead", {"LastName": "山田", "Company": "テスト物産", "LR_Match_Name__c": "taroyamada"}
    )
    clauses = [
        {"LR_Match_Email__c": [TARO.upper()]},
        {"LR_Match_Name__c": ["taroyamada"], "LR_Match_Company__c": ["snprsyz"]},
    ]

    found = backend.gateway.find_any("Lead", clauses, ["LastName", "Company"])

    assert found == [{"Id": taro, "LastName": "山田", "Company": "サンプル商事"}]
    assert namesake not in {record["Id"] for record in found}


def test_find_any_escapes_values_and_names_an_unknown_field(backend: Backend) -> None:
    backend.insert("Account", {"Name": "O'Brien & Co.", "LR_Match_Company__c": "o'brn"})

    found = backend.gateway.find_any("Account", [{"LR_Match_Company__c": ["o'brn"]}], ["Name"])
    with pytest.raises(UnknownFieldError) as raised:
        backend.gateway.find_any("Account", [{"LR_Match_Company__c": ["o'brn"]}], ["Nickname__c"])

    assert [record["Name"] for record in found] == ["O'Brien & Co."]
    assert raised.value.field == "Nickname__c"


def test_records_modified_in_a_window_come_oldest_first_and_at_most_limit(backend: Backend) -> None:
    ids = [backend.insert("Contact", {"LastName": name}) for name in ("佐藤", "鈴木", "高橋")]
    since, until = datetime.now(UTC) - timedelta(hours=1), datetime.now(UTC) + timedelta(hours=1)
    assert backend.gateway.modified_between("Contact", since, until, limit=2) == ids[:2]
    assert backend.gateway.modified_between("Contact", until, until + timedelta(hours=1), limit=10) == []


def sla_lead(backend: Backend, name: str, status: str | None, started: datetime | None) -> str:
    """An MQL of 株式会社サンプル商事 whose SLA clock is ``status``, started at ``started``."""
    fields = {"LastName": name, "Company": "株式会社サンプル商事", "LR_Lifecycle_Stage__c": "MQL"}
    started_at = started.isoformat() if started else None
    return backend.insert("Lead", fields | {"LR_SLA_Status__c": status, "LR_SLA_Started_At__c": started_at})


def test_a_select_returns_the_records_matching_every_filter_with_the_fields_asked(backend: Backend) -> None:
    start = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    due = sla_lead(backend, "山田", "On Track", start)
    sla_lead(backend, "佐藤", "Closed", start)  # a closed clock
    sla_lead(backend, "鈴木", "On Track", start + timedelta(hours=2))  # started after the cut-off
    sla_lead(backend, "高橋", None, None)  # never routed
    where = [
        Filter("LR_Lifecycle_Stage__c", "=", "mql"),
        Filter("LR_SLA_Started_At__c", "!=", None),
        Filter("LR_SLA_Status__c", "NOT IN", ("Closed", "Met")),
        Filter("LR_SLA_Started_At__c", "<=", start + timedelta(hours=1)),
    ]
    found = backend.gateway.select("Lead", ["LastName", "LR_SLA_Status__c"], where)
    assert found == [{"Id": due, "LastName": "山田", "LR_SLA_Status__c": "On Track"}]


def test_a_select_with_in_finds_each_listed_value_and_names_an_unknown_field(backend: Backend) -> None:
    ids = [sla_lead(backend, name, status, None) for name, status in (("山田", "Met"), ("佐藤", "Breached"))]
    found = backend.gateway.select("Lead", [], [Filter("LR_SLA_Status__c", "IN", ("Met", "Breached"))])
    assert sorted(record["Id"] for record in found) == sorted(ids)
    with pytest.raises(UnknownFieldError) as raised:
        backend.gateway.select("Lead", ["Nickname__c"], [])
    assert raised.value.field == "Nickname__c"


def test_the_fake_fails_a_record_as_told_and_the_others_still_save(
    fake_salesforce: InMemorySalesforce,
) -> None:
    fake_salesforce.fail_next("taro", ErrorDetail(status_code="UNABLE_TO_LOCK_ROW", message="locked"))
    results = fake_salesforce.write([lead("taro", TARO), lead("hanako", HANAKO)])
    assert [r.success for r in results] == [False, True]
    assert [r.errors[0].status_code for r in results[:1]] == ["UNABLE_TO_LOCK_ROW"]
    assert fake_salesforce.write([lead("taro", TARO)])[0].success
