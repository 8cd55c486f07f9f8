"""A seeded generator of Japanese and English B2B leads with injected duplicates and hard negatives.

What it models, and why (docs/matching.md has the figures):

* **Companies scale with the base**: one per six records (Japanese three in four: a place or a
  founder's surname, an optional middle word and an industry — 東京第一商事, 佐々木精機; English:
  a word or a surname and a trade). Names are unique, up to 171,520 Japanese ones, so a million
  records still have about six people per company, as a real CRM's long list of small accounts does.
  Each has a domain, a switchboard ending in 0000, a postal code and often a 法人番号.
* **People** have long-tailed names (``population``: Zipf-like over ~500 surnames and ~13,000 given
  names with their real katakana readings; US Census frequencies for English names), a personal
  address at the company's domain, a direct line or a mobile, or only the switchboard.
* **Hard negatives** come from the world itself — colleagues share a company, switchboard, address
  and domain; names repeat across companies (namesakes) and, rarely, within one; some people write
  from a role mailbox (info@, sales@, eigyo@) — and are also injected: a namesake of an existing
  person at another company. A namesake of a colleague gets the next numbered mailbox (taro.yamada2@).
* A quarter of people get one duplicate record carrying one ``VARIANT`` (the ground truth is
  ``Lead.person``).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bench.dedup import vocabulary as v
from bench.dedup.population import population

VARIANTS = (
    "normalised",
    "typo",
    "swapped_order",
    "second_email",
    "company_form",
    "kana_only",
    "romaji_only",
    "missing_email",
)
JAPANESE_ONLY = frozenset({"kana_only", "romaji_only"})


@dataclass(slots=True)
class Company:
    """One legal entity."""

    names: tuple[str, str, str]  # kanji (or English), kana reading, romaji (or English)
    japanese: bool
    domain: str
    switchboard: str
    postal_code: str
    corporate_number: str | None
    form: str
    scheme: int
    """The company's address scheme (an index of ``_SCHEMES``): one domain, one pattern."""
    mailboxes: set[int] = field(default_factory=set)
    """The hashes of the addresses given out at the domain: one mailbox is one person's."""


@dataclass(slots=True)
class Person:
    """One human being, with how they are written."""

    family: tuple[str, str, str]
    given: tuple[str, str, str]
    japanese: bool
    company: Company
    email: str
    phone: str
    title: str


@dataclass
class Generated:
    """The records (Salesforce Lead fields plus ``person`` and ``variant``) and the ground truth."""

    records: list[dict[str, Any]] = field(default_factory=list)
    variants: dict[int, str] = field(default_factory=dict)
    """Index of a duplicate record → its variant (its original is the first record of its person)."""


def check_digit(base: str) -> int:
    """The 法人番号 check digit of a 12-digit base (see leadrelay.domain.matching.corporate_number)."""
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(base), start=1))
    return 9 - total % 9


def capacity() -> int:
    """How many distinct Japanese company names the vocabulary makes; larger bases get larger companies."""
    return len(population().company_prefixes()) * len(v.JP_MIDDLES) * len(v.JP_INDUSTRIES)


