"""Match keys stored on records (issue 12, item 3): what leadrelay writes, and the clauses that find them."""

from __future__ import annotations

from typing import Any

import pytest
from leadrelay.domain.matching.keys import key_clauses, match_keys
from leadrelay.domain.matching.match_rules import MatchRules
from leadrelay.rulefiles.dedup_loading import load_match_rules

from tests.pipeline.support import RULES

CARD = {"LastName": "山田", "FirstName": "太郎", "Company": "㈱サンプル商事", "Phone": "03-1234-5678"}
FORM = {"FirstName": "Taro", "LastName": "Yamada", "Company": "Sample Shoji K.K.", "Phone": "+81 3 1234 5678"}


@pytest.fixture(scope="module")
def rules() -> MatchRules:
    return load_match_rules(RULES)


def keys(rules: MatchRules, sobject: str, **raw: Any) -> dict[str, str | None]:
    return match_keys(rules.record(sobject, raw), sobject)


def test_a_lead_gets_its_personal_email_direct_line_reading_company_skeleton_and_domain(
    rules: MatchRules,
) -> None:
    assert keys(rules, "Lead", **CARD, Email="T-Yamada+card@Sample.co.jp") == {
        "LR_Match_Email__c": "t-yamada@sample.co.jp",
        "LR_Match_Phone__c": "+81312345678",
        "LR_Match_Name__c": "taroyamada",
        "LR_Match_Company__c": "snprsyz",
        "LR_Match_Domain__c": "sample.co.jp",
    }


def test_a_business_card_in_kanji_and_a_web_form_in_romaji_share_their_name_company_and_phone_keys(
    rules: MatchRules,
) -> None:
    card, form = keys(rules, "Lead", **CARD), keys(rules, "Lead", **FORM)
    shared = ("LR_Match_Phone__c", "LR_Match_Name__c", "LR_Match_Company__c")
    assert [card[name] for name in shared] == [form[name] for name in shared]


def test_a_role_mailbox_a_switchboard_and_free_mail_give_no_key(rules: MatchRules) -> None:
    found = keys(rules, "Lead", LastName="佐藤", Email="info@sample.co.jp", Phone="03-1234-0000")
    free = keys(rules, "Lead", LastName="佐藤", Email="sato.hanako@gmail.com")

    assert (found["LR_Match_Email__c"], found["LR_Match_Phone__c"]) == (None, None)
    assert (free["LR_Match_Email__c"], free["LR_Match_Domain__c"]) == ("satohanako@gmail.com", None)


def test_an_account_stores_its_company_skeleton_and_its_web_domain_only(rules: MatchRules) -> None:
    assert keys(rules, "Account", Name="株式会社サンプル商事", Website="https://www.sample.co.jp/") == {
        "LR_Match_Company__c": "snprsyz",
        "LR_Match_Domain__c": "sample.co.jp",
    }


def test_the_lead_clauses_follow_the_blocking_keys_the_fields_store(rules: MatchRules) -> None:
    record = rules.record("Lead", {**CARD, "Email": "t-yamada@sample.co.jp"})

    clauses = key_clauses(rules.pair("lead_lead"), [record], "Lead")

    assert clauses == [
        {"LR_Match_Email__c": ["t-yamada@sample.co.jp"]},
        {"LR_Match_Phone__c": ["+81312345678"]},
        {"LR_Match_Name__c": ["taroyamada"], "LR_Match_Company__c": ["snprsyz"]},
        {"LR_Match_Name__c": ["taroyamada"], "LR_Match_Domain__c": ["sample.co.jp"]},
    ]


def test_the_account_clauses_skip_the_corporate_number_no_field_stores(rules: MatchRules) -> None:
    record = rules.record("Lead", {**CARD, "Email": "t-yamada@sample.co.jp"})

    clauses = key_clauses(rules.pair("lead_account"), [record], "Account")

    assert clauses == [{"LR_Match_Company__c": ["snprsyz"]}, {"LR_Match_Domain__c": ["sample.co.jp"]}]


def test_a_batch_without_any_key_asks_nothing(rules: MatchRules) -> None:
    nameless = rules.record("Lead", {"Email": "info@sample.co.jp"})
    assert key_clauses(rules.pair("lead_lead"), [nameless], "Lead") == []
