"""名寄せ within one batch (issue 12, item 4): two new people who are one person, neither in the org yet.

A business card in katakana and a web form in romaji arrive in the same batch: the match step compares
the batch's new people with each other under the same ``lead_lead`` rules as with stored records. A
match makes one Lead carrying both events' activities (the person whose earliest event came first is
kept); a candidate creates both and flags the later one for review, with the other Lead's id.
"""

from __future__ import annotations

from leadrelay.adapters.activity_store import InMemoryActivityStore
from leadrelay.pipeline import Outcome
from leadrelay_tools.localorg import LocalOrg

from tests.pipeline.support import leads_by_email, make_pipeline, message, page_view

FORM_EMAIL = "taro.yamada@sample-shoji.co.jp"
CARD_EMAIL = "t-yamada@sample-shoji.co.jp"
HANAKO = "hanako.sato@test-bussan.co.jp"
FORM = {"FirstName": "Taro", "LastName": "Yamada", "Company": "Sample Shoji K.K.", "Phone": "03-1234-5678"}
CARD = {"LastName": "ヤマダ", "FirstName": "タロウ", "Company": "㈱サンプル商事", "Phone": "03-1234-5678"}


def run_batch(org: LocalOrg, *events: object) -> object:
    """One batch of ``events`` through the real pipeline against ``org``."""
    pipeline, clock, _ = make_pipeline(org, store=InMemoryActivityStore())
    return pipeline.run([message(event) for event in events], remaining=clock.remaining)  # type: ignore[arg-type]


def test_a_card_and_a_form_of_one_person_in_one_batch_make_one_lead(local_org: LocalOrg) -> None:
    other = {"LastName": "佐藤", "FirstName": "花子", "Company": "株式会社テスト物産"}
    run_batch(local_org, *(page_view(HANAKO, fields=other, minutes_ago=m) for m in (30, 10)))
    two_views = leads_by_email(local_org)[HANAKO]["LR_Engagement_Score__c"]
    form = page_view(FORM_EMAIL, fields=FORM, minutes_ago=30)
    card = page_view(CARD_EMAIL, fields=CARD, minutes_ago=10)

    before = local_org.api_calls
    report = run_batch(local_org, card, form)  # delivered in the other order: the earliest event is kept

    # Lead and Contact by e-mail; Lead, Contact and Account by match keys: the batch is compared in memory
    assert local_org.api_calls["query"] - before["query"] == 5

    assert [result.outcome for result in report.results.values()] == [Outcome.APPLIED] * 2  # type: ignore[attr-defined]
    lead = leads_by_email(local_org)[FORM_EMAIL]
    assert sorted(leads_by_email(local_org)) == [HANAKO, FORM_EMAIL]  # no Lead for the card's address
    assert (lead["LastName"], lead["Phone"]) == ("ヤマダ", "03-1234-5678")  # the newest card's fields
    assert lead["LR_Potential_Duplicate__c"] is None
    assert lead["LR_Engagement_Score__c"] == two_views  # both events' activities are its history


def test_a_possible_duplicate_in_one_batch_is_created_and_names_the_other_lead(local_org: LocalOrg) -> None:
    form = page_view(FORM_EMAIL, fields={**FORM, "Phone": ""}, minutes_ago=30)
    private = page_view("yamada.taro@gmail.com", fields={**CARD, "Phone": ""}, minutes_ago=10)

    before = local_org.api_calls
    run_batch(local_org, private, form)

    assert local_org.api_calls["query"] - before["query"] == 5
    assert local_org.api_calls.total - before.total == 7  # the upsert, then the flagged Lead's link
    leads = leads_by_email(local_org)
    kept, flagged = leads[FORM_EMAIL], leads["yamada.taro@gmail.com"]
    assert kept["LR_Potential_Duplicate__c"] is None
    assert flagged["LR_Potential_Duplicate__c"] == kept["Id"]
    assert flagged["LR_Match_Score__c"] == 8.0
    assert "person exact" in flagged["LR_Match_Reasons__c"]


def test_colleagues_in_one_batch_stay_two_leads(local_org: LocalOrg) -> None:
    colleague = {**CARD, "LastName": "スズキ", "FirstName": "イチロウ", "Phone": "03-1234-0000"}

    run_batch(
        local_org,
        page_view(FORM_EMAIL, fields={**FORM, "Phone": "03-1234-0000"}),
        page_view("suzuki@sample-shoji.co.jp", fields=colleague),
    )

    leads = leads_by_email(local_org)
    assert sorted(leads) == ["suzuki@sample-shoji.co.jp", FORM_EMAIL]
    assert all(lead["LR_Potential_Duplicate__c"] is None for lead in leads.values())
