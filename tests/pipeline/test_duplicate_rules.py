"""A create the org's duplicate rules refuse is neither lost nor duplicated: leadrelay applies the event to
the record Salesforce names, or saves past alert rules when rules/ownership.json says so."""

from __future__ import annotations

from pathlib import Path

from leadrelay.pipeline import Outcome
from leadrelay_tools.localorg import DuplicateRule, LocalOrg

from tests.pipeline.support import TARO, make_pipeline, message, page_view, rules_with

NEW_LEAD = {"LastName": "山田", "FirstName": "太郎", "Company": "株式会社サンプル商事"}
SAME_PERSON = DuplicateRule(
    "Lead_Name_Company", "Lead", ("LastName", "Company"), ("Lead", "Contact"), "alert"
)
"""The org matches leads on name and company; leadrelay looked the person up by e-mail and found nobody."""


def saving_past_alerts(tmp_path: Path) -> Path:
    """The shipped rules saving past alert-action duplicate rules."""
    return rules_with(tmp_path, duplicate_rules={"on_create": "allow_save"})


def test_a_refused_create_is_applied_to_the_record_the_rule_named(local_org: LocalOrg) -> None:
    existing = local_org.insert(
        "Lead", {**NEW_LEAD, "Email": "t.yamada@sample-shoji.co.jp", "Phone": "03-1234-5678"}
    )
    local_org.duplicate_rules.append(SAME_PERSON)
    pipeline, clock, sink = make_pipeline(local_org)

    report = pipeline.run([message(page_view(fields=NEW_LEAD))], remaining=clock.remaining)

    assert [result.outcome for result in report.results.values()] == [Outcome.APPLIED]
    (lead,) = local_org.records("Lead")
    assert lead["Id"] == existing
    assert lead["LR_Engagement_Score__c"] > 0
    assert (lead["Email"], lead["Phone"]) == ("t.yamada@sample-shoji.co.jp", "03-1234-5678")  # not the MA's
    assert sink.letters == []


def test_a_lead_matching_a_contact_scores_the_contact(local_org: LocalOrg) -> None:
    contact = local_org.insert("Contact", {"LastName": "山田", "Email": "t.yamada@sample-shoji.co.jp"})
    local_org.duplicate_rules.append(
        DuplicateRule("Lead_vs_Contact", "Lead", ("LastName",), ("Contact",), "block")
    )
    pipeline, clock, _ = make_pipeline(local_org)

    pipeline.run([message(page_view(fields=NEW_LEAD))], remaining=clock.remaining)

    assert local_org.records("Lead") == []
    assert (local_org.record("Contact", contact) or {})["LR_Engagement_Score__c"] > 0


def test_allow_save_creates_the_lead_past_an_alert_rule(local_org: LocalOrg, tmp_path: Path) -> None:
    local_org.insert("Lead", {**NEW_LEAD, "Email": "t.yamada@sample-shoji.co.jp"})
    local_org.duplicate_rules.append(SAME_PERSON)
    pipeline, clock, _ = make_pipeline(local_org, rules=saving_past_alerts(tmp_path))

    pipeline.run([message(page_view(fields=NEW_LEAD))], remaining=clock.remaining)

    assert sorted(lead["Email"] for lead in local_org.records("Lead")) == sorted(
        [TARO, "t.yamada@sample-shoji.co.jp"]
    )


def test_allow_save_still_links_when_a_block_rule_refuses(local_org: LocalOrg, tmp_path: Path) -> None:
    existing = local_org.insert("Lead", {**NEW_LEAD, "Email": "t.yamada@sample-shoji.co.jp"})
    local_org.duplicate_rules.append(
        DuplicateRule("Lead_Block", "Lead", ("LastName", "Company"), ("Lead",), "block")
    )
    pipeline, clock, sink = make_pipeline(local_org, rules=saving_past_alerts(tmp_path))

    pipeline.run([message(page_view(fields=NEW_LEAD))], remaining=clock.remaining)

    assert [lead["Id"] for lead in local_org.records("Lead")] == [existing]
    assert sink.letters == []
