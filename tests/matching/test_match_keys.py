"""The match keys written onto records: the normalised forms the blocking keys use, "" where none."""

from __future__ import annotations

from leadrelay.domain.matching.match_keys import MATCH_KEY_FIELDS, match_keys

from tests.matching.rules_builders import shipped


def test_a_business_card_and_a_web_form_of_one_person_get_the_same_keys() -> None:
    rules = shipped()
    card = {
        "LastName": "髙橋",
        "FirstName": "太郎",
        "Company": "㈱サンプル商事",
        "Email": "TARO.TAKAHASHI@SAMPLE.CO.JP",
    }
    form = {
        "LastName": "Takahashi",
        "FirstName": "Taro",
        "Company": "サンプル商事株式会社",
        "Email": "taro.takahashi@sample.co.jp",
    }

    keys = match_keys(rules, "Lead", card)

    assert keys == match_keys(rules, "Lead", form)
    assert keys["LR_Match_Email__c"] == "taro.takahashi@sample.co.jp"
    assert keys["LR_Match_Domain__c"] == "sample.co.jp"


def test_a_role_mailbox_and_a_switchboard_are_no_keys() -> None:
    lead = {
        "LastName": "鈴木",
        "Company": "みらい製作所",
        "Email": "info@mirai.co.jp",
        "Phone": "03-1234-0000 内線 12",
    }

    keys = match_keys(shipped(), "Lead", lead)

    assert (keys["LR_Match_Email__c"], keys["LR_Match_Phone__c"]) == ("", "")
    assert list(keys) == list(MATCH_KEY_FIELDS)


def test_an_account_gets_its_company_domain_and_corporate_number_keys() -> None:
    account = {
        "Name": "株式会社サンプル商事",
        "Website": "https://www.sample.co.jp/",
        "CorporateNumber__c": "7000012050002",
    }

    keys = match_keys(shipped(), "Account", account)

    assert keys["LR_Match_Domain__c"] == "sample.co.jp"
    assert keys["LR_Corporate_Number__c"] == "7000012050002"
    assert keys["LR_Match_Name__c"] == ""
