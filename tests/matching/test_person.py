"""Person names: either order, with or without a space, kanji against kana and romaji."""

import pytest
from leadrelay.domain.matching.person import normalise_person

YAMADA = [
    "山田 太郎",
    "山田太郎",
    "山田　太郎",
    "やまだ たろう",
    "ヤマダ タロウ",
    "ﾔﾏﾀﾞ ﾀﾛｳ",
    "Taro Yamada",
    "YAMADA Taro",
    "Yamada, Taro",
    "Tarou Yamada",
]


@pytest.mark.parametrize("spelling", YAMADA)
def test_every_spelling_of_yamada_taro_matches_the_kanji(spelling: str) -> None:
    assert normalise_person(spelling).matches(normalise_person("山田 太郎"))


@pytest.mark.parametrize("spelling", YAMADA)
def test_every_spelling_matches_the_kanji_without_a_space(spelling: str) -> None:
    assert normalise_person(spelling).matches(normalise_person("山田太郎"))


def test_a_different_person_does_not_match() -> None:
    assert not normalise_person("山田 花子").matches(normalise_person("山田 太郎"))


def test_japanese_script_with_a_space_is_family_first() -> None:
    name = normalise_person("山田 太郎")
    assert (name.family, name.given) == ("山田", "太郎")


def test_romaji_family_in_capitals_is_the_family_name_whichever_side() -> None:
    assert normalise_person("Taro YAMADA").family == "yamada"


def test_romaji_with_a_comma_is_family_first() -> None:
    assert normalise_person("Yamada, Taro").given == "taro"


def test_order_is_undecided_without_a_signal() -> None:
    name = normalise_person("Taro Yamada")
    assert (name.family, name.given) == (None, None)


def test_order_is_undecided_for_kanji_without_a_space() -> None:
    assert normalise_person("山田太郎").family is None


@pytest.mark.parametrize(
    ("old", "common"),
    [
        ("髙橋 一郎", "高橋 一郎"),
        ("山﨑 誠", "山崎 誠"),
        ("齋藤 花子", "斎藤 花子"),
        ("渡邊 健", "渡辺 健"),
        ("澤田 愛", "沢田 愛"),
    ],
)
def test_old_and_variant_kanji_fold_to_the_common_form(old: str, common: str) -> None:
    assert normalise_person(old).name == normalise_person(common).name


def test_a_trailing_oh_spelling_matches_the_long_vowel() -> None:
    assert normalise_person("Satoh Hanako").matches(normalise_person("佐藤 花子"))
