"""Person names in either order, with or without a space, in kanji, kana or romaji.

Japanese script with a space is family-first (山田 太郎); romaji with one word in capitals names the
family in capitals (YAMADA Taro, Taro YAMADA); ``Yamada, Taro`` is family-first. Anything else
(山田太郎, Taro Yamada) leaves family and given undecided. ``keys`` holds the romaji reading of the
name in both orders, so two spellings match when their keys intersect, whatever the order.
"""

from functools import lru_cache

from msgspec import Struct

from leadrelay.domain.matching.readings import romaji
from leadrelay.domain.matching.text import tokens


class PersonName(Struct, frozen=True):
    """A folded name, its family and given parts when decidable, and its order-insensitive keys."""

    name: str
    family: str | None
    given: str | None
    keys: frozenset[str]

    def matches(self, other: "PersonName") -> bool:
        """Whether the two names read the same in some order."""
        return not self.keys.isdisjoint(other.keys)


def _is_latin(word: str) -> bool:
    return word.isascii()


def _family_first(as_written: list[str], words: list[str]) -> bool | None:
    """True for family-first, False for given-first, None when the order cannot be told."""
    if len(words) != 2:
        return None
    if not all(_is_latin(word) for word in words):
        return True
    if "," in as_written[0]:
        return True
    capitals = [word.isupper() and len(word) > 1 for word in as_written]
    if capitals == [True, False]:
        return True
    if capitals == [False, True]:
        return False
    return None


@lru_cache(maxsize=65536)
def normalise_person(value: str) -> PersonName:
    """The structured name and keys of ``value`` (see the module docstring)."""
    words = tokens(value)
    as_written = value.replace("\u3000", " ").split()
    order = _family_first(as_written if len(as_written) == len(words) else words, words)
    readings = [romaji(word) for word in words]
    keys = {"".join(readings), "".join(reversed(readings))} if readings else set()
    family = given = None
    if order is not None:
        family, given = (words[0], words[1]) if order else (words[1], words[0])
    return PersonName(name=" ".join(words), family=family, given=given, keys=frozenset(keys))
