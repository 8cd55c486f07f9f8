"""The shipped match rules decide match, candidate or distinct, with the reasons, on realistic records.

"Never merge two different people" first: colleagues sharing a company, a switchboard, an address
and a domain, namesakes at other companies and a shared role mailbox stay distinct.
"""

from __future__ import annotations

from leadrelay.domain.dedup_rules import Outcome

from tests.matching.rules_builders import decide

CARD = {"LastName": "山田", "FirstName": "太郎", "Company": "㈱サンプル商事", "Phone": "03-1234-5678"}
WEB_FORM = {
    "FirstName": "Taro",
    "LastName": "Yamada",
    "Company": "Sample Shoji K.K.",
    "Email": "taro.yamada@sample.co.jp",
    "Phone": "+81 3-1234-5678",
}
SAMPLE = {"Company": "株式会社サンプル商事", "Phone": "03-1234-0000", "PostalCode": "100-0001"}


def test_a_business_card_and_a_web_form_of_one_person_match_with_their_reasons() -> None:
    decision = decide(CARD, WEB_FORM)

    assert decision.outcome is Outcome.MATCH
    assert decision.rule is None
    assert decision.level("person") == "exact"
    assert decision.level("phone") == "same_direct"
    assert decision.score >= 9
    assert "person exact 1.00 +6" in decision.describe()


def test_the_same_personal_email_with_the_name_in_kana_matches_by_rule() -> None:
    a = {"LastName": "髙橋", "FirstName": "美咲", "Email": "misaki.takahashi@mirai-giken.co.jp"}
    b = {"LastName": "タカハシ", "FirstName": "ミサキ", "Email": "Misaki.Takahashi+seminar@mirai-giken.co.jp"}

    decision = decide(a, b)

    assert (decision.outcome, decision.rule) == (Outcome.MATCH, "same_personal_email")


def test_a_second_email_at_gmail_matches_on_name_and_company() -> None:
    a = {
        "LastName": "佐藤",
        "FirstName": "健",
        "Email": "ken.sato@tokyo-seisakusho.co.jp",
        "Company": "株式会社東京製作所",
    }
    b = {"LastName": "佐藤", "FirstName": "健", "Email": "kensato1980@gmail.com", "Company": "東京製作所(株)"}

    assert decide(a, b).outcome is Outcome.MATCH


def test_swapped_first_and_last_name_fields_still_match() -> None:
    a = {
        "LastName": "Carter",
        "FirstName": "Emily",
        "Company": "Acme Corp.",
        "Email": "emily.carter@acme.com",
    }
    b = {
        "LastName": "Emily",
        "FirstName": "Carter",
        "Company": "ACME Corporation",
        "Email": "emily.carter@acme.com",
    }

    assert decide(a, b).outcome is Outcome.MATCH


def test_a_name_typo_with_only_the_company_agreeing_is_a_candidate_for_review() -> None:
    a = {"LastName": "Yamamoto", "FirstName": "Kenichi", "Company": "Sakura Trading"}
    b = {"LastName": "Yamamoto", "FirstName": "Kenich", "Company": "Sakura Trading Co., Ltd."}

    decision = decide(a, b)

    assert decision.outcome is Outcome.CANDIDATE
    assert decision.level("person") == "close"


def test_colleagues_sharing_company_switchboard_address_and_domain_are_distinct() -> None:
    a = {"LastName": "山田", "FirstName": "太郎", "Email": "t.yamada@sample.co.jp", **SAMPLE}
    b = {"LastName": "鈴木", "FirstName": "一郎", "Email": "i.suzuki@sample.co.jp", **SAMPLE}

    decision = decide(a, b)

    assert (decision.outcome, decision.rule) == (Outcome.DISTINCT, "different_person")
    assert decision.level("phone") == "same_switchboard"


def test_two_people_behind_one_role_mailbox_are_distinct() -> None:
    a = {"LastName": "中村", "FirstName": "愛", "Email": "eigyo@nihon-butsuryu.co.jp"}
    b = {"LastName": "小林", "FirstName": "翔太", "Email": "eigyo@nihon-butsuryu.co.jp"}

    decision = decide(a, b)

    assert decision.outcome is Outcome.DISTINCT
    assert decision.level("email") == "same_role"


def test_a_namesake_at_another_company_is_distinct() -> None:
    a = {
        "LastName": "山田",
        "FirstName": "太郎",
        "Email": "taro.yamada@sample.co.jp",
        "Company": "株式会社サンプル商事",
    }
    b = {
        "LastName": "山田",
        "FirstName": "太郎",
        "Email": "yamada@kansai-denki.co.jp",
        "Company": "関西電機株式会社",
    }

    assert decide(a, b).outcome is Outcome.DISTINCT


def test_another_address_at_the_same_domain_without_a_shared_direct_line_is_for_review() -> None:
    """Two people of one full name at one company each have a mailbox there: a false merge would
    misroute an MQL, so one name with two work addresses is a candidate, not a match."""
    a = {"LastName": "佐藤", "FirstName": "健", "Email": "ken.sato@sample.co.jp", **SAMPLE}
    b = {"LastName": "佐藤", "FirstName": "健", "Email": "k.sato@sample.co.jp", **SAMPLE}

    decision = decide(a, b)

    assert decision.outcome is Outcome.CANDIDATE
    assert decision.level("email") == "same_domain"
    assert decision.rule == "namesakes_at_one_company"


