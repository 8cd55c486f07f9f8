"""Text folding: NFKC, width, kana, spaces."""

from leadrelay.domain.matching.text import compact, fold


def test_full_width_latin_and_digits_become_ascii() -> None:
    assert fold("ＡＢＣ１２３") == "abc123"


def test_half_width_katakana_becomes_full_width_hiragana() -> None:
    assert fold("ｻﾝﾌﾟﾙ") == "さんぷる"


def test_katakana_and_hiragana_fold_together() -> None:
    assert fold("サンプル") == fold("さんぷる")


def test_ideographic_and_other_spaces_become_one_space() -> None:
    assert fold("山田\u3000\u00a0 太郎") == "山田 太郎"


def test_compact_drops_spaces_and_punctuation() -> None:
    assert compact("サンプル・ホールディングス") == compact("サンプルホールディングス")


def test_compact_keeps_the_long_vowel_mark() -> None:
    assert compact("コーヒー") != compact("コヒ")
