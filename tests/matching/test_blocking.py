"""Blocking keys: which records are compared at all."""

from __future__ import annotations

from leadrelay.domain.matching.match_rules import candidate_pairs

from tests.matching.rules_builders import shipped


def _keys(record: dict[str, str]) -> list[str]:
    rules = shipped()
    return rules.pair("lead_lead").blocking_keys(rules.record("Lead", record))


def test_spellings_of_one_person_share_a_key_across_scripts() -> None:
    card = _keys({"LastName": "山田", "FirstName": "太郎", "Company": "㈱サンプル商事"})
    form = _keys({"FirstName": "Taro", "LastName": "Yamada", "Company": "Sample Shoji K.K."})

    assert set(card) & set(form)


def test_role_mailboxes_and_switchboards_give_no_key() -> None:
    keys = _keys({"Email": "info@sample.co.jp", "Phone": "03-1234-0000"})

    assert keys == []


def test_a_personal_email_and_a_direct_line_do() -> None:
    keys = _keys({"Email": "taro.yamada@sample.co.jp", "Phone": "03-1234-5678"})

    assert keys == ["0:taro.yamada@sample.co.jp", "1:+81312345678"]


def test_a_key_shared_by_too_many_records_is_not_used() -> None:
    rules = shipped()
    matcher = rules.pair("lead_lead")
    same_line = [rules.record("Lead", {"Phone": "03-1234-5678", "LastName": f"L{i}"}) for i in range(5)]

    assert len(list(candidate_pairs(matcher, same_line, max_block=5))) == 10
    assert list(candidate_pairs(matcher, same_line, max_block=4)) == []
