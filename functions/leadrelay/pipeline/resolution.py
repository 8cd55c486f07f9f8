"""Identity resolution for a batch: the lookups ``core.identity`` asks for, one query each.

At most one ``find``/``read`` per object and key kind per batch: Lead by Id, Lead by Email, Lead by
external key (only for identities without e-mail), Contact by Id (the batch's Contact ids and the
Contacts converted Leads point to), Contact by Email. A lookup with nothing to look up is not sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from leadrelay.core.events import Identity
from leadrelay.core.failures import SalesforceCallError
from leadrelay.core.identity import (
    EXTERNAL_KEY_FIELD,
    PersonIndex,
    PersonObject,
    converted_contact_ids,
    lookups_for,
)
from leadrelay.pipeline.fields import PersonFields
from leadrelay.pipeline.retrying import Retrier
from leadrelay.ports import SalesforceGateway


def resolve_people(
    gateway: SalesforceGateway,
    identities: Iterable[Identity],
    *,
    fields: PersonFields,
    retrier: Retrier,
) -> PersonIndex:
    """Look up every Lead and Contact the identities may be; raises ``SalesforceCallError``."""
    wanted = lookups_for(identities)

    def lookup(sobject: PersonObject, field: str, values: Sequence[str]) -> list[dict[str, Any]]:
        if not values:
            return []
        while True:
            try:
                if field == "Id":
                    return retrier.call(lambda: gateway.read(sobject, values, fields[sobject]))
                return retrier.call(lambda: gateway.find(sobject, field, values, fields[sobject]))
            except SalesforceCallError as failure:
                if not fields.drop_unknown(sobject, failure.error):
                    raise

    leads = [
        *lookup("Lead", "Id", wanted.lead_ids),
        *lookup("Lead", "Email", wanted.emails),
        *lookup("Lead", EXTERNAL_KEY_FIELD, wanted.external_keys),
    ]
    contact_ids = tuple(dict.fromkeys([*wanted.contact_ids, *converted_contact_ids(leads)]))
    contacts = [*lookup("Contact", "Id", contact_ids), *lookup("Contact", "Email", wanted.emails)]
    return PersonIndex(leads, contacts)
