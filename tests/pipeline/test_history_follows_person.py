"""A person's activity history follows them (issue 12, item 4): the real pipeline against the local org.

leadrelay gives an existing Lead its history key (``LR_External_Key__c``) the first time it writes it,
so a later change of the Lead's e-mail keeps one history; the key is a unique External ID, and a key
another record already holds is left off (the org refuses it with ``DUPLICATE_VALUE``, as Salesforce
does). When the match step finds an incoming address to be an existing person, the history recorded
under that address is read with the person's.
"""

from __future__ import annotations

from leadrelay.adapters.activity_store import InMemoryActivityStore
from leadrelay.pipeline import Outcome
from leadrelay_tools.localorg import LocalOrg

from tests.pipeline.support import leads_by_email, make_pipeline, message, page_view

TARO = "taro.yamada@sample.co.jp"
NEW_ADDRESS = "t.yamada@sample.co.jp"
FORM = {"FirstName": "Taro", "LastName": "Yamada", "Company": "Sample Shoji K.K.", "Phone": "03-1234-5678"}
CARD = {"LastName": "山田", "FirstName": "太郎", "Company": "㈱サンプル商事", "Phone": "03-1234-5678"}
HANAKO = "hanako.sato@test-bussan.co.jp"
HANAKO_FIELDS = {"LastName": "佐藤", "FirstName": "花子", "Company": "株式会社テスト物産"}


class Processor:
    """The pipeline over one org and one activity store, batch after batch."""

    def __init__(self, org: LocalOrg) -> None:
        self.org = org
        self.store = InMemoryActivityStore()

    def run(self, *events: object) -> list[Outcome]:
        pipeline, clock, _ = make_pipeline(self.org, store=self.store)
        report = pipeline.run([message(e) for e in events], remaining=clock.remaining)  # type: ignore[arg-type]
        return [result.outcome for result in report.results.values()]


def reference_score(processor: Processor, *activities: tuple[str, int]) -> float:
    """The engagement score of one Lead with ``activities`` (type, minutes ago): another person's."""
    processor.run(*(page_view(HANAKO, fields=HANAKO_FIELDS, type=t, minutes_ago=m) for t, m in activities))
    return float(leads_by_email(processor.org)[HANAKO]["LR_Engagement_Score__c"])


def test_history_follows_a_lead_whose_email_changes(local_org: LocalOrg) -> None:
    processor = Processor(local_org)
    both = reference_score(processor, ("page_view", 30), ("page_view", 10))
    lead_id = local_org.insert(
        "Lead", {"LastName": "山田", "FirstName": "太郎", "Company": "サンプル商事", "Email": TARO}
    )

    processor.run(page_view(TARO, minutes_ago=30))  # leadrelay's first write gives it its history key
    local_org.update("Lead", lead_id, {"Email": NEW_ADDRESS})  # a rep corrects the address
    outcomes = processor.run(page_view(NEW_ADDRESS, minutes_ago=10))

    lead = local_org.record("Lead", lead_id)
    assert outcomes == [Outcome.APPLIED]
    assert sorted(leads_by_email(local_org)) == [HANAKO, NEW_ADDRESS]  # one Lead
    assert lead["LR_External_Key__c"] == f"email#{TARO}"  # type: ignore[index]
    assert lead["LR_Engagement_Score__c"] == both  # type: ignore[index]  # one history: both views


def test_a_history_key_another_lead_holds_is_left_off(local_org: LocalOrg) -> None:
    processor = Processor(local_org)
    processor.run(page_view(TARO, fields=FORM))  # leadrelay creates the Lead keyed email#taro…
    twin = local_org.insert(
        "Lead", {"LastName": "山田", "Company": "サンプル商事", "Email": TARO}
    )  # a rep's copy

    outcomes = processor.run(page_view(None, salesforce_id=twin))  # an event naming the copy by id

    copy = local_org.record("Lead", twin)
    assert outcomes == [Outcome.APPLIED]  # refused with DUPLICATE_VALUE, written again without the key
    assert copy["LR_External_Key__c"] is None  # type: ignore[index]
    assert copy["LR_Engagement_Score__c"] is not None  # type: ignore[index]


def test_the_history_of_an_address_matched_to_a_person_is_read_with_theirs(local_org: LocalOrg) -> None:
    processor = Processor(local_org)
    three = reference_score(processor, ("webinar_attended", 50), ("page_view", 30), ("page_view", 10))
    webinar = page_view(NEW_ADDRESS, fields=CARD, minutes_ago=50, type="webinar_attended")
    processor.run(webinar)  # a card at a webinar: a Lead of its own
    card_lead = leads_by_email(local_org)[NEW_ADDRESS]["Id"]
    local_org.client().Lead.delete(card_lead)  # a rep merged it away (its history stays under its address)
    processor.run(page_view(TARO, fields=FORM, minutes_ago=30))  # the form: the Lead that stays

    outcomes = processor.run(
        page_view(NEW_ADDRESS, fields=CARD, minutes_ago=10)
    )  # matched to the form's Lead

    assert outcomes == [Outcome.APPLIED]
    assert sorted(leads_by_email(local_org)) == [HANAKO, TARO]
    assert leads_by_email(local_org)[TARO]["LR_Engagement_Score__c"] == three  # both histories, read together
