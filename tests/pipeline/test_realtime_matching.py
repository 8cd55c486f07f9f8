"""名寄せ in the processor (issue 12, items 3–4): the real pipeline against the local org, shipped rules.

A person leadrelay creates carries match keys; a business card of someone the org already has attaches
to them instead of making a second Lead; a namesake at another company is someone else; a possible
duplicate is created but flagged for review; a lead's company matched to an Account gives routing the
account's owner. Every comparison is in the decision's trace.
"""

from __future__ import annotations

from typing import Any

from leadrelay.adapters.activity_store import InMemoryActivityStore
from leadrelay.domain.errors import ErrorDetail
from leadrelay.domain.events import CanonicalEvent, ChangeHeader, EventKind, EventSource, Identity
from leadrelay.domain.matching.keys import match_keys
from leadrelay.pipeline import Outcome
from leadrelay.rulefiles.dedup_loading import load_match_rules
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.localorg.samples import seed_fit_40_lead

from tests.pipeline.support import NOW, RULES, leads_by_email, make_pipeline, message, page_view
from tests.plugins.fake_salesforce import InMemorySalesforce
from tests.routing.test_routing_step import SUZUKI, becomes_mql

WEB_FORM = "taro.yamada@sample.co.jp"
FORM = {"FirstName": "Taro", "LastName": "Yamada", "Company": "Sample Shoji K.K.", "Phone": "03-1234-5678"}
CARD = {"LastName": "山田", "FirstName": "太郎", "Company": "㈱サンプル商事", "Phone": "03-1234-5678"}


class Processor:
    """The pipeline over one org and one activity store, batch after batch."""

    def __init__(self, org: LocalOrg | InMemorySalesforce) -> None:
        self.org = org
        self.store = InMemoryActivityStore()

    def run(self, *events: CanonicalEvent) -> Any:
        pipeline, clock, sink = make_pipeline(self.org, store=self.store)
        report = pipeline.run([message(event) for event in events], remaining=clock.remaining)
        return report, sink


def existing_lead(processor: Processor) -> dict[str, Any]:
    """Taro Yamada of Sample Shoji K.K., created by leadrelay from a web form (so it has its keys)."""
    processor.run(page_view(WEB_FORM, fields=FORM))
    return leads_by_email(processor.org)[WEB_FORM]


def test_a_lead_leadrelay_creates_carries_its_match_keys(local_org: LocalOrg) -> None:
    processor = Processor(local_org)
    lead = existing_lead(processor)

    assert {name: lead[name] for name in lead if name.startswith("LR_Match_")} == {
        "LR_Match_Email__c": "taro.yamada@sample.co.jp",
        "LR_Match_Phone__c": "+81312345678",
        "LR_Match_Name__c": "taroyamada",
        "LR_Match_Company__c": "snprsyz",
        "LR_Match_Domain__c": "sample.co.jp",
        "LR_Match_Score__c": None,
        "LR_Match_Reasons__c": None,
    }


def test_a_business_card_of_an_existing_lead_attaches_to_it_and_creates_no_lead(local_org: LocalOrg) -> None:
    processor = Processor(local_org)
    lead = existing_lead(processor)
    score_before = lead["LR_Engagement_Score__c"]

    report, _ = processor.run(page_view("t-yamada@sample.co.jp", fields=CARD))

    assert [result.outcome for result in report.results.values()] == [Outcome.APPLIED]
    assert list(leads_by_email(local_org)) == [WEB_FORM]
    assert leads_by_email(local_org)[WEB_FORM]["LR_Engagement_Score__c"] > score_before  # its history grew


def test_a_namesake_at_another_company_becomes_a_lead_of_their_own(local_org: LocalOrg) -> None:
    processor = Processor(local_org)
    existing_lead(processor)
    namesake = {**CARD, "Company": "株式会社テスト物産", "Phone": "06-1111-2222"}

    processor.run(page_view("yamada@test-bussan.co.jp", fields=namesake))

    other = leads_by_email(local_org)["yamada@test-bussan.co.jp"]
    assert other["LR_Potential_Duplicate__c"] is None
    assert other["LR_Match_Company__c"] == "tstbsn"


