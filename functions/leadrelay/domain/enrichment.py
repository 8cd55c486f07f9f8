"""MA enrichment: events that name a person only by the MA's id get the identity the MA knows.

A HubSpot app webhook carries only ``objectId``, a Marketo webhook often only the lead id. Before
identity resolution the pipeline asks the MA (one batched call per MA per batch) for the person's
e-mail, name and company; this module decides which events need that and folds the answer in.

Pure: the lookup itself is an adapter behind :class:`leadrelay.ports.MaDirectory`.
"""

from __future__ import annotations

from collections.abc import Mapping

from msgspec import Struct

from leadrelay.domain.errors import ErrorDetail, ErrorSource
from leadrelay.domain.events import CanonicalEvent, EventSource, normalise_email

MA_PERSON_NOT_FOUND = "MA_PERSON_NOT_FOUND"
"""Synthetic code: the MA does not know the id the event names (deleted, merged, or another portal)."""
MA_RATE_LIMITED = "MA_RATE_LIMITED"
"""Synthetic code: the MA's API refused the lookup for its rate limit (HubSpot 429, Marketo 606/607)."""
MA_UNAVAILABLE = "MA_UNAVAILABLE"
"""Synthetic code: the MA's API did not answer usefully (5xx, timeout, connection, malformed answer)."""
MA_AUTH_FAILED = "MA_AUTH_FAILED"
"""Synthetic code: the MA refused leadrelay's credentials (HubSpot 401/403, Marketo 601/602 twice)."""

ENRICHED_SOURCES = frozenset({EventSource.HUBSPOT, EventSource.MARKETO})
"""The MAs leadrelay can ask for a person by their own id."""


class MaPerson(Struct, frozen=True):
    """What an MA knows of a person: enough to resolve and, if need be, create the Lead."""

    ma_id: str
    email: str | None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None


class MaDirectoryError(Exception):
    """A whole lookup failed; ``code`` is one of the ``MA_*`` codes, ``retry_after`` the MA's hint (s)."""

    def __init__(self, code: str, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.retry_after = retry_after

    @property
    def error(self) -> ErrorDetail:
        """The failure as the pipeline records it (classified by ``domain.failures``)."""
        return ErrorDetail(source=ErrorSource.MA_DIRECTORY, status_code=self.code, message=self.message)


def needs_enrichment(event: CanonicalEvent) -> bool:
    """``True`` for an MA event that names its person by the MA's id only."""
    identity = event.identity
    return (
        event.source in ENRICHED_SOURCES
        and bool(identity.ma_id)
        and not identity.email
        and not identity.salesforce_id
    )


def enriched(event: CanonicalEvent, person: MaPerson) -> CanonicalEvent:
    """``event`` with the person's e-mail in its identity and their name and company as fields.

    Values the event itself carries win; the MA only fills what is missing. Field names are the
    Salesforce Lead's (``FirstName``, ``LastName``, ``Company``), so a Lead created for the person
    carries their real name instead of placeholders.
    """
    identity = event.identity.model_copy(update={"email": normalise_email(person.email)})
    known = {"FirstName": person.first_name, "LastName": person.last_name, "Company": person.company}
    fields = dict(event.fields)
    for name, value in known.items():
        if value and fields.get(name) in (None, ""):
            fields[name] = value
    return event.model_copy(update={"identity": identity, "fields": fields})


def not_found_error(event: CanonicalEvent, person: MaPerson | None) -> ErrorDetail:
    """The dead-letter error of an event whose MA id the MA cannot turn into an e-mail."""
    source, ma_id = event.source.value, event.identity.ma_id
    what = "does not know" if person is None else "knows, but without an e-mail address,"
    return ErrorDetail(
        source=ErrorSource.MA_DIRECTORY,
        status_code=MA_PERSON_NOT_FOUND,
        message=(
            f"{source} {what} the person with id {ma_id}, so leadrelay cannot tell who this event is about "
            f"(merged or deleted in {source}, or sent from another portal/instance?): find the person in "
            f"{source}, give them an e-mail address (or map it in the provider's rules/mappings file), "
            "then replay this dead letter"
        ),
    )


def found(people: Mapping[str, MaPerson], ma_id: str) -> MaPerson | None:
    """The person the MA returned for ``ma_id`` when they have an e-mail, else ``None``."""
    person = people.get(ma_id)
    return person if person is not None and normalise_email(person.email) else None
