"""Identity: which Lead or Contact an event is about, and the Lead to create when there is none.

Pure: the pipeline runs the lookups this module asks for (one query per object and key kind per
batch) and hands the records back; nothing here talks to Salesforce.

Precedence, first match wins:

1. **An explicit Salesforce id.** A Contact id (``003``) → that Contact; an unconverted Lead id
   (``00Q``) → that Lead; a *converted* Lead id → the Contact it was converted into. An id that
   matches no live record falls through to the e-mail.
2. **The normalised e-mail** (NFKC, trimmed, lower-cased on both sides). A Contact wins over a
   Lead with the same address: once a person is a Contact, sales works the Contact and a Lead with
   the same address is a leftover duplicate (this is also how Account Engagement syncs). Converted
   Leads are ignored. Among several matches on one object, the record leadrelay created for this
   identity (``LR_External_Key__c`` equal to the identity key) wins, then the most recently
   modified, then the lowest Id — so the choice is stable from batch to batch.
3. **The external key** (``LR_External_Key__c`` = :attr:`Identity.key`): finds a record that
   carries the identity's key, e.g. one an admin stamped with ``ma#<MA id>``.
4. **Nothing found:** with an e-mail, a Lead is created by *upsert* on ``LR_External_Key__c``, so a
   redelivered event updates the Lead its first delivery created instead of creating a second one.
   With an MA id only, no Lead is created — a nameless Lead without an e-mail is exactly the dirty
   data the hand-off suffers from — and the event is :class:`Unresolved` with ``UNKNOWN_PERSON``
   (a dead letter for marketing ops: map the e-mail in the provider's mapping). With only a
   Salesforce id that matches nothing, the event is :class:`Unresolved` too (deleted or merged).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Literal

from msgspec import Struct

from leadrelay.domain.events import CanonicalEvent, Identity, normalise_email
from leadrelay.domain.failures import UNKNOWN_PERSON

EXTERNAL_KEY_FIELD = "LR_External_Key__c"
PLACEHOLDER = "[不明]"
"""Written to required fields (``LastName``, ``Company``) no event carried; easy to find in a report."""
ENTITY_IS_DELETED = "ENTITY_IS_DELETED"
LEAD_PREFIX = "00Q"
CONTACT_PREFIX = "003"

PersonObject = Literal["Lead", "Contact"]

IDENTITY_FIELDS: Mapping[PersonObject, tuple[str, ...]] = {
    "Lead": ("Id", "Email", "LastModifiedDate", "IsConverted", "ConvertedContactId", EXTERNAL_KEY_FIELD),
    "Contact": ("Id", "Email", "LastModifiedDate", EXTERNAL_KEY_FIELD),
}
"""Fields every identity lookup reads, besides those the rules need."""

LEAD_ONLY_FIELDS = frozenset(
    {
        "Company",
        "Status",
        "Industry",
        "NumberOfEmployees",
        "AnnualRevenue",
        "Website",
        "Rating",
        "Street",
        "City",
        "State",
        "PostalCode",
        "Country",
        "IsConverted",
        "ConvertedContactId",
        "ConvertedDate",
        "ConvertedAccountId",
        "ConvertedOpportunityId",
    }
)
"""Standard Lead fields a Contact does not have (reading them from Contact would fail the query)."""


def identity_from_key(key: str) -> Identity:
    """The identity an identity key stands for (``email#…``, ``sf#…``, ``ma#…``; see ``Identity.key``)."""
    kind, sep, value = key.partition("#")
    if not sep or kind not in ("email", "sf", "ma"):
        raise ValueError(f"not an identity key: {key!r} (expected email#…, sf#… or ma#…)")
    if kind == "email":
        return Identity(email=value)
    if kind == "sf":
        return Identity(salesforce_id=value)
    return Identity(ma_id=value)


def object_of_id(record_id: str) -> PersonObject | None:
    """``Lead`` or ``Contact`` by key prefix, ``None`` for any other object."""
    if record_id.startswith(LEAD_PREFIX):
        return "Lead"
    if record_id.startswith(CONTACT_PREFIX):
        return "Contact"
    return None


def id15(record_id: str) -> str:
    """The case-sensitive 15-character form of a Salesforce id (18-character ids end in a checksum)."""
    return record_id[:15]


def fields_for(sobject: PersonObject, wanted: Iterable[str]) -> tuple[str, ...]:
    """The identity fields plus ``wanted``, without duplicates, and without Lead-only fields on Contact."""
    names = dict.fromkeys([*IDENTITY_FIELDS[sobject], *wanted])
    if sobject == "Contact":
        names = {name: None for name in names if name not in LEAD_ONLY_FIELDS}
    return tuple(names)


class Lookups(Struct, frozen=True):
    """What a batch needs looked up: ids per object, e-mails, and external keys."""

    lead_ids: tuple[str, ...] = ()
    contact_ids: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    external_keys: tuple[str, ...] = ()


def lookups_for(identities: Iterable[Identity]) -> Lookups:
    """The distinct lookups for a batch's identities (external keys only for identities without e-mail)."""
    lead_ids: dict[str, None] = {}
    contact_ids: dict[str, None] = {}
    emails: dict[str, None] = {}
    keys: dict[str, None] = {}
    for identity in identities:
        sobject = object_of_id(identity.salesforce_id) if identity.salesforce_id else None
        if identity.salesforce_id and sobject == "Lead":
            lead_ids[identity.salesforce_id] = None
        elif identity.salesforce_id and sobject == "Contact":
            contact_ids[identity.salesforce_id] = None
        if identity.email:
            emails[identity.email] = None
        elif identity.ma_id:
            keys[identity.key] = None
    return Lookups(tuple(lead_ids), tuple(contact_ids), tuple(emails), tuple(keys))


def converted_contact_ids(leads: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """Contact ids that converted Leads point to (looked up with the batch's Contact ids)."""
    return tuple(
        dict.fromkeys(
            str(lead["ConvertedContactId"])
            for lead in leads
            if lead.get("IsConverted") and lead.get("ConvertedContactId")
        )
    )


class Person(Struct, frozen=True):
    """An existing Lead or Contact an event resolved to."""

    sobject: PersonObject
    record: Mapping[str, Any]

    @property
    def record_id(self) -> str:
        """The record's Salesforce id."""
        return str(self.record["Id"])

    @property
    def key(self) -> str:
        """The activity-history key: the external key leadrelay gave it, else its e-mail, else its id."""
        external = self.record.get(EXTERNAL_KEY_FIELD)
        if external:
            return str(external)
        return Identity(email=self.record.get("Email") or None, salesforce_id=self.record_id).key


class NewLead(Struct, frozen=True):
    """An identity with no record yet: a Lead to upsert on ``LR_External_Key__c``."""

    key: str
    identity: Identity
    sobject: ClassVar[PersonObject] = "Lead"


class Unresolved(Struct, frozen=True):
    """An identity that cannot be tied to anyone; ``code`` is the dead letter's error code."""

    reason: str
    code: str = ENTITY_IS_DELETED


Resolution = Person | NewLead | Unresolved


def _recency(record: Mapping[str, Any]) -> str:
    return str(record.get("LastModifiedDate") or "")


class PersonIndex:
    """The batch's Leads and Contacts, indexed for :meth:`resolve`."""

    def __init__(self, leads: Iterable[Mapping[str, Any]], contacts: Iterable[Mapping[str, Any]]) -> None:
        self._by_id: dict[str, Person] = {}
        self._by_email: dict[str, list[Person]] = {}
        self._by_key: dict[str, Person] = {}
        for record in leads:
            self._add(Person("Lead", record))
        for record in contacts:
            self._add(Person("Contact", record))

    def _add(self, person: Person) -> None:
        if id15(person.record_id) in self._by_id:
            return  # found by more than one lookup
        self._by_id[id15(person.record_id)] = person
        if person.sobject == "Lead" and person.record.get("IsConverted"):
            return  # reachable by id (to follow the conversion), never by e-mail or key
        email = normalise_email(person.record.get("Email"))
        if email:
            self._by_email.setdefault(email, []).append(person)
        external = person.record.get(EXTERNAL_KEY_FIELD)
        if external:
            self._by_key.setdefault(str(external), person)

    def resolve(self, identity: Identity) -> Resolution:
        """The record ``identity`` is about (precedence in the module docstring)."""
        if identity.salesforce_id:
            person = self._by_id_following_conversion(identity.salesforce_id)
            if person is not None:
                return person
        if identity.email:
            person = self._best_by_email(identity.email, identity.key)
            if person is not None:
                return person
        elif identity.ma_id and identity.key in self._by_key:
            return self._by_key[identity.key]
        if identity.email:
            return NewLead(identity.key, identity)
        if identity.ma_id and not identity.salesforce_id:
            return Unresolved(
                f"only an MA id ({identity.ma_id}) names this person and no Lead or Contact carries it; "
                "leadrelay creates Leads only from an e-mail (never nameless placeholders): map the "
                "e-mail in the provider's rules/mappings file, then replay the raw events",
                code=UNKNOWN_PERSON,
            )
        return Unresolved(f"no live Lead or Contact has Id {identity.salesforce_id} (deleted or merged?)")

    def _by_id_following_conversion(self, record_id: str) -> Person | None:
        person = self._by_id.get(id15(record_id))
        if person is None or person.sobject == "Contact" or not person.record.get("IsConverted"):
            return person
        converted = person.record.get("ConvertedContactId")
        return self._by_id.get(id15(str(converted))) if converted else None

    def _best_by_email(self, email: str, key: str) -> Person | None:
        candidates = sorted(self._by_email.get(email, []), key=lambda p: p.record_id)
        if not candidates:
            return None
        # max() keeps the first of equals: the lowest Id among otherwise equal candidates
        return max(
            candidates,
            key=lambda p: (
                p.sobject == "Contact",
                p.record.get(EXTERNAL_KEY_FIELD) == key,
                _recency(p.record),
            ),
        )


def split_name(full_name: str) -> tuple[str | None, str]:
    """``(FirstName, LastName)`` from one name: family name first when it is written in CJK script.

    ``"山田 太郎"`` → ``("太郎", "山田")``; ``"Taro Yamada"`` → ``("Taro", "Yamada")``; one word is the
    last name. Full-width spaces count as spaces.
    """
    parts = full_name.replace("\u3000", " ").split()
    if not parts:
        return None, PLACEHOLDER
    if len(parts) == 1:
        return None, parts[0]
    if any(_is_cjk(ch) for ch in parts[0]):
        return " ".join(parts[1:]), parts[0]
    return " ".join(parts[:-1]), parts[-1]


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF


def new_lead_fields(identity: Identity, events: Sequence[CanonicalEvent]) -> dict[str, Any]:
    """The fields of a Lead created for ``identity`` from its events' mapped fields.

    Events are applied oldest first, so the newest value of each field wins. ``Name`` (one string)
    is split into ``FirstName``/``LastName``. ``LastName`` and ``Company`` are required by Salesforce:
    when no event carries them they are :data:`PLACEHOLDER`. The e-mail is the identity's.
    """
    merged: dict[str, Any] = {}
    for event in sorted(events, key=lambda e: e.occurred_at):
        merged.update({name: value for name, value in event.fields.items() if value not in (None, "")})
    full_name = merged.pop("Name", None)
    if full_name and not merged.get("LastName"):
        first, last = split_name(str(full_name))
        merged["LastName"] = last
        if first and not merged.get("FirstName"):
            merged["FirstName"] = first
    merged.pop("Id", None)
    merged.pop(EXTERNAL_KEY_FIELD, None)
    if identity.email:
        merged["Email"] = identity.email
    merged.setdefault("LastName", PLACEHOLDER)
    merged.setdefault("Company", PLACEHOLDER)
    return merged
