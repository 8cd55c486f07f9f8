"""Company names: legal forms JP/EN before or after the name; kanji, kana and romaji comparable."""

import pytest
from leadrelay.domain.matching.company import normalise_company

SAMPLE_SPELLINGS = [
    "㈱サンプル商事",
    "株式会社サンプル商事",
    "サンプル商事(株)",
    "（株）サンプル商事",
    "サンプル商事 株式会社",
]


@pytest.mark.parametrize("spelling", SAMPLE_SPELLINGS)
def test_japanese_legal_forms_before_or_after_share_one_key(spelling: str) -> None:
    assert normalise_company(spelling).key == "さんぷる商事"


@pytest.mark.parametrize(
    "spelling",
    [
        "有限会社テスト",
        "(有)テスト",
        "テスト合同会社",
        "一般社団法人テスト",
        "医療法人 テスト",
        "カブシキガイシャテスト",
    ],
)
def test_other_japanese_legal_forms_are_stripped(spelling: str) -> None:
    assert normalise_company(spelling).key == "てすと"


@pytest.mark.parametrize("spelling", ["ｶ)ﾃｽﾄ", "ﾃｽﾄ(ｶ", "カ)テスト"])
def test_bank_style_kana_legal_form_is_stripped(spelling: str) -> None:
    assert normalise_company(spelling).key == "てすと"


@pytest.mark.parametrize(
    "spelling",
    [
        "Sample Shoji K.K.",
        "SAMPLE SHOJI CO., LTD.",
        "Sample Shoji Inc.",
        "The Sample Shoji Corp.",
        "Sample Shoji LLC",
        "Sample Shoji GmbH",
        "Sample Shoji Kabushiki Kaisha",
    ],
)
def test_english_legal_forms_are_stripped(spelling: str) -> None:
    assert normalise_company(spelling).key == "sampleshoji"


def test_a_name_that_is_only_a_legal_word_keeps_it() -> None:
    assert normalise_company("The Company").name == "company"


def test_half_width_katakana_reads_like_the_kanji_name() -> None:
    assert normalise_company("ｻﾝﾌﾟﾙｼｮｳｼﾞ").reading == normalise_company("株式会社サンプル商事").reading


def test_romaji_reading_matches_the_kana_reading() -> None:
    assert normalise_company("Sanpuru Shouji K.K.").reading == normalise_company("サンプル商事(株)").reading


@pytest.mark.parametrize(
    "spelling", [*SAMPLE_SPELLINGS, "ｻﾝﾌﾟﾙｼｮｳｼﾞ", "Sample Shoji K.K.", "SAMPLE SHOJI CO., LTD."]
)
def test_every_script_shares_the_sound_blocking_key(spelling: str) -> None:
    assert normalise_company(spelling).sound == normalise_company("株式会社サンプル商事").sound


def test_different_companies_do_not_share_a_reading() -> None:
    assert normalise_company("株式会社山田製作所").reading != normalise_company("株式会社田中製作所").reading


def test_variant_kanji_in_a_company_name_fold() -> None:
    assert normalise_company("髙島屋株式会社").key == normalise_company("高島屋(株)").key


def test_a_long_vowel_mark_reads_like_the_vowel() -> None:
    assert normalise_company("サンプルショージ株式会社").reading == normalise_company("サンプル商事").reading
