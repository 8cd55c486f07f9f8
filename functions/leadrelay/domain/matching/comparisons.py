"""The comparison methods: two ``MatchRecord``s in, a level (and a similarity, for fuzzy ones) out.

Categorical methods give fixed levels (``rules_model.METHOD_LEVELS``): ``phone`` tells a shared
direct line from a shared switchboard, ``email`` a personal mailbox from a role mailbox (info@,
sales@, eigyo@ …). Similarity methods give a score in [0, 1] that the comparison's own levels
name: ``jaro_winkler`` (rapidfuzz) on the folded text, ``token_set`` (rapidfuzz's token-set ratio)
on the folded words, ``reading`` on the romaji readings (kanji, kana and romaji meet; a person's
name in either order, as ``name_similarity`` reads it). Every method gives ``missing`` when
either side has no value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from leadrelay.domain.dedup_rules import DIFFERENT, MISSING
from leadrelay.domain.matching.name_similarity import name_similarity
from leadrelay.domain.matching.phone import PhoneKey
from leadrelay.domain.matching.readings import romaji
from leadrelay.domain.matching.record import MatchRecord, folded
from leadrelay.domain.matching.similarity import edit_distance, jaro_winkler, token_set
from leadrelay.domain.matching.text import fold

_NUMBERS = re.compile(r"[0-9]+")

Measure = Callable[[MatchRecord, MatchRecord], tuple[str, float | None]]
"""A compiled comparison: the level and, for a similarity method, the similarity."""
Texts = Callable[[MatchRecord], tuple[str, ...]]


def _same(left: str | None, right: str | None) -> str:
    if left is None or right is None:
        return MISSING
    return "same" if left == right else DIFFERENT


def _exact(field: str) -> Callable[[MatchRecord, MatchRecord], str]:
    return lambda a, b: _same(a.get(field), b.get(field))


def _normalised(field: str) -> Callable[[MatchRecord, MatchRecord], str]:
    if field == "name":
        return lambda a, b: _same(a.person_key, b.person_key) if _any_person(a, b) else MISSING
    if field == "company":
        return lambda a, b: _same(*(r.company.key if r.company else None for r in (a, b)))
    return lambda a, b: _same(folded(a.get(field)), folded(b.get(field)))


def _any_person(a: MatchRecord, b: MatchRecord) -> bool:
    return a.person is not None and b.person is not None


def _email(a: MatchRecord, b: MatchRecord) -> str:
    if a.email is None or b.email is None:
        return MISSING
    if a.email.address != b.email.address:
        personal = not (a.email.role_mailbox or b.email.role_mailbox)
        colleagues = personal and a.email.company_domain is not None and a.email.domain == b.email.domain
        if not colleagues:
            return DIFFERENT
        local_a, local_b = a.email.address.partition("@")[0], b.email.address.partition("@")[0]
        return "typo" if _typo(local_a, local_b) else "same_domain"
    return "same_role" if a.email.role_mailbox else "same_personal"


def _typo(local_a: str, local_b: str) -> bool:
    """One edit apart, and not two numbered mailboxes (taro.yamada / taro.yamada2: how a mail
    administrator tells namesakes apart) — a digit is never a typo here."""
    if _NUMBERS.sub("", local_a) == _NUMBERS.sub("", local_b):
        return False
    return edit_distance(local_a, local_b) <= 1


def _phone(a: MatchRecord, b: MatchRecord) -> str:
    if not a.phones or not b.phones:
        return MISSING
    shared = [(p, q) for p in a.phones for q in b.phones if p.e164 == q.e164]
    if not shared:
        return "different_direct" if _two_of_a_kind(a.phones, b.phones) else DIFFERENT
    return "same_direct" if any(_direct(p, q) for p, q in shared) else "same_switchboard"


def _two_of_a_kind(left: Sequence[PhoneKey], right: Sequence[PhoneKey]) -> bool:
    """Both sides have a mobile, or both a direct desk line (none shared): one person seldom has two
    mobiles or two desks, while a desk line on one record and a mobile on the other is one person's
    two numbers as often as not."""
    for mobile in (True, False):
        if _has_direct(left, mobile=mobile) and _has_direct(right, mobile=mobile):
            return True
    return False


def _has_direct(phones: Sequence[PhoneKey], *, mobile: bool) -> bool:
    return any(p.mobile is mobile and not (p.switchboard or p.extension) for p in phones)


def _direct(p: PhoneKey, q: PhoneKey) -> bool:
    """One number shared as a direct line: neither side a switchboard, and no extension (a number
    with extensions is a main line that several people share)."""
    return not (p.switchboard or q.switchboard or p.extension or q.extension)


def _domain(a: MatchRecord, b: MatchRecord) -> str:
    return _same(a.domain, b.domain)


def _corporate_number(a: MatchRecord, b: MatchRecord) -> str:
    return _same(a.corporate_number, b.corporate_number)


def _text_of(field: str) -> Texts:
    """The comparable texts of a field for Jaro-Winkler: a name's folded words in both orders."""
    if field == "name":
        return lambda r: _name_orders(r)
    if field == "company":
        return lambda r: (r.company.key,) if r.company else ()
    return lambda r: _one(folded(r.get(field)))


