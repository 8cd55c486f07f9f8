"""Readings of Japanese text through pykakasi: kanji/kana → hiragana and Hepburn romaji.

pykakasi ships its dictionary in the wheel (no MeCab, no system package). Its converter is built
once, on first use, and readings are cached because names repeat.
"""

import re
from functools import lru_cache
from typing import Any

import pykakasi

from leadrelay.domain.matching.text import fold

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_TRAILING_OH = re.compile(r"oh(?![aeiouy])")  # Satoh, Itoh
# Hepburn variants that people write for one sound: long vowels and ou/oo/o, tsu/tu, shi/si...
_ROMAJI_FOLDS = (
    ("ou", "o"),
    ("oo", "o"),
    ("uu", "u"),
    ("shi", "si"),
    ("chi", "ti"),
    ("tsu", "tu"),
    ("sha", "sya"),
    ("shu", "syu"),
    ("sho", "syo"),
    ("ja", "zya"),
    ("ju", "zyu"),
    ("jo", "zyo"),
    ("ji", "zi"),
    ("fu", "hu"),
    ("cha", "tya"),
    ("chu", "tyu"),
    ("cho", "tyo"),
    ("nm", "mm"),
    ("mb", "nb"),
    ("mp", "np"),
)


@lru_cache(maxsize=1)
def _converter() -> Any:
    return pykakasi.kakasi()  # type: ignore[no-untyped-call]


@lru_cache(maxsize=65536)
def hiragana(value: str) -> str:
    """The hiragana reading of ``value`` (romaji and digits pass through)."""
    return "".join(part["hira"] for part in _converter().convert(value))


@lru_cache(maxsize=65536)
def romaji(value: str) -> str:
    """A comparable romaji key: Hepburn reading, lower case, letters and digits only, variants folded.

    ``山田太郎``, ``やまだたろう`` and ``Yamada Taro`` give ``yamadataro``; ``Shoji``, ``shouji`` and
    ``syoji`` all give ``syozi``.
    """
    raw = "".join(part["hepburn"] for part in _converter().convert(fold(value)))
    key = _TRAILING_OH.sub("o", _NON_ALNUM.sub("", raw.lower()))
    for before, after in _ROMAJI_FOLDS:
        key = key.replace(before, after)
    return key
