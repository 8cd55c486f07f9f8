"""How alike two person names read, knowing what a kanji reading can and cannot tell.

* Both names written in kanji: the kanji decide (folded for variants, 髙 = 高). 石田舞 and 石田麻衣
  read alike (いしだまい) but are two people: a reading must not make them one.
* Otherwise the romaji readings (``readings.romaji``), in either order, by optimal-string-alignment
  similarity (1 − edits / length, a transposition one edit): one typo in a ten-letter name is 0.9.
  Two Latin names are also compared letter for letter, and the better counts: the Hepburn folds
  that make Shouta and Shota one (chi → ti, jo → zyo) would turn one typo in Chloe or John into
  several edits.
* A family name in kanji has more readings than the dictionary's one: 山村 is read as a word
  (さんそん) but as a name やまむら, its characters' own readings one after the other. Both are
  tried against kana or romaji (``_family_readings``); a name read neither way stays different.
* A given name in kanji against kana or romaji cannot be verified: the reading library gives one
  reading, names have several (大樹 is だいき or たいき, 千尋 ちひろ). When the family names agree, the
  similarity is ``FAMILY_ONLY`` (0.8): the family is confirmed, the given name is not contradicted.
  Surnames have several readings too (平野 ひらの or へいや, 東 ひがし or あずま, 新田 にった or しんでん),
  so the converse is the same 0.8: the given names read alike and the family name in kanji, against
  kana or romaji, is read otherwise — one part confirmed, the other unverifiable. The shipped rules
  merge that level only with more evidence (the same personal mailbox, a direct line and the
  company); alone it is at most a candidate.
"""

from __future__ import annotations

import re
from functools import lru_cache

from leadrelay.domain.matching.readings import romaji
from leadrelay.domain.matching.record import MatchRecord
from leadrelay.domain.matching.similarity import edit_similarity
from leadrelay.domain.matching.text import compact

FAMILY_ONLY = 0.8
# One pattern for "any kanji" (search) and "all kanji" (fullmatch): a class this wide costs `re`
# about 2 ms to compile, and a cold start pays for each one.
_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆]+")
_NOT_LETTER = re.compile(r"[^a-z]")
Parts = tuple[str, str]


def name_parts(record: MatchRecord) -> Parts | None:
    """(family, given) as written: the LastName/FirstName fields, or a full name split in two."""
    last, first = record.get("last_name"), record.get("first_name")
    if last and first:
        return compact(last), compact(first)
    person = record.person
    if person is not None and person.family and person.given:
        return person.family, person.given
    return None


def _all_kanji(text: str) -> bool:
    return _KANJI.fullmatch(text) is not None


@lru_cache(maxsize=65536)
def _reading(text: str) -> str:
    return romaji(text)


@lru_cache(maxsize=65536)
def _family_readings(text: str) -> tuple[str, ...]:
    """The dictionary reading of a family name and, for two or more kanji, their readings one by one
    (山村: sanson as a word, yama + mura as a name; 上村 kamimura or ue + mura)."""
    whole = _reading(text)
    if len(text) < 2 or not _all_kanji(text) or "々" in text:
        return (whole,)
    by_character = "".join(_reading(character) for character in text)
    return (whole, by_character) if by_character != whole else (whole,)


def _parts_similarity(a: Parts, b: Parts) -> float:
    if _all_kanji(a[0] + a[1]) and _all_kanji(b[0] + b[1]):
        return edit_similarity(a[0] + a[1], b[0] + b[1])
    families_a, families_b = _family_readings(a[0]), _family_readings(b[0])
    family = not set(families_a).isdisjoint(families_b)
    given_a, given_b = _reading(a[1]), _reading(b[1])
    whole = max(edit_similarity(x + given_a, y + given_b) for x in families_a for y in families_b)
    if whole < 1.0 and (a[0] + a[1] + b[0] + b[1]).isascii():
        # Latin on both sides: a typo is one edit of the letters as written; the Hepburn folds
        # (chi → ti, jo → zyo) would make it several (Chloe/Chole, John/Jhn).
        whole = max(whole, edit_similarity(_letters(a), _letters(b)))
    if family and whole < 1.0 and bool(_KANJI.search(a[1])) != bool(_KANJI.search(b[1])):
        return max(whole, FAMILY_ONLY)
    if given_a == given_b and whole < 1.0 and bool(_KANJI.search(a[0])) != bool(_KANJI.search(b[0])):
        return max(whole, FAMILY_ONLY)  # the given name confirmed, the family in kanji read otherwise
    return whole


def _letters(parts: Parts) -> str:
    return _NOT_LETTER.sub("", (parts[0] + parts[1]).lower())


def name_similarity(a: MatchRecord, b: MatchRecord) -> float | None:
    """Similarity in [0, 1] of the two people's names, in the better of both orders (None: no name)."""
    left, right = name_parts(a), name_parts(b)
    if left is None or right is None:
        if a.person is None or b.person is None:
            return None
        return max(edit_similarity(x, y) for x in a.person.keys for y in b.person.keys)
    return max(_parts_similarity(left, right), _parts_similarity(left, (right[1], right[0])))