def test_a_possible_duplicate_is_created_and_flagged_for_review(local_org: LocalOrg) -> None:
    processor = Processor(local_org)
    lead = existing_lead(processor)
    private = {"LastName": "山田", "FirstName": "太郎", "Company": "サンプル商事"}  # free mail, no phone

    processor.run(page_view("taro.y@gmail.com", fields=private))

    flagged = leads_by_email(local_org)["taro.y@gmail.com"]
    assert flagged["LR_Potential_Duplicate__c"] == lead["Id"]
    assert flagged["LR_Match_Score__c"] == 8.0
    assert flagged["LR_Match_Reasons__c"].startswith(f"Lead {lead['Id']}: candidate (score), score 8:")
    assert "person exact" in flagged["LR_Match_Reasons__c"]


def test_a_lead_matched_to_an_account_goes_to_the_accounts_owner(local_org: LocalOrg) -> None:
    rules = load_match_rules(RULES)
    account = {"Name": "株式会社サンプル商事", "Website": "https://www.sample.co.jp", "OwnerId": SUZUKI}
    keys = match_keys(rules.record("Account", account), "Account")  # as the backfill stamps them
    account_id = local_org.insert("Account", {**account, **keys})
    seed_fit_40_lead(local_org, WEB_FORM, NumberOfEmployees=5000)  # 株式会社サンプル商事, no match keys yet

    Processor(local_org).run(*becomes_mql(WEB_FORM))

    lead = leads_by_email(local_org)[WEB_FORM]
    assert (lead["LR_Matched_Account__c"], lead["LR_Matched_Account_Owner__c"]) == (account_id, SUZUKI)
    assert lead["OwnerId"] == SUZUKI
    assert lead["LR_Routing_Reason__c"].startswith("routing.enterprise → account_owner")


def test_every_comparison_is_in_the_decisions_trace(fake_salesforce: InMemorySalesforce) -> None:
    processor = Processor(fake_salesforce)
    lead = existing_lead(processor)
    fake_salesforce.fail_next(
        lead["Id"], ErrorDetail(status_code="FIELD_CUSTOM_VALIDATION_EXCEPTION", message="x")
    )

    _, sink = processor.run(page_view("t-yamada@sample.co.jp", fields=CARD))

    (letter,) = sink.letters
    hits = [hit for hit in letter.decision["trace"] if hit["score"] == "dedup"]
    assert [(hit["rule_id"], hit["values"]["record_id"]) for hit in hits] == [
        ("dedup.lead_lead.match", lead["Id"])
    ]
    assert hits[0]["points"] == 0.0
    assert "person exact" in hits[0]["detail"]


def test_a_business_card_of_an_existing_contact_attaches_to_the_contact(local_org: LocalOrg) -> None:
    contact = {"LastName": "Yamada", "FirstName": "Taro", "Email": WEB_FORM, "Phone": "03-1234-5678"}
    keys = match_keys(load_match_rules(RULES).record("Contact", contact), "Contact")  # as backfilled
    contact_id = local_org.insert("Contact", {**contact, **keys}, user_id=local_org.integration_user_id)

    Processor(local_org).run(page_view("t-yamada@sample.co.jp", fields=CARD))

    assert local_org.records("Lead") == []
    assert local_org.record("Contact", contact_id)["LR_Engagement_Score__c"] == 15  # type: ignore[index]


def changed_by_a_person(
    entity: str, record_id: str, event_type: str, changed: tuple[str, ...], transaction: str
) -> CanonicalEvent:
    """A change event as ingress makes it of a person's edit of ``entity`` in Salesforce."""
    return CanonicalEvent(
        idempotency_key=f"{transaction}:1:{record_id}",
        kind=EventKind.RECORD_CHANGE,
        type=event_type,
        source=EventSource.SALESFORCE,
        occurred_at=NOW,
        identity=Identity(salesforce_id=record_id),
        entity=entity,
        changed_fields=changed,
        change=ChangeHeader(record_id=record_id, change_type="UPDATE"),
    )


def account_changed(account_id: str, changed: tuple[str, ...] = ("Name",)) -> CanonicalEvent:
    """An Account change as ingress makes it of an ``AccountChangeEvent`` (a person renamed it)."""
    return changed_by_a_person("Account", account_id, "account_changed", changed, "0002c8e1-7f4b-43a2")


