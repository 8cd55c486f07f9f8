"""Identity resolution for a batch: the lookups ``domain.identity`` asks for, one query each.

At most one ``find``/``read`` per object and key kind per batch: Lead by Id, Lead by Email, Lead by
external key (only for identities without e-mail), Contact by Id (the batch's Contact ids and the
Contacts converted Leads point to), Contact by Email. A lookup with nothing to look up is not sent.

A bad value costs at most its own events, never the batch:

* values Salesforce would refuse (a malformed id, an e-mail longer than any address, an external key
  longer than the field) are refused before any query (``domain.lookup_values``);
* a lookup Salesforce refuses anyway (a permanent error) is split in halves and each half asked
  again, down to the one value it refuses — ``log2(n)`` extra queries per offender;
* the events whose identity carries a refused value resolve to :class:`Unresolved` with
  Salesforce's (or our) error, and are dead-lettered alone.

Transient failures are retried while time allows, then raise ``SalesforceCallError`` (the batch
comes back). No lookup starts without the time to finish it (``Retrier.remaining``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import Any

from leadrelay.domain.errors import ErrorDetail
from leadrelay.domain.events import Identity
from leadrelay.domain.failures import ErrorCategory, SalesforceCallError, UnknownFieldError
from leadrelay.domain.identity import (
    EXTERNAL_KEY_FIELD,
    PersonIndex,
    PersonObject,
    Resolution,
    Unresolved,
    converted_contact_ids,
    lookups_for,
    object_of_id,
)
from leadrelay.domain.lookup_values import refused_email, refused_external_key, refused_id
from leadrelay.pipeline.fields import PersonFields
from leadrelay.pipeline.retrying import Retrier
from leadrelay.ports import SalesforceGateway

Refusals = dict[tuple[str, str], ErrorDetail]
"""Refused lookup values by (key kind, value): ``("Id", …)``, ``("Email", …)``, external keys."""


class BatchIndex:
    """The batch's people, and the lookup values that were refused (their events resolve to nobody)."""

    def __init__(self, people: PersonIndex, refused: Mapping[tuple[str, str], ErrorDetail]) -> None:
        self.people = people
        self.refused = dict(refused)

    def resolve(self, identity: Identity) -> Resolution:
        """The record ``identity`` is about, or :class:`Unresolved` with the refusal of one of its values."""
        for kind, value in _lookup_values(identity):
            error = self.refused.get((kind, value))
            if error is not None:
                return Unresolved(error.message, code=error.status_code)
        return self.people.resolve(identity)


def resolve_people(
    gateway: SalesforceGateway,
    identities: Iterable[Identity],
    *,
    fields: PersonFields,
    retrier: Retrier,
) -> BatchIndex:
    """Look up every Lead and Contact the identities may be; raises ``SalesforceCallError``."""
    identities = list(identities)
    refused = _refused_before_lookup(identities)
    wanted = lookups_for(i for i in identities if not any(k in refused for k in _lookup_values(i)))

    def query(sobject: PersonObject, field: str, values: Sequence[str]) -> list[dict[str, Any]]:
        while True:  # again after an unknown rule field was dropped
            wanted, left = fields[sobject], retrier.remaining
            if field == "Id":
                read = partial(gateway.read, sobject, values, wanted, time_left=left)
            else:
                read = partial(gateway.find, sobject, field, values, wanted, time_left=left)
            try:
                return retrier.call(read, name=f"query {sobject} by {field}")
            except UnknownFieldError as failure:
                if not fields.drop_unknown(sobject, failure.field):
                    raise

    def lookup(sobject: PersonObject, field: str, values: Sequence[str]) -> list[dict[str, Any]]:
        kind = "Id" if field == "Id" else ("Email" if field == "Email" else EXTERNAL_KEY_FIELD)
        return _isolating(lambda part: query(sobject, field, part), values, kind, refused)

    leads = [
        *lookup("Lead", "Id", wanted.lead_ids),
        *lookup("Lead", "Email", wanted.emails),
        *lookup("Lead", EXTERNAL_KEY_FIELD, wanted.external_keys),
    ]
    contact_ids = tuple(dict.fromkeys([*wanted.contact_ids, *converted_contact_ids(leads)]))
    contacts = [*lookup("Contact", "Id", contact_ids), *lookup("Contact", "Email", wanted.emails)]
    return BatchIndex(PersonIndex(leads, contacts), refused)


def _isolating(
    query: Callable[[Sequence[str]], list[dict[str, Any]]],
    values: Sequence[str],
    kind: str,
    refused: Refusals,
) -> list[dict[str, Any]]:
    """``query(values)``; when Salesforce refuses it (permanently), each half again, down to the value
    it refuses, which goes into ``refused``. Transient failures propagate."""
    if not values:
        return []
    try:
        return query(values)
    except SalesforceCallError as failure:
        if not _value_may_cause(failure):
            raise
        if len(values) == 1:
            refused[(kind, values[0])] = failure.error
            return []
    middle = len(values) // 2
    return [
        *_isolating(query, values[:middle], kind, refused),
        *_isolating(query, values[middle:], kind, refused),
    ]


def _value_may_cause(failure: SalesforceCallError) -> bool:
    """Whether one value can be why Salesforce refused a lookup: a permanent error that is not about
    the org's schema or our access (those would refuse every half: the batch fails at once)."""
    classification = failure.classification
    if classification.transient or classification.category is ErrorCategory.ACCESS:
        return False
    return not (
        classification.category is ErrorCategory.SCHEMA and failure.error.status_code != "MALFORMED_QUERY"
    )


def _refused_before_lookup(identities: Iterable[Identity]) -> Refusals:
    refused: Refusals = {}
    for identity in identities:
        for kind, value in _lookup_values(identity):
            if kind == "Id":
                error = refused_id(value, field="identity.salesforce_id")
            elif kind == "Email":
                error = refused_email(value, field="identity.email")
            else:
                error = refused_external_key(value, field="identity.ma_id")
            if error is not None:
                refused[(kind, value)] = error
    return refused


def _lookup_values(identity: Identity) -> list[tuple[str, str]]:
    """The (key kind, value) pairs ``lookups_for`` asks Salesforce about for ``identity``."""
    values: list[tuple[str, str]] = []
    if identity.salesforce_id and object_of_id(identity.salesforce_id) is not None:
        values.append(("Id", identity.salesforce_id))
    if identity.email:
        values.append(("Email", identity.email))
    elif identity.ma_id:
        values.append((EXTERNAL_KEY_FIELD, identity.key))
    return values