def test_a_numbered_mailbox_is_another_person_not_a_typo() -> None:
    a = {"LastName": "佐藤", "FirstName": "健", "Email": "ken.sato@sample.co.jp", **SAMPLE}
    b = {"LastName": "佐藤", "FirstName": "健", "Email": "ken.sato2@sample.co.jp", **SAMPLE}

    assert decide(a, b).level("email") == "same_domain"


def test_two_work_addresses_and_one_direct_line_are_one_person() -> None:
    a = {
        **SAMPLE,
        "LastName": "佐藤",
        "FirstName": "健",
        "Email": "ken.sato@sample.co.jp",
        "Phone": "03-1234-5678",
    }
    b = {
        **SAMPLE,
        "LastName": "佐藤",
        "FirstName": "健",
        "Email": "k.sato@sample.co.jp",
        "Phone": "0312345678",
    }

    assert decide(a, b).outcome is Outcome.MATCH


def test_a_namesake_with_only_a_name_and_a_free_mail_address_is_not_merged() -> None:
    a = {"LastName": "佐藤", "FirstName": "健", "Email": "ken.sato1975@gmail.com"}
    b = {"LastName": "佐藤", "FirstName": "健", "Email": "sato.k@yahoo.co.jp"}

    assert decide(a, b).outcome is Outcome.DISTINCT


def test_one_address_with_two_different_names_is_flagged_not_merged() -> None:
    a = {"LastName": "山田", "FirstName": "太郎", "Email": "taro.yamada@sample.co.jp"}
    b = {"LastName": "田中", "FirstName": "花子", "Email": "taro.yamada@sample.co.jp"}

    decision = decide(a, b)

    assert (decision.outcome, decision.rule) == (Outcome.CANDIDATE, "different_person_same_mailbox")


def test_a_different_corporate_number_keeps_namesakes_apart() -> None:
    a = {
        "LastName": "山田",
        "FirstName": "太郎",
        "Company": "サンプル商事",
        "CorporateNumber__c": "4011001098993",
    }
    b = {
        "LastName": "山田",
        "FirstName": "太郎",
        "Company": "サンプル商事",
        "CorporateNumber__c": "8700110005901",
    }

    decision = decide(a, b)

    assert decision.outcome is Outcome.DISTINCT


def test_a_lead_matches_its_account_by_name_across_scripts_and_web_domain() -> None:
    lead = {"LastName": "加藤", "Company": "Mirai Giken K.K.", "Email": "kato@mirai-giken.co.jp"}
    account = {"Name": "未来技研株式会社", "Website": "https://www.mirai-giken.co.jp/"}

    decision = decide(lead, account, "lead_account")

    assert decision.outcome is Outcome.MATCH
    assert (decision.level("company"), decision.level("domain")) == ("exact", "same")


def test_the_decision_is_the_same_whichever_record_comes_first() -> None:
    assert decide(CARD, WEB_FORM).to_dict()["outcome"] == decide(WEB_FORM, CARD).to_dict()["outcome"]


def test_a_typo_in_an_english_given_name_on_one_mailbox_is_the_same_person() -> None:
    """Chloe/Chole is one transposition: the Hepburn folds of Japanese readings (chi → ti) must not
    turn it into a different name that only a reviewer could join."""
    mailbox = {"Company": "丸紅協和商事株式会社", "Email": "wilson.chloe@marubeni-kyowa.co.jp"}
    a = {"LastName": "Wilson", "FirstName": "Chloe", **mailbox}
    b = {"LastName": "Wilson", "FirstName": "Chole", **mailbox}

    decision = decide(a, b)

    assert decision.outcome is Outcome.MATCH
    assert decision.level("person") == "close"
    assert decision.rule == "same_personal_email"


def test_two_different_english_given_names_on_one_mailbox_are_still_flagged() -> None:
    a = {"LastName": "Clark", "FirstName": "John", "Email": "clark@anderson-media.com"}
    b = {"LastName": "Clark", "FirstName": "Mary", "Email": "clark@anderson-media.com"}

    decision = decide(a, b)

    assert (decision.outcome, decision.rule) == (Outcome.CANDIDATE, "different_person_same_mailbox")


def test_a_surname_the_dictionary_reads_otherwise_is_one_person_on_one_personal_mailbox() -> None:
    """平野 is ひらの to its bearers, へいや to the reading library: with the given name read alike and
    the same personal address, the romaji card is the same person."""
    a = {
        "LastName": "平野",
        "FirstName": "美咲",
        "Company": "株式会社竹内精機",
        "Email": "misaki.hirano@takeuchi-seiki.co.jp",
    }
    b = {
        "LastName": "Hirano",
        "FirstName": "Misaki",
        "Company": "Takeuchi Seiki Inc.",
        "Email": "misaki.hirano@takeuchi-seiki.co.jp",
    }

    decision = decide(a, b)

    assert (decision.outcome, decision.rule, decision.level("person")) == (
        Outcome.MATCH,
        "same_personal_email",
        "family",
    )


def test_a_given_name_read_alike_with_only_the_company_is_for_review_not_merged() -> None:
    a = {
        "LastName": "東",
        "FirstName": "健太",
        "Company": "野村産業株式会社",
        "Email": "kenta.higashi@gmail.com",
    }
    b = {
        "LastName": "アズマ",
        "FirstName": "ケンタ",
        "Company": "ノムラサンギョウ株式会社",
        "Email": "azuma.k@yahoo.co.jp",
    }

    assert decide(a, b).outcome is not Outcome.MATCH
