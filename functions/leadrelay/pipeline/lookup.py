"""One person read back from Salesforce and the activity store, as the rules see them (``explain --record``).

The record is read with the fields the processor reads (identity, leadrelay's own fields, the fields the
rules read) and its activity history under the same key the processor files it under, over the same
look-back, so explaining a record shows exactly what the processor would decide for it now.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from msgspec import Struct

from leadrelay.domain.identity import Person, PersonObject, object_of_id
from leadrelay.pipeline.fields import PERSON_OBJECTS, PersonFields
from leadrelay.ports import ActivityStore, SalesforceGateway


class RecordNotFoundError(LookupError):
    """No Lead or Contact has the id or e-mail asked for; the message says which."""


class PersonContext(Struct, frozen=True):
    """A person as the rules see them: the record, its activity history and the evaluation context."""

    person: Person
    activities: list[dict[str, Any]]

    @property
    def context(self) -> dict[str, Any]:
        """The context ``RuleSet.evaluate`` reads (no triggering event)."""
        return {"lead": dict(self.person.record), "activities": list(self.activities), "event": {}}


def person_context(
    gateway: SalesforceGateway,
    activities: ActivityStore,
    fields: PersonFields,
    *,
    since: datetime,
    record_id: str | None = None,
    email: str | None = None,
) -> PersonContext:
    """The Lead or Contact with ``record_id`` (or, by ``email``, the most recently modified one) and its
    history since ``since``. Raises :class:`RecordNotFoundError` naming what was looked for."""
    if record_id:
        person = _by_id(gateway, fields, record_id)
    elif email:
        person = _by_email(gateway, fields, email)
    else:
        raise ValueError("give a record id or an e-mail address")
    history = activities.history([person.key], since=since).get(person.key, [])
    return PersonContext(person, list(history))


def _by_id(gateway: SalesforceGateway, fields: PersonFields, record_id: str) -> Person:
    sobject = object_of_id(record_id)
    if sobject is None:
        raise RecordNotFoundError(f"{record_id!r} is not a Lead (00Q…) or Contact (003…) id")
    found = gateway.read(sobject, [record_id], fields[sobject])
    if not found:
        raise RecordNotFoundError(f"no {sobject} with id {record_id} (deleted, or not visible to this user)")
    return Person(sobject, found[0])


def _by_email(gateway: SalesforceGateway, fields: PersonFields, email: str) -> Person:
    people: list[Person] = []
    for sobject in PERSON_OBJECTS:
        people += [Person(sobject, record) for record in _find(gateway, sobject, email, fields[sobject])]
    if not people:
        raise RecordNotFoundError(f"no Lead or Contact with the e-mail {email}")
    return max(people, key=lambda person: (_is_open(person.sobject, person.record), _modified(person.record)))


def _find(
    gateway: SalesforceGateway, sobject: PersonObject, email: str, wanted: Sequence[str]
) -> list[dict[str, Any]]:
    return gateway.find(sobject, "Email", [email.strip()], wanted)


def _is_open(sobject: PersonObject, record: Mapping[str, Any]) -> bool:
    """A converted Lead loses to its Contact."""
    return sobject == "Contact" or not record.get("IsConverted")


def _modified(record: Mapping[str, Any]) -> str:
    return str(record.get("LastModifiedDate") or "")
