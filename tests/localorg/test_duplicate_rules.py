"""The local org enforces duplicate rules as Salesforce does: ``DUPLICATES_DETECTED`` with the matched records
in ``duplicateResult``; alert rules yield to ``Sforce-Duplicate-Rule-Header: allowSave=true``, block rules
never do."""

from __future__ import annotations

from typing import Any

import pytest
from leadrelay_tools.localorg import DuplicateRule, LocalOrg

TARO = {
    "LastName": "山田",
    "FirstName": "太郎",
    "Company": "株式会社サンプル商事",
    "Email": "taro@sample-shoji.co.jp",
}


def by_email(action: str) -> DuplicateRule:
    return DuplicateRule("Lead_Email", "Lead", ("Email",), compare_with=("Lead", "Contact"), action=action)


def create_in_collection(org: LocalOrg, headers: dict[str, str] | None = None) -> dict[str, Any]:
    body = {
        "allOrNone": False,
        "records": [{"attributes": {"type": "Lead"}, **TARO, "Email": TARO["Email"].upper()}],
    }
    (result,) = org.client().restful("composite/sobjects", method="POST", json=body, headers=headers or {})
    return dict(result)


@pytest.mark.parametrize("action", ["alert", "block"])
def test_a_duplicate_create_is_refused_naming_the_records_it_matched(
    local_org: LocalOrg, action: str
) -> None:
    existing = local_org.insert("Lead", TARO)
    local_org.duplicate_rules.append(by_email(action))

    result = create_in_collection(local_org)

    assert result["success"] is False
    (error,) = result["errors"]
    assert error["statusCode"] == "DUPLICATES_DETECTED"
    duplicate = error["duplicateResult"]
    assert (duplicate["duplicateRule"], duplicate["allowSave"]) == ("Lead_Email", action == "alert")
    (match,) = duplicate["matchResults"]
    assert match["entityType"] == "Lead"
    assert [m["record"]["Id"] for m in match["matchRecords"]] == [existing]


def test_allow_save_saves_past_an_alert_rule(local_org: LocalOrg) -> None:
    local_org.insert("Lead", TARO)
    local_org.duplicate_rules.append(by_email("alert"))
    assert (
        create_in_collection(local_org, {"Sforce-Duplicate-Rule-Header": "allowSave=true"})["success"] is True
    )
    assert len(local_org.records("Lead")) == 2


def test_allow_save_does_not_pass_a_block_rule(local_org: LocalOrg) -> None:
    local_org.insert("Lead", TARO)
    local_org.duplicate_rules.append(by_email("block"))
    assert (
        create_in_collection(local_org, {"Sforce-Duplicate-Rule-Header": "allowSave=true"})["success"]
        is False
    )


def test_a_lead_matching_a_contact_names_the_contact(local_org: LocalOrg) -> None:
    contact = local_org.insert("Contact", {"LastName": "山田", "Email": TARO["Email"]})
    local_org.duplicate_rules.append(by_email("block"))
    (error,) = create_in_collection(local_org)["errors"]
    (match,) = error["duplicateResult"]["matchResults"]
    assert (match["entityType"], match["matchRecords"][0]["record"]["Id"]) == ("Contact", contact)


def test_a_single_record_create_carries_the_duplicate_result_too(local_org: LocalOrg) -> None:
    local_org.insert("Lead", TARO)
    local_org.duplicate_rules.append(by_email("block"))
    with pytest.raises(Exception, match="DUPLICATES_DETECTED") as caught:
        local_org.client().Lead.create(TARO)
    assert "duplicateResult" in str(caught.value)