def test_an_account_change_stamps_its_keys_and_makes_it_matchable(local_org: LocalOrg) -> None:
    account = {"Name": "株式会社サンプル商事", "Website": "https://www.sample.co.jp", "OwnerId": SUZUKI}
    account_id = local_org.insert("Account", account)
    processor = Processor(local_org)

    report, _ = processor.run(account_changed(account_id))
    processor.run(page_view("t-yamada@sample.co.jp", fields=CARD))

    stamped = local_org.record("Account", account_id)
    assert [result.outcome for result in report.results.values()] == [Outcome.APPLIED]
    assert (stamped["LR_Match_Company__c"], stamped["LR_Match_Domain__c"]) == ("snprsyz", "sample.co.jp")  # type: ignore[index]
    assert leads_by_email(local_org)["t-yamada@sample.co.jp"]["LR_Matched_Account__c"] == account_id


CORPORATE_NUMBER = "4011001098993"  # a valid 法人番号 (check digit 4)


def test_a_lead_whose_corporate_number_an_account_has_is_matched_to_it_and_stores_it(
    local_org: LocalOrg,
) -> None:
    rules = load_match_rules(RULES)
    account = {"Name": "株式会社サンプル商事", "LR_Corporate_Number__c": CORPORATE_NUMBER, "OwnerId": SUZUKI}
    account_id = local_org.insert(
        "Account", {**account, **match_keys(rules.record("Account", account), "Account")}
    )
    form = {
        **FORM,
        "Company": "SSC Holdings",
        "LR_Corporate_Number__c": "４０１１-００１０-９８９９３",
    }  # as typed

    Processor(local_org).run(page_view("t.yamada@ssc-hd.co.jp", fields=form))

    lead = leads_by_email(local_org)["t.yamada@ssc-hd.co.jp"]
    assert lead["LR_Corporate_Number__c"] == CORPORATE_NUMBER  # stored normalised: a match key
    assert lead["LR_Matched_Account__c"] == account_id  # the same 法人番号 whatever the name


def test_a_different_corporate_number_is_another_company_whatever_the_name(local_org: LocalOrg) -> None:
    rules = load_match_rules(RULES)
    account = {"Name": "株式会社サンプル商事", "Website": "https://www.sample.co.jp", "OwnerId": SUZUKI}
    account["LR_Corporate_Number__c"] = CORPORATE_NUMBER
    local_org.insert("Account", {**account, **match_keys(rules.record("Account", account), "Account")})
    form = {**FORM, "Company": "サンプル商事", "LR_Corporate_Number__c": "1234567890123"}  # invalid: ignored
    other = {**CARD, "LastName": "鈴木", "Phone": "03-1234-0000", "LR_Corporate_Number__c": "7123456789012"}

    Processor(local_org).run(page_view(WEB_FORM, fields=form), page_view("suzuki@sample.co.jp", fields=other))

    leads = leads_by_email(local_org)
    assert leads[WEB_FORM]["LR_Corporate_Number__c"] is None  # an unverified number is not stored
    assert leads[WEB_FORM]["LR_Matched_Account__c"] is not None  # the name and the domain match
    assert leads["suzuki@sample.co.jp"]["LR_Corporate_Number__c"] == "7123456789012"
    assert (
        leads["suzuki@sample.co.jp"]["LR_Matched_Account__c"] is None
    )  # same name and domain, another 法人番号


def test_an_account_whose_corporate_number_alone_is_typed_in_is_rekeyed_and_matched_by_it(
    local_org: LocalOrg,
) -> None:
    """A rep types the 法人番号 into an Account that already has its keys: the change names that field
    alone, the number is written back as its key (13 ASCII digits) and a lead naming it matches."""
    rules = load_match_rules(RULES)
    account = {"Name": "株式会社サンプル商事", "Website": "https://www.sample.co.jp", "OwnerId": SUZUKI}
    account_id = local_org.insert(
        "Account", {**account, **match_keys(rules.record("Account", account), "Account")}
    )
    local_org.update(
        "Account", account_id, {"LR_Corporate_Number__c": "４０１１００１０９８９９３"}
    )  # full-width, as an IME types it
    processor = Processor(local_org)

    report, _ = processor.run(account_changed(account_id, changed=("LR_Corporate_Number__c",)))
    form = {**FORM, "Company": "SSC Holdings", "LR_Corporate_Number__c": CORPORATE_NUMBER}
    processor.run(page_view("t.yamada@ssc-hd.co.jp", fields=form))

    assert [result.outcome for result in report.results.values()] == [Outcome.APPLIED]
    assert local_org.record("Account", account_id)["LR_Corporate_Number__c"] == CORPORATE_NUMBER  # type: ignore[index]
    assert leads_by_email(local_org)["t.yamada@ssc-hd.co.jp"]["LR_Matched_Account__c"] == account_id


