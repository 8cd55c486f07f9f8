"""Readings of Japanese text through pykakasi: kanji/kana → hiragana and Hepburn romaji.

pykakasi ships its dictionary in the wheel (no MeCab, no system package). Loading it whole costs about
half a second and ~100 MB (the deployed processor reads it per character instead, see
:func:`before_loading_dictionary`), so its converter is built on the first text that needs it — one
with a character outside printable ASCII (kanji, kana, accented Latin) — and never for romaji or
digits alone, whose readings are the text itself (pykakasi returns printable ASCII unchanged;
tests/matching/test_readings.py holds it to that). Readings are cached because names repeat.
"""

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

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


_before_loading: list[Callable[[], object]] = []


def before_loading_dictionary(prepare: Callable[[], object]) -> None:
    """Run ``prepare`` once, just before pykakasi's converter is first built (the composition root hands
    pykakasi a dictionary read per character: ``leadrelay.adapters.reading_dictionary.install``)."""
    if prepare not in _before_loading:
        _before_loading.append(prepare)


@lru_cache(maxsize=1)
def _converter() -> Any:
    for prepare in _before_loading:
        prepare()
    import pykakasi  # with its dictionary; its deprecated v1 API (and wrapt) stays unloaded: deferred_modules

    return pykakasi.Kakasi()  # type: ignore[no-untyped-call]  # the v2 API: convert() → hira, hepburn


def needs_dictionary(text: str) -> bool:
    """Whether reading ``text`` needs pykakasi's dictionary (anything but printable ASCII does)."""
    return not (text.isascii() and text.isprintable())


def dictionary_loaded() -> bool:
    """Whether this process has built pykakasi's converter (loaded its dictionary) yet."""
    return _converter.cache_info().currsize > 0


@lru_cache(maxsize=65536)
def hiragana(value: str) -> str:
    """The hiragana reading of ``value`` (romaji and digits pass through)."""
    if not needs_dictionary(value):
        return value
    return "".join(part["hira"] for part in _converter().convert(value))


@lru_cache(maxsize=65536)
def romaji(value: str) -> str:
    """A comparable romaji key: Hepburn reading, lower case, letters and digits only, variants folded.

    ``山田太郎``, ``やまだたろう`` and ``Yamada Taro`` give ``yamadataro``; ``Shoji``, ``shouji`` and
    ``syoji`` all give ``syozi``.
    """
    text = fold(value)
    raw = "".join(part["hepburn"] for part in _converter().convert(text)) if needs_dictionary(text) else text
    key = _TRAILING_OH.sub("o", _NON_ALNUM.sub("", raw.lower()))
    for before, after in _ROMAJI_FOLDS:
        key = key.replace(before, after)
    return key
