"""Text folding shared by every normaliser: NFKC, width, kana, spaces, variant kanji."""

import re
import unicodedata
from functools import lru_cache

import jaconv

# Old and variant kanji (異体字) common in family and company names, mapped to the form used in
# everyday print. No maintained PyPI source covers name itaiji, so this table is deliberately small:
# add a pair only when a real record needs it.
_VARIANT_KANJI = str.maketrans(
    {
        "髙": "高",
        "﨑": "崎",
        "嵜": "崎",
        "齋": "斎",
        "齊": "斉",
        "邊": "辺",
        "邉": "辺",
        "澤": "沢",
        "濱": "浜",
        "濵": "浜",
        "廣": "広",
        "國": "国",
        "櫻": "桜",
        "藏": "蔵",
        "德": "徳",
        "惠": "恵",
        "眞": "真",
        "萬": "万",
        "龍": "竜",
        "桒": "桑",
        "冨": "富",
        "槇": "槙",
        "實": "実",
        "關": "関",
        "會": "会",
        "黑": "黒",
    }
)

_SPACES = re.compile(r"[\s\u3000\u00a0\u200b\u2002-\u200a\u202f\u205f]+")
_PUNCT = re.compile(r"[・･·\.\,、。,'’`\"\-‐‑–—―~〜_/&＆()\[\]{}「」『』【】<>!?:;]+")


@lru_cache(maxsize=65536)
def fold(value: str) -> str:
    """NFKC (full/half width, ㈱ → (株)), variant kanji, katakana → hiragana, lower case, one space."""
    text = unicodedata.normalize("NFKC", value)
    text = text.translate(_VARIANT_KANJI)
    text = jaconv.kata2hira(text)
    return _SPACES.sub(" ", text).strip().lower()


def compact(value: str) -> str:
    """``fold`` without spaces or punctuation: the form two spellings of one name share.

    The long-vowel mark ー is kept (コーヒー is not コヒ); ``readings.romaji`` is where ー and ウ meet.
    """
    return _PUNCT.sub("", fold(value).replace(" ", ""))


def tokens(value: str) -> list[str]:
    """The space-separated words of ``fold(value)``, punctuation removed from each."""
    return [word for word in (_PUNCT.sub("", part) for part in fold(value).split(" ")) if word]
