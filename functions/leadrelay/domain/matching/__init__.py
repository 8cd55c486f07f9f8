"""Normalisers for matching leads to people and companies (名寄せ): pure, no I/O, no clock.

Each module turns one kind of value into comparable keys and says how strong the evidence is:
``text`` (width, kana, spaces, variant kanji), ``readings`` (kanji → kana/romaji via pykakasi),
``company``, ``person``, ``email``, ``phone`` and ``corporate_number``. See docs/matching.md.
"""

from enum import StrEnum


class Strength(StrEnum):
    """How much a matching key says about identity (docs/matching.md)."""

    STRONG = "strong"
    MEDIUM = "medium"
    WEAK = "weak"
