"""Each comparison method: the level two records reach, and the similarity for fuzzy methods."""

from __future__ import annotations

import pytest

from tests.matching.rules_builders import level

YAMADA = {"LastName": "山田", "FirstName": "太郎", "Company": "株式会社サンプル商事"}


def test_exact_compares_the_raw_value() -> None:
    assert level({"method": "exact", "field": "title"}, {"Title": "部長"}, {"Title": "部長"})[0] == "same"
    assert (
        level({"method": "exact", "field": "title"}, {"Title": "部長"}, {"Title": "ＰＭ"})[0] == "different"
    )


def test_normalised_exact_folds_width_and_punctuation() -> None:
    assert level(
        {"method": "normalised", "field": "postal_code"},
        {"PostalCode": "１００-０００１"},
        {"PostalCode": "1000001"},
    ) == ("same", None)


def test_normalised_company_ignores_the_legal_form() -> None:
    a, b = {"Company": "㈱サンプル商事"}, {"Company": "サンプル商事株式会社"}
    assert level({"method": "normalised", "field": "company"}, a, b)[0] == "same"


def test_a_missing_value_is_missing_not_different() -> None:
    assert level({"method": "exact", "field": "title"}, {"Title": "部長"}, {})[0] == "missing"


def test_jaro_winkler_on_english_names() -> None:
    comparison = {"method": "jaro_winkler", "field": "name", "levels": {"close": 0.9}}
    found, similarity = level(
        comparison,
        {"FirstName": "Jonathan", "LastName": "Smith"},
        {"FirstName": "Jonathon", "LastName": "Smith"},
    )
    assert found == "close"
    assert similarity is not None
    assert similarity > 0.9


def test_token_set_ignores_word_order_and_extra_words() -> None:
    comparison = {"method": "token_set", "field": "company", "levels": {"same": 1.0}}
    assert (
        level(comparison, {"Company": "Blue Ridge Analytics Inc."}, {"Company": "Analytics Blue Ridge"})[0]
        == "same"
    )


def test_reading_meets_kanji_kana_and_romaji_in_either_order() -> None:
    comparison = {"method": "reading", "field": "name", "levels": {"exact": 1.0}}
    for other in ({"LastName": "ヤマダ", "FirstName": "タロウ"}, {"FirstName": "Yamada", "LastName": "Taro"}):
        assert level(comparison, YAMADA, other) == ("exact", 1.0)


def test_two_kanji_names_that_only_sound_alike_are_different() -> None:
    comparison = {"method": "reading", "field": "name", "levels": {"exact": 1.0, "close": 0.85}}
    found, _ = level(
        comparison, {"LastName": "石田", "FirstName": "舞"}, {"LastName": "石田", "FirstName": "麻衣"}
    )
    assert found == "different"


def test_a_kanji_given_name_against_its_kana_confirms_only_the_family() -> None:
    comparison = {"method": "reading", "field": "name", "levels": {"exact": 1.0, "family": 0.8}}
    found, similarity = level(
        comparison, {"LastName": "山本", "FirstName": "大樹"}, {"LastName": "ヤマモト", "FirstName": "ダイキ"}
    )
    assert (found, similarity) == ("family", 0.8)


def test_reading_of_company_names_across_scripts() -> None:
    comparison = {"method": "reading", "field": "company", "levels": {"exact": 1.0}}
    assert level(comparison, {"Company": "未来技研株式会社"}, {"Company": "Mirai Giken K.K."})[0] == "exact"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ({"Phone": "03-1234-5678"}, {"Phone": "+81 3 1234 5678"}, "same_direct"),
        ({"Phone": "03-1234-0000"}, {"Phone": "0312340000"}, "same_switchboard"),
        ({"Phone": "03-1234-5678 内線12"}, {"Phone": "03-1234-5678 内線34"}, "same_switchboard"),
        ({"MobilePhone": "090-1111-2222"}, {"Phone": "090 1111 2222"}, "same_direct"),
        ({"Phone": "03-1234-5678"}, {"Phone": "06-1234-5678"}, "different_direct"),
        ({"MobilePhone": "090-1111-2222"}, {"MobilePhone": "080-3333-4444"}, "different_direct"),
        ({"Phone": "03-1234-5678"}, {"MobilePhone": "090-1111-2222"}, "different"),
        ({"Phone": "03-1234-0000"}, {"Phone": "06-1234-0000"}, "different"),
    ],
)
def test_phone(a: dict[str, str], b: dict[str, str], expected: str) -> None:
    assert level({"method": "phone"}, a, b)[0] == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Taro.Yamada+event@Sample.co.jp", "taro.yamada@sample.co.jp", "same_personal"),
        ("info@sample.co.jp", "INFO@sample.co.jp", "same_role"),
        ("eigyo@sample.co.jp", "eigyo@sample.co.jp", "same_role"),
        ("t.yamada@sample.co.jp", "h.suzuki@sample.co.jp", "same_domain"),
        ("t.yamada@sample.co.jp", "t.yamda@sample.co.jp", "typo"),
        ("taro@gmail.com", "hanako@gmail.com", "different"),
    ],
)
def test_email(a: str, b: str, expected: str) -> None:
    assert level({"method": "email"}, {"Email": a}, {"Email": b})[0] == expected


def test_domain_from_the_email_or_the_website_but_not_free_mail() -> None:
    assert (
        level(
            {"method": "domain"}, {"Email": "t@tokyo.sample.co.jp"}, {"Website": "https://www.sample.co.jp/"}
        )[0]
        == "same"
    )
    assert level({"method": "domain"}, {"Email": "t@gmail.com"}, {"Email": "h@gmail.com"})[0] == "missing"


def test_corporate_number_needs_a_valid_check_digit() -> None:
    assert (
        level(
            {"method": "corporate_number"},
            {"CorporateNumber__c": "4011001098993"},
            {"CorporateNumber__c": "４０１１００１０９８９９３"},
        )[0]
        == "same"
    )
    assert (
        level(
            {"method": "corporate_number"},
            {"CorporateNumber__c": "4011001098993"},
            {"CorporateNumber__c": "5011001098993"},
        )[0]
        == "missing"
    )