def lead_updated(lead_id: str, changed: tuple[str, ...] = ("Email",)) -> CanonicalEvent:
    """A Lead change as ingress makes it of a ``LeadChangeEvent`` (a rep edited the Lead)."""
    return changed_by_a_person("Lead", lead_id, "lead_updated", changed, "0003d9f2-8a5c-44b3")


def flag_writes(org: LocalOrg, lead_id: str) -> int:
    """How many of the org's Lead change events wrote the potential-duplicate flag of ``lead_id``."""
    return sum(
        1
        for event in org.change_events("Lead")
        if lead_id in event["ChangeEventHeader"]["recordIds"]
        and "LR_Potential_Duplicate__c" in event["ChangeEventHeader"]["changedFields"]
    )


def test_an_existing_lead_whose_email_now_collides_with_another_lead_is_flagged_once(
    local_org: LocalOrg,
) -> None:
    """山田太郎's business card made a Lead of its own (another company's address, a namesake); a rep
    then corrects its e-mail to the address of the web-form Lead: the two are one person now, so the
    corrected Lead names the other for review — written once, not again on the next event."""
    processor = Processor(local_org)
    web_form = existing_lead(processor)
    processor.run(page_view("yamada@test-bussan.co.jp", fields={**CARD, "Company": "株式会社テスト物産"}))
    card = leads_by_email(local_org)["yamada@test-bussan.co.jp"]
    assert card["LR_Potential_Duplicate__c"] is None
    local_org.update("Lead", card["Id"], {"Email": WEB_FORM, "Company": "㈱サンプル商事"})  # as a rep does

    processor.run(lead_updated(card["Id"]))
    processor.run(page_view(salesforce_id=card["Id"], email=None, minutes_ago=1))

    flagged = local_org.record("Lead", card["Id"])
    assert flagged is not None
    assert flagged["LR_Potential_Duplicate__c"] == web_form["Id"]
    assert flagged["LR_Match_Reasons__c"].startswith(
        f"Lead {web_form['Id']}: match (rule same_personal_email)"
    )
    assert flagged["LR_Match_Email__c"] == WEB_FORM  # re-keyed: matchable by its new address
    assert flag_writes(local_org, card["Id"]) == 1
    assert local_org.record("Lead", web_form["Id"])["LR_Potential_Duplicate__c"] is None  # type: ignore[index]


def test_a_flag_an_admin_cleared_after_review_is_not_raised_again_by_the_next_event(
    local_org: LocalOrg,
) -> None:
    processor = Processor(local_org)
    web_form = existing_lead(processor)
    processor.run(page_view("yamada@test-bussan.co.jp", fields={**CARD, "Company": "株式会社テスト物産"}))
    card = leads_by_email(local_org)["yamada@test-bussan.co.jp"]
    local_org.update("Lead", card["Id"], {"Email": WEB_FORM, "Company": "㈱サンプル商事"})
    processor.run(lead_updated(card["Id"]))
    assert local_org.record("Lead", card["Id"])["LR_Potential_Duplicate__c"] == web_form["Id"]  # type: ignore[index]
    local_org.update("Lead", card["Id"], {"LR_Potential_Duplicate__c": None})  # reviewed: kept apart

    processor.run(page_view(salesforce_id=card["Id"], email=None, minutes_ago=1))

    assert local_org.record("Lead", card["Id"])["LR_Potential_Duplicate__c"] is None  # type: ignore[index]


def test_an_existing_lead_without_a_duplicate_gets_no_flag(local_org: LocalOrg) -> None:
    processor = Processor(local_org)
    existing_lead(processor)
    processor.run(page_view("yamada@test-bussan.co.jp", fields={**CARD, "Company": "株式会社テスト物産"}))
    card = leads_by_email(local_org)["yamada@test-bussan.co.jp"]
    local_org.update("Lead", card["Id"], {"Email": "t.yamada@test-bussan.co.jp"})  # still the namesake

    processor.run(lead_updated(card["Id"]))

    changed = local_org.record("Lead", card["Id"])
    assert changed is not None
    assert (changed["LR_Potential_Duplicate__c"], changed["LR_Match_Email__c"]) == (
        None,
        "t.yamada@test-bussan.co.jp",
    )