def _companies(count: int, rng: random.Random) -> list[Company]:
    names: set[tuple[str, str, str, bool]] = set()
    prefixes, english = population().company_prefixes(), population().english_company_prefixes()
    count = min(count, capacity())
    while len(names) < count:
        if rng.random() < 0.75:
            place = rng.choice(prefixes)
            middle, industry = rng.choice(v.JP_MIDDLES), rng.choice(v.JP_INDUSTRIES)
            middle = ("", "", "") if middle[0] == place[0] else middle
            parts = (place, middle, industry)
            kanji, kana = "".join(p[0] for p in parts), "".join(p[1] for p in parts)
            names.add((kanji, kana, " ".join(p[2] for p in parts if p[2]), True))
        else:
            name = f"{rng.choice(english)} {rng.choice(v.EN_COMPANY_SECOND)}"
            names.add((name, name, name, False))
    companies = []
    for index, (kanji, kana, romaji, japanese) in enumerate(sorted(names)):
        rng_domain = romaji.lower().replace(" ", "-")
        tld = ".co.jp" if japanese else rng.choice([".com", ".io", ".co"])
        area = rng.choice(["03", "06", "052", "045", "092", "011"])
        digits = 10 - len(area) - 4
        exchange = f"{rng.randrange(10 ** (digits - 1), 10**digits)}"
        base = f"{rng.randrange(10**11, 10**12)}"
        forms = (v.JP_FORMS + v.JP_SMALL_FORMS[:1]) if japanese else v.EN_FORMS
        companies.append(
            Company(
                names=(kanji, kana, romaji),
                japanese=japanese,
                domain=f"{rng_domain}{index % 7 or ''}{tld}",
                switchboard=f"{area}-{exchange}-0000",
                postal_code=f"{rng.randrange(100, 999)}-{rng.randrange(0, 9999):04d}",
                corporate_number=f"{check_digit(base)}{base}" if japanese and rng.random() < 0.4 else None,
                form=rng.choice(forms),
                scheme=rng.randrange(len(_SCHEMES)),
            )
        )
    return companies


_SCHEMES = ("{g}.{f}", "{g0}.{f}", "{f}.{g}", "{g0}{f}")


def _email(person: Person, rng: random.Random, domain: str, alias: bool = False) -> str:
    """A new mailbox at the company's ``domain`` in the company's address scheme (taro.yamada@): a
    namesake of someone who works there gets the next free number (taro.yamada2@), as mail
    administrators do — never another person's address. An ``alias`` is a second address of the
    same person in another scheme (t.yamada@ besides taro.yamada@)."""
    family, given = person.family[2].lower(), person.given[2].lower()
    scheme = person.company.scheme
    if alias:
        scheme = rng.choice([other for other in range(len(_SCHEMES)) if other != scheme])
    local = _SCHEMES[scheme].format(g=given, g0=given[:1], f=family)
    address, number = f"{local}@{domain}", 1
    taken = person.company.mailboxes
    while hash(address) in taken:
        number += 1
        address = f"{local}{number}@{domain}"
    taken.add(hash(address))
    return address


def _free_mail(person: Person, rng: random.Random) -> str:
    """A personal free-mail address: unique to its owner (the number makes it so)."""
    local = f"{person.given[2].lower()}.{person.family[2].lower()}{rng.randrange(10**5)}"
    return f"{local}@{rng.choice(v.FREE_MAIL)}"


def _person(company: Company, rng: random.Random, name: tuple[Any, Any] | None = None) -> Person:
    japanese = company.japanese if rng.random() < 0.95 else not company.japanese
    if name is not None:
        family, given = name
        japanese = bool(family[0] != family[2])
    elif japanese:
        family, given = population().japanese(rng)
    else:
        family, given = population().english(rng)
    person = Person(family, given, japanese, company, "", "", rng.choice(v.TITLES))
    roll = rng.random()
    if roll < 0.05:
        person.email = f"{rng.choice(v.ROLE_MAILBOXES)}@{company.domain}"
    elif roll < 0.12:
        person.email = _free_mail(person, rng)
    else:
        person.email = _email(person, rng, company.domain)
    roll = rng.random()
    if roll < 0.4:
        person.phone = company.switchboard
    elif roll < 0.7:
        person.phone = f"090-{rng.randrange(1000, 9999)}-{rng.randrange(1000, 9999)}"
    else:
        person.phone = company.switchboard[:-4] + f"{rng.randrange(1000, 9999)}"
    return person


