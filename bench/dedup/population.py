"""Long-tailed name vocabularies for the synthetic 名寄せ benchmark, from name data that packages ship.

Why: at a million records a small vocabulary makes namesakes — two people of one full name at one
company — far more common than real data has, and a matcher is then measured on pairs that nothing
can tell apart. Real names are long-tailed: 佐藤, the commonest Japanese surname, is about 1.5 % of
people, the 500th about 0.02 %; given names are even more diverse. So here:

* **Japanese surnames**: the curated ``vocabulary.FAMILIES`` (commonest first) followed by the other
  surnames of the ``gimei`` package (MIT; kanji, hiragana, katakana: about 500 in all), drawn with
  Zipf-like weights ``rank ** -0.6`` (佐藤 about 3 % here: the list lacks the real tail of some
  100,000 rarer surnames, so surname collisions stay commoner than in real data).
* **Japanese given names**: the curated ``vocabulary.GIVENS`` first, then gimei's 2,500 male and
  10,700 female given names (many kanji for one reading: 彩/綾, 舞/麻衣), in a seeded order, with
  weights ``rank ** -0.7`` per gender.
* **English names**: the 1990 US Census frequencies that the ``names`` package (MIT) ships (88,799
  surnames, 5,494 given names), drawn in proportion to them.
* **Readings** are the data's own katakana (how the person writes their name, not pykakasi's
  guess of the kanji), and the romaji is that katakana in passport Hepburn (伊藤 → Ito, 翔太 → Shota,
  純平 → Jumpei). Where pykakasi reads an unusual kanji name otherwise, the kana and romaji
  duplicates show it as lost recall, as real data would.

Both packages are benchmark dependencies only (``pyproject.toml``'s ``dev`` extra), never the
functions'.
"""

from __future__ import annotations

import random
import re
from bisect import bisect
from functools import cache, lru_cache
from importlib import resources
from itertools import accumulate
from typing import Any

import yaml

from bench.dedup import vocabulary as v

Name = tuple[str, str, str]
"""Kanji (or English), katakana reading (or English), romaji (or English)."""
_ORDER_SEED = 1912
SURNAME_EXPONENT = 0.6
"""The 10 commonest surnames are about a fifth of people here (about a tenth in Japan: the list has
no tail of rarer names, so surname collisions are commoner than real)."""
GIVEN_EXPONENT = 0.7
"""The 100 commonest given names of a gender are a fifth (female) to a third (male) of people, as in
Japan's birth-name rankings; the rest are spread over thousands of rarer names."""


class Weighted:
    """A list drawn from with fixed weights (one ``rng.random()`` and a bisection per draw)."""

    def __init__(self, items: list[Name], weights: list[float]) -> None:
        self.items = items
        self.cumulative = list(accumulate(weights))

    def pick(self, rng: random.Random) -> Name:
        """One item, in proportion to its weight."""
        return self.items[bisect(self.cumulative, rng.random() * self.cumulative[-1])]

    def __len__(self) -> int:
        return len(self.items)


def zipf(items: list[Name], exponent: float) -> Weighted:
    """``items`` (commonest first) with weights ``rank ** -exponent``."""
    return Weighted(items, [rank**-exponent for rank in range(1, len(items) + 1)])


@lru_cache(maxsize=1)
def _kakasi() -> Any:
    import pykakasi  # the benchmark's reading of katakana into romaji (not the matcher's code)

    return pykakasi.Kakasi()  # type: ignore[no-untyped-call]


_PASSPORT = (("ou", "o"), ("oo", "o"), ("uu", "u"), ("'", ""), ("nb", "mb"), ("nm", "mm"), ("np", "mp"))
_NOT_LETTER = re.compile(r"[^a-z]")


@cache
def passport(katakana: str) -> str:
    """The romaji a Japanese passport (and most business cards) gives a katakana name: Hepburn,
    long vowels dropped (イトウ → Ito), ン before b/m/p as m (ジュンペイ → Jumpei)."""
    text = "".join(part["hepburn"] for part in _kakasi().convert(katakana))
    for before, after in _PASSPORT:
        text = text.replace(before, after)
    return _NOT_LETTER.sub("", text.lower()).capitalize()


def _gimei() -> dict[str, Any]:
    data = resources.files("gimei").joinpath("data/names.yml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = yaml.load(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    return loaded


def _japanese(curated: list[Name], extra: list[list[str]], shuffle: bool) -> list[Name]:
    seen = {name[0] for name in curated}
    rest = [(kanji, kana, "") for kanji, _, kana in extra if kanji not in seen]
    rest = list({name[0]: name for name in rest}.values())
    if shuffle:
        random.Random(_ORDER_SEED).shuffle(rest)
    return curated + rest


def _census(name: str) -> Weighted:
    text = resources.files("names").joinpath(name).read_text(encoding="ascii")
    items: list[Name] = []
    weights: list[float] = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2 and float(parts[1]) > 0:
            word = parts[0].capitalize()
            items.append((word, word, word))
            weights.append(float(parts[1]))
    return Weighted(items, weights)


class Population:
    """The weighted vocabularies, loaded once per process (``population()``)."""

    def __init__(self) -> None:
        data = _gimei()
        self.families = zipf(_japanese(v.FAMILIES, data["last_name"], shuffle=False), SURNAME_EXPONENT)
        curated = {"male": v.GIVENS[:21], "female": v.GIVENS[21:]}
        self.givens = {
            gender: zipf(_japanese(curated[gender], data["first_name"][gender], shuffle=True), GIVEN_EXPONENT)
            for gender in ("male", "female")
        }
        self.en_last = _census("dist.all.last")
        self.en_first = {"male": _census("dist.male.first"), "female": _census("dist.female.first")}

    @staticmethod
    def romanised(name: Name) -> Name:
        """The name with its romaji (the passport form of its katakana) filled in."""
        return name if name[2] else (name[0], name[1], passport(name[1]))

    def japanese(self, rng: random.Random) -> tuple[Name, Name]:
        """A Japanese person's (family, given)."""
        gender = "male" if rng.random() < 0.5 else "female"
        family, given = self.families.pick(rng), self.givens[gender].pick(rng)
        return self.romanised(family), self.romanised(given)

    def english(self, rng: random.Random) -> tuple[Name, Name]:
        """An English-speaking person's (family, given)."""
        gender = "male" if rng.random() < 0.5 else "female"
        return self.en_last.pick(rng), self.en_first[gender].pick(rng)

    def company_prefixes(self) -> list[Name]:
        """What a Japanese company is named after: a place, or a founder's surname (the commonest)."""
        return v.JP_PLACES + [self.romanised(name) for name in self.families.items[:500]]

    def english_company_prefixes(self) -> list[str]:
        """What an English company is named after: a word, or a founder's surname (the commonest)."""
        return v.EN_COMPANY_FIRST + [name[0] for name in self.en_last.items[:3000]]


@cache
def population() -> Population:
    """The vocabularies (a second or so to load; cached)."""
    return Population()
