"""Company names: legal forms stripped before or after the name, and keys comparable across scripts.

``key`` compares spellings in one script (㈱サンプル商事 = サンプル商事(株) = ｻﾝﾌﾟﾙ商事);
``reading`` compares kanji, kana and romaji through their reading (サンプル商事 = さんぷるしょうじ);
``sound`` is a loose blocking key that also meets an English spelling of a loanword
(Sample Shoji K.K. = サンプル商事): use it to find candidates, never alone to merge.
"""

import re
from functools import lru_cache

from msgspec import Struct

from leadrelay.domain.matching.readings import romaji
from leadrelay.domain.matching.text import compact, fold

# Japanese legal forms, written out, abbreviated in brackets (NFKC turns ㈱ into (株)), in kana and
# in the bank-transfer style (カ) / (カ), folded to hiragana by ``fold``.
_JP_FORMS = [
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "一般社団法人",
    "一般財団法人",
    "公益社団法人",
    "公益財団法人",
    "医療法人社団",
    "医療法人財団",
    "医療法人",
    "社会福祉法人",
    "学校法人",
    "宗教法人",
    "特定非営利活動法人",
    "npo法人",
    "有限責任事業組合",
    "独立行政法人",
    "国立大学法人",
    "かぶしきがいしゃ",
    "かぶしきかいしゃ",
    "ゆうげんがいしゃ",
    "ごうどうがいしゃ",
]
_JP_ABBREVIATIONS = [
    "株",
    "有",
    "同",
    "資",
    "名",
    "社",
    "財",
    "医",
    "福",
    "学",
    "宗",
    "特非",
    "一社",
    "一財",
    "公社",
    "公財",
    "か",
    "ゆ",
    "どう",
]
_JP_BRACKETED = "|".join(re.escape(form) for form in _JP_ABBREVIATIONS)
_JP_PATTERN = re.compile(
    rf"^(?:{'|'.join(_JP_FORMS)})|(?:{'|'.join(_JP_FORMS)})$"
    rf"|\((?:{_JP_BRACKETED})\)|^(?:{_JP_BRACKETED})\)|\((?:{_JP_BRACKETED})$"
)
_EN_SUFFIXES = frozenset(
    [
        "inc",
        "incorporated",
        "co",
        "company",
        "corp",
        "corporation",
        "ltd",
        "limited",
        "llc",
        "llp",
        "lp",
        "plc",
        "gmbh",
        "ag",
        "sa",
        "kk",
        "gk",
        "yk",
        "pte",
        "pty",
        "bv",
        "nv",
        "srl",
        "spa",
        "holdings",
    ]
)
_EN_PHRASES = re.compile(r"\b(?:kabushiki ?kaisha|kabushiki ?gaisha|godo ?kaisha|yugen ?kaisha)\b")
_CONSONANT_FOLDS = str.maketrans({"l": "r", "c": "k", "v": "b", "q": "k", "x": "k"})
_VOWELS = re.compile(r"[aeiouh]+")
_REPEATS = re.compile(r"(.)\1+")


class CompanyName(Struct, frozen=True):
    """A company name without its legal form, and its keys."""

    name: str
    key: str
    reading: str
    sound: str


def _strip_english(text: str) -> str:
    words = [word.replace(".", "").strip(",") for word in _EN_PHRASES.sub(" ", text).split(" ")]
    words = [word for word in words if word]
    if words and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[-1] in _EN_SUFFIXES:
        words.pop()
    return " ".join(words)


def strip_legal_form(value: str) -> str:
    """``value`` folded (see ``text.fold``) without its Japanese or English legal form."""
    text = fold(value)
    previous = None
    while previous != text:
        previous = text
        text = _JP_PATTERN.sub("", text).strip(" ,")
    return _strip_english(text)


def sound_key(reading: str) -> str:
    """A consonant skeleton of a romaji reading: l/r, c/k and long vowels meet (blocking only)."""
    return _REPEATS.sub(r"\1", _VOWELS.sub("", reading.translate(_CONSONANT_FOLDS)))


@lru_cache(maxsize=65536)
def normalise_company(value: str) -> CompanyName:
    """The name without legal form and its comparison keys (see the module docstring)."""
    name = strip_legal_form(value)
    reading = romaji(name)
    return CompanyName(name=name, key=compact(name), reading=reading, sound=sound_key(reading))