def record(person: Person, script: int = 0, form: str | None = None) -> dict[str, Any]:
    """The Lead a form or a card gives for ``person``: names in ``script`` (0 kanji, 1 kana, 2 romaji)."""
    company = person.company
    company_script = script if company.japanese else 0
    name = company.names[company_script]
    chosen = form or (company.form if company_script < 2 else v.ROMAJI_FORMS[0])
    return {
        "LastName": person.family[script],
        "FirstName": person.given[script],
        "Company": chosen.format(name),
        "Email": person.email,
        "Phone": person.phone,
        "Title": person.title,
        "PostalCode": company.postal_code,
        "CorporateNumber__c": company.corporate_number,
    }


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 4:
        return text + text[-1]
    i = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + rng.choice("aeioustnrl") + text[i + 1 :]


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def duplicate(person: Person, variant: str, rng: random.Random) -> dict[str, Any]:
    """A second record of ``person`` written with ``variant``; sometimes the phone is not given."""
    dup = record(person)
    if variant == "normalised":
        kanji = "".join(v.VARIANT_KANJI.get(c, c) for c in dup["LastName"])
        dup["LastName"] = kanji if kanji != dup["LastName"] else _fullwidth(dup["LastName"])
        dup["Email"] = _fullwidth(dup["Email"]).upper() if rng.random() < 0.5 else dup["Email"].upper()
        dup["Phone"] = _fullwidth(dup["Phone"])
        dup["Company"] = dup["Company"].replace("株式会社", "株式会社\u3000")
    elif variant == "typo":
        if person.japanese:
            local, _, domain = dup["Email"].partition("@")
            dup["Email"] = f"{_typo(local, rng)}@{domain}"
        else:
            key = rng.choice(["LastName", "FirstName"])
            dup[key] = _typo(dup[key], rng)
    elif variant == "swapped_order":
        dup["LastName"], dup["FirstName"] = dup["FirstName"], dup["LastName"]
    elif variant == "second_email":
        at_work = person.email.endswith(person.company.domain) and rng.random() < 0.2
        domain = person.company.domain
        dup["Email"] = _email(person, rng, domain, alias=True) if at_work else _free_mail(person, rng)
    elif variant == "company_form":
        forms = v.JP_FORMS + v.JP_SMALL_FORMS[:1] if person.company.japanese else v.EN_FORMS
        dup["Company"] = rng.choice([f for f in forms if f != person.company.form]).format(
            person.company.names[0]
        )
    elif variant in ("kana_only", "romaji_only"):
        dup = record(person, 1 if variant == "kana_only" else 2, rng.choice(v.ROMAJI_FORMS))
        if variant == "kana_only":
            dup["Company"] = person.company.form.format(person.company.names[1])
    elif variant == "missing_email":
        dup["Email"] = None
    if variant != "missing_email" and rng.random() < 0.3:
        dup["Phone"] = None
    return dup


def stream(
    count: int,
    seed: int = 12,
    duplicate_rate: float = 0.25,
    namesake_rate: float = 0.05,
    variants: dict[int, str] | None = None,
) -> Iterator[dict[str, Any]]:
    """``count`` records one at a time: people of ``count / 6`` companies (at most ``capacity()``: a
    larger base would have larger companies), a quarter of them with one
    duplicate (its index and variant go into ``variants``). Only the names drawn so far are kept,
    so a million records stream in little memory."""
    rng = random.Random(seed)
    companies = _companies(max(count // 6, 10), rng)
    names: list[tuple[Any, Any]] = []
    produced = 0

    def numbered(row: dict[str, Any]) -> dict[str, Any]:
        nonlocal produced
        row["Id"] = f"00Q{produced:012d}"
        produced += 1
        return row

    while produced < count:
        if names and rng.random() < namesake_rate:
            twin = rng.choice(names)
            person = _person(rng.choice(companies), rng, twin)
        else:
            person = _person(rng.choice(companies), rng)
        names.append((person.family, person.given))
        yield numbered({**record(person), "person": len(names) - 1})
        if rng.random() < duplicate_rate and produced < count:
            choices = [x for x in VARIANTS if person.japanese or x not in JAPANESE_ONLY]
            variant = rng.choice(choices)
            if variants is not None:
                variants[produced] = variant
            yield numbered({**duplicate(person, variant, rng), "person": len(names) - 1})


def generate(
    count: int, seed: int = 12, duplicate_rate: float = 0.25, namesake_rate: float = 0.05
) -> Generated:
    """``stream``'s records in a list, with the variants of the duplicates."""
    out = Generated()
    out.records = list(stream(count, seed, duplicate_rate, namesake_rate, out.variants))
    return out
