"""Match keys stored on records, and the clauses that find candidates by them (issue 12, items 3–4).

leadrelay writes a record's normalised blocking keys into External ID text fields (indexed, so a
query on them is selective): the personal e-mail, a direct phone line, the person's reading, the
company's consonant skeleton and the company web domain. ``match_keys`` computes them (pure: the
same ``MatchRecord`` the comparisons read); ``key_clauses`` turns a pair's blocking keys
(``rules/dedup.json``) into the field conditions of one candidate query. A blocking part with no
stored field (``postal_code``) is not queried; the 法人番号 is stored (``LR_Corporate_Number__c``);
``company`` is queried by its skeleton, which two records with one reading share (a superset; the
comparisons decide).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from leadrelay.domain.matching.match_rules import PairMatcher, blocking_part
from leadrelay.domain.matching.record import MatchRecord

KEY_FIELDS: Mapping[str, str] = {
    "email": "LR_Match_Email__c",
    "phone": "LR_Match_Phone__c",
    "person": "LR_Match_Name__c",
    "company_sound": "LR_Match_Company__c",
    "domain": "LR_Match_Domain__c",
    "corporate_number": "LR_Corporate_Number__c",
}
"""The stored key per blocking part."""
_QUERIED_AS = {"company": "company_sound"}
"""Blocking parts queried through another part's stored key."""
OBJECT_KEYS: Mapping[str, tuple[str, ...]] = {
    "Lead": ("email", "phone", "person", "company_sound", "domain", "corporate_number"),
    "Contact": ("email", "phone", "person", "company_sound", "domain"),
    "Account": ("company_sound", "domain", "corporate_number"),
}
"""The blocking parts each object stores."""
NEVER_CLEARED = frozenset({"corporate_number"})
"""Keys read from the field they are stored in (the 法人番号 is entered, then written back normalised):
a record without a valid number keeps what it holds rather than having it cleared."""
MAX_KEY_LENGTH = 255
"""The key fields are Text(255); a longer key is cut, the same way when written and when queried."""

Clause = dict[str, list[str]]
"""Field → values: a record satisfies the clause when each field holds one of its values."""


def key_fields(sobject: str) -> tuple[str, ...]:
    """The key fields of ``sobject`` (none for an object that stores no keys)."""
    return tuple(KEY_FIELDS[part] for part in OBJECT_KEYS.get(sobject, ()))


def _values(record: MatchRecord, part: str) -> list[str]:
    stored = _QUERIED_AS.get(part, part)
    return sorted({value[:MAX_KEY_LENGTH] for value in blocking_part(record, stored)})


def match_keys(record: MatchRecord, sobject: str) -> dict[str, str | None]:
    """The key fields of ``sobject`` for ``record``; ``None`` clears a key the record no longer has.

    A part with several values (a direct line and a mobile) stores the first in sort order; a part in
    :data:`NEVER_CLEARED` is left out rather than cleared.
    """
    keys: dict[str, str | None] = {}
    for part in OBJECT_KEYS.get(sobject, ()):
        values = _values(record, part)
        if values or part not in NEVER_CLEARED:
            keys[KEY_FIELDS[part]] = values[0] if values else None
    return keys


def key_clauses(matcher: PairMatcher, records: Iterable[MatchRecord], sobject: str) -> list[Clause]:
    """The conditions of one query for candidates of ``sobject`` that share a blocking key of
    ``matcher`` with any of ``records``: one clause per distinct set of stored key fields, with the
    values the records give (a record lacking a part adds nothing to that clause)."""
    stored = set(OBJECT_KEYS.get(sobject, ()))
    records = list(records)
    clauses: dict[tuple[str, ...], dict[str, dict[str, None]]] = {}
    for parts in matcher.blocking:
        queried = [_QUERIED_AS.get(part, part) for part in parts]
        if not all(part in stored for part in queried):
            continue
        fields = tuple(dict.fromkeys(KEY_FIELDS[part] for part in queried))
        clause = clauses.setdefault(tuple(sorted(fields)), {field: {} for field in fields})
        for record in records:
            values = {KEY_FIELDS[q]: _values(record, part) for part, q in zip(parts, queried, strict=True)}
            if all(values.values()):
                for field, found in values.items():
                    clause[field].update(dict.fromkeys(found))
    return [
        {field: list(values) for field, values in clause.items()}
        for clause in clauses.values()
        if all(clause.values())
    ]
