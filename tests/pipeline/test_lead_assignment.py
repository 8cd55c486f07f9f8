"""leadrelay's writes never let the org's lead assignment rule take a lead from its owner; teams that
route in Salesforce can opt in to the rule for the Leads leadrelay creates (rules/ownership.json)."""

from __future__ import annotations

from pathlib import Path

import pytest
from leadrelay.pipeline import Outcome
from leadrelay_tools.localorg import AssignmentRule, LocalOrg

from tests.pipeline.support import TARO, leads_by_email, make_pipeline, message, page_view, rules_with


@pytest.fixture
def takes_everything(local_org: LocalOrg) -> str:
    """An active assignment rule that would give every lead to 鈴木 誠."""
    ichiro = local_org.sales_user_ids[1]
    local_org.assignment_rules.activate(AssignmentRule("01Q5g000000AbCdEAK", (), default_owner_id=ichiro))
    return ichiro


def routed_in_salesforce(tmp_path: Path) -> Path:
    """The shipped rules with ``lead_assignment.on_create`` set to the org's active rule."""
    return rules_with(tmp_path, lead_assignment={"on_create": "active_rule"})


def test_a_score_update_never_changes_the_owner(local_org: LocalOrg, takes_everything: str) -> None:
    hanako = local_org.sales_user_ids[0]
    lead_id = local_org.insert(
        "Lead", {"LastName": "山田", "Company": "株式会社サンプル商事", "Email": TARO, "OwnerId": hanako}
    )
    pipeline, clock, _ = make_pipeline(local_org)

    report = pipeline.run([message(page_view())], remaining=clock.remaining)

    assert [result.outcome for result in report.results.values()] == [Outcome.APPLIED]
    lead = local_org.record("Lead", lead_id) or {}
    assert lead["LR_Engagement_Score__c"] > 0
    assert lead["OwnerId"] == hanako


def test_leads_leadrelay_creates_skip_the_rule_by_default(local_org: LocalOrg, takes_everything: str) -> None:
    pipeline, clock, _ = make_pipeline(local_org)
    pipeline.run(
        [message(page_view(fields={"LastName": "山田", "Company": "株式会社サンプル商事"}))],
        remaining=clock.remaining,
    )
    assert leads_by_email(local_org)[TARO]["OwnerId"] != takes_everything


def test_teams_that_route_in_salesforce_create_leads_through_the_active_rule_and_updates_still_skip_it(
    local_org: LocalOrg, takes_everything: str, tmp_path: Path
) -> None:
    pipeline, clock, _ = make_pipeline(local_org, rules=routed_in_salesforce(tmp_path))
    pipeline.run(
        [message(page_view(fields={"LastName": "山田", "Company": "株式会社サンプル商事"}))],
        remaining=clock.remaining,
    )
    lead = leads_by_email(local_org)[TARO]
    assert lead["OwnerId"] == takes_everything
    hanako = local_org.sales_user_ids[0]
    local_org.update("Lead", lead["Id"], {"OwnerId": hanako})  # a manager hands it to 佐藤 花子

    pipeline.run([message(page_view(url="https://www.sample-saas.jp/webinar"))], remaining=clock.remaining)

    assert leads_by_email(local_org)[TARO]["OwnerId"] == hanako