def _name_orders(record: MatchRecord) -> tuple[str, ...]:
    if record.person is None:
        return ()
    words = record.person.name.split(" ")
    return ("".join(words), "".join(reversed(words)))


def _one(value: str | None) -> tuple[str, ...]:
    return (value,) if value else ()


def _reading_of(field: str) -> Texts:
    """The romaji readings of a field: a person's both orders, a company's name without legal form."""
    if field == "name":
        return lambda r: tuple(r.person.keys) if r.person else ()
    if field == "company":
        return lambda r: (r.company.reading,) if r.company and r.company.reading else ()
    return lambda r: _one(romaji(r.get(field) or "") or None)


def _words_of(field: str) -> Callable[[MatchRecord], str | None]:
    if field == "name":
        return lambda r: r.person.name if r.person else None
    if field == "company":
        return lambda r: r.company.name if r.company else None
    return lambda r: fold(r.get(field) or "") or None


def _best(texts: Texts) -> Callable[[MatchRecord, MatchRecord], float | None]:
    def similarity(a: MatchRecord, b: MatchRecord) -> float | None:
        left, right = texts(a), texts(b)
        if not left or not right:
            return None
        return max(jaro_winkler(x, y) for x in left for y in right)

    return similarity


def _token_set(field: str) -> Callable[[MatchRecord, MatchRecord], float | None]:
    words = _words_of(field)

    def similarity(a: MatchRecord, b: MatchRecord) -> float | None:
        left, right = words(a), words(b)
        if left is None or right is None:
            return None
        return token_set(left, right)

    return similarity


def categorical(method: str, field: str | None) -> Callable[[MatchRecord, MatchRecord], str]:
    """The level function of a categorical method (``field`` for exact and normalised)."""
    fixed: dict[str, Callable[[MatchRecord, MatchRecord], str]] = {
        "email": _email,
        "phone": _phone,
        "domain": _domain,
        "corporate_number": _corporate_number,
    }
    if method in fixed:
        return fixed[method]
    name = field or "name"  # the checks require a field for these methods
    return _exact(name) if method == "exact" else _normalised(name)


def similarity(method: str, field: str) -> Callable[[MatchRecord, MatchRecord], float | None]:
    """The similarity function of ``jaro_winkler``, ``token_set`` or ``reading`` on ``field``."""
    if method == "token_set":
        return _token_set(field)
    if method == "reading" and field == "name":
        return name_similarity
    return _best(_reading_of(field) if method == "reading" else _text_of(field))


def leveled(
    measure: Callable[[MatchRecord, MatchRecord], float | None], levels: list[tuple[str, float]]
) -> Measure:
    """A similarity named by ``levels`` (name, minimum), highest minimum first; below all: different."""

    def level(a: MatchRecord, b: MatchRecord) -> tuple[str, float | None]:
        value = measure(a, b)
        if value is None:
            return MISSING, None
        return next((name for name, minimum in levels if value >= minimum), DIFFERENT), value

    return level
