"""The local org runs its active lead assignment rule as Salesforce's REST API does: on every Lead create
and update unless the request says ``Sforce-Auto-Assign: FALSE``."""

from __future__ import annotations

from typing import Any

import pytest
from leadrelay_tools.localorg import AssignmentRule, LocalOrg, RuleEntry

RULE_ID = "01Q5g000000AbCdEAK"


@pytest.fixture
def reps(local_org: LocalOrg) -> tuple[str, str]:
    """佐藤 花子 (Osaka territory) and 鈴木 誠 (everyone else) under the org's active rule."""
    osaka, others = local_org.sales_user_ids
    rule = AssignmentRule(RULE_ID, (RuleEntry({"State": "大阪府"}, osaka),), default_owner_id=others)
    local_org.assignment_rules.activate(rule)
    return osaka, others


def create(org: LocalOrg, headers: dict[str, str] | None = None, **fields: Any) -> str:
    lead = {"LastName": "山田", "Company": "株式会社サンプル商事", **fields}
    return str(org.client().Lead.create(lead, headers=headers or {})["id"])


def owner(org: LocalOrg, lead_id: str) -> str:
    return str((org.record("Lead", lead_id) or {})["OwnerId"])


def test_without_the_header_a_create_runs_the_active_rule(local_org: LocalOrg, reps: tuple[str, str]) -> None:
    osaka, others = reps
    assert owner(local_org, create(local_org, State="大阪府")) == osaka
    assert owner(local_org, create(local_org, State="東京都")) == others


def test_without_the_header_an_update_reassigns_the_lead(local_org: LocalOrg, reps: tuple[str, str]) -> None:
    osaka, _ = reps
    lead_id = create(local_org, {"Sforce-Auto-Assign": "FALSE"}, State="大阪府")
    local_org.client().Lead.update(lead_id, {"LR_Fit_Score__c": 40})
    assert owner(local_org, lead_id) == osaka  # a score write took the lead from whoever had it


def test_auto_assign_false_keeps_the_owner_on_create_and_update(
    local_org: LocalOrg, reps: tuple[str, str]
) -> None:
    lead_id = create(local_org, {"Sforce-Auto-Assign": "FALSE"}, State="大阪府")
    local_org.client().Lead.update(lead_id, {"LR_Fit_Score__c": 40}, headers={"Sforce-Auto-Assign": "FALSE"})
    assert owner(local_org, lead_id) == local_org.integration_user_id


def test_false_is_honoured_in_sobject_collections_too(local_org: LocalOrg, reps: tuple[str, str]) -> None:
    lead_id = create(local_org, {"Sforce-Auto-Assign": "FALSE"}, State="大阪府")
    body = {
        "allOrNone": False,
        "records": [{"attributes": {"type": "Lead"}, "id": lead_id, "LR_Fit_Score__c": 9}],
    }
    local_org.client().restful(
        "composite/sobjects", method="PATCH", json=body, headers={"Sforce-Auto-Assign": "FALSE"}
    )
    assert owner(local_org, lead_id) == local_org.integration_user_id


def test_a_rule_id_in_the_header_runs_that_rule_even_when_none_is_active(
    local_org: LocalOrg, reps: tuple[str, str]
) -> None:
    osaka, _ = reps
    local_org.assignment_rules.deactivate()
    assert owner(local_org, create(local_org, State="大阪府")) == local_org.integration_user_id
    assert owner(local_org, create(local_org, {"Sforce-Auto-Assign": RULE_ID}, State="大阪府")) == osaka


def test_records_saved_outside_the_api_are_never_assigned(local_org: LocalOrg, reps: tuple[str, str]) -> None:
    lead_id = local_org.insert(
        "Lead", {"LastName": "佐藤", "Company": "株式会社みらい製作所", "State": "大阪府"}
    )
    assert owner(local_org, lead_id) == local_org.integration_user_id
