"""A record's matching features: its columns read through the field mapping, normalised once.

``Columns`` maps each match field to the input columns holding it (Salesforce API names by
default, per object); ``features`` turns one record (a dict of column → value) into a
``MatchRecord`` whose keys every comparison and blocking key reads without normalising again.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from msgspec import Struct

from leadrelay.domain.matching.company import CompanyName, normalise_company
from leadrelay.domain.matching.corporate_number import normalise_corporate_number
from leadrelay.domain.matching.email import EmailKey, normalise_email, registrable_domain
from leadrelay.domain.matching.person import PersonName, normalise_person
from leadrelay.domain.matching.phone import PhoneKey, normalise_phone
from leadrelay.domain.matching.text import compact

_PERSON_COLUMNS = {
    "id": ["Id"],
    "first_name": ["FirstName"],
    "last_name": ["LastName"],
    "name": ["Name"],
    "email": ["Email"],
    "phone": ["Phone"],
    "mobile": ["MobilePhone"],
    "title": ["Title"],
    "corporate_number": ["LR_Corporate_Number__c", "CorporateNumber__c"],
}
DEFAULT_COLUMNS: dict[str, dict[str, list[str]]] = {
    "Lead": {
        **_PERSON_COLUMNS,
        "company": ["Company"],
        "website": ["Website"],
        "street": ["Street"],
        "city": ["City"],
        "state": ["State"],
        "postal_code": ["PostalCode"],
        "country": ["Country"],
    },
    "Contact": {
        **_PERSON_COLUMNS,
        "company": ["Account.Name", "AccountName", "Company"],
        "website": ["Account.Website", "Website"],
        "street": ["MailingStreet", "Street"],
        "city": ["MailingCity", "City"],
        "state": ["MailingState", "State"],
        "postal_code": ["MailingPostalCode", "PostalCode"],
        "country": ["MailingCountry", "Country"],
    },
    "Account": {
        "id": ["Id"],
        "company": ["Name"],
        "phone": ["Phone"],
        "website": ["Website"],
        "street": ["BillingStreet"],
        "city": ["BillingCity"],
        "state": ["BillingState"],
        "postal_code": ["BillingPostalCode"],
        "country": ["BillingCountry"],
        "corporate_number": ["LR_Corporate_Number__c", "CorporateNumber__c"],
    },
}
"""Where each match field is read from when the rules file maps no columns: Salesforce API names."""


class MatchRecord(Struct, frozen=True):
    """One record's raw values by match field and its normalised keys."""

    values: Mapping[str, str]
    person: PersonName | None
    person_key: str | None
    email: EmailKey | None
    phones: tuple[PhoneKey, ...]
    company: CompanyName | None
    domain: str | None
    corporate_number: str | None

    def get(self, field: str) -> str | None:
        """The raw value of a match field (None when absent or blank)."""
        return self.values.get(field)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, bool | dict | list):
        return None
    text = str(value).strip()
    return text or None


def read_values(record: Mapping[str, Any], columns: Mapping[str, list[str]]) -> dict[str, str]:
    """The record's value per match field: the first non-empty of the field's columns."""
    values: dict[str, str] = {}
    for field, names in columns.items():
        for name in names:
            text = _text(record.get(name))
            if text is not None:
                values[field] = text
                break
    return values


def _website_domain(value: str) -> str | None:
    host = value.strip().lower().split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    host = host.removeprefix("www.")
    return registrable_domain(host) if "." in host and " " not in host else None


def _person(values: Mapping[str, str]) -> PersonName | None:
    full = values.get("name")
    if full is None:
        parts = [values[key] for key in ("last_name", "first_name") if key in values]
        full = " ".join(parts) if parts else None
    if full is None:
        return None
    person = normalise_person(full)
    return person if person.keys - {""} else None


@lru_cache(maxsize=65536)
def _phone(value: str) -> PhoneKey | None:
    """``normalise_phone`` cached: switchboards and shared lines repeat across a company's people."""
    return normalise_phone(value)


def features(values: Mapping[str, str]) -> MatchRecord:
    """Normalise a record's values once (the caches make repeated names cheap)."""
    person = _person(values)
    email = normalise_email(values["email"]) if "email" in values else None
    phones = tuple(
        key
        for key in (_phone(values[field]) for field in ("phone", "mobile") if field in values)
        if key is not None
    )
    company = normalise_company(values["company"]) if "company" in values else None
    if company is not None and not company.key:
        company = None
    domain = email.company_domain if email is not None else None
    if domain is None and "website" in values:
        domain = _website_domain(values["website"])
    number = values.get("corporate_number")
    return MatchRecord(
        values=values,
        person=person,
        person_key=min(person.keys) if person is not None else None,
        email=email,
        phones=phones,
        company=company,
        domain=domain,
        corporate_number=normalise_corporate_number(number) if number else None,
    )


def folded(value: str | None) -> str | None:
    """The compact folded form of a raw value (None stays None, and so does an empty result)."""
    return (compact(value) or None) if value is not None else None
