"""The match keys leadrelay writes onto Leads, Contacts and Accounts (External ID fields, so SOQL on
them is indexed): the personal e-mail, a direct phone line, the person's reading, the company's
reading, the company web domain and the 法人番号 — each the normalised form the blocking keys use.

``match_keys(rules, sobject, record)`` reads a record through the rules' columns for ``sobject`` and
returns every key field, an empty string where the record has no such key. Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the field names are read without loading the matching libraries (the local org)
    from leadrelay.domain.matching.match_rules import MatchRules

EMAIL_KEY = "LR_Match_Email__c"
PHONE_KEY = "LR_Match_Phone__c"
NAME_KEY = "LR_Match_Name__c"
COMPANY_KEY = "LR_Match_Company__c"
DOMAIN_KEY = "LR_Match_Domain__c"
CORPORATE_NUMBER_KEY = "LR_Corporate_Number__c"
MATCH_KEY_FIELDS = (EMAIL_KEY, PHONE_KEY, NAME_KEY, COMPANY_KEY, DOMAIN_KEY, CORPORATE_NUMBER_KEY)
"""Every match-key field, in the order written."""
MAX_KEY_LENGTH = 255


def match_keys(rules: MatchRules, sobject: str, record: Mapping[str, Any]) -> dict[str, str]:
    """``{field API name: key}`` for every match-key field ("" where the record gives none)."""
    features = rules.record(sobject, record)
    email = features.email
    direct = sorted(p.e164 for p in features.phones if not (p.switchboard or p.extension))
    company = features.company
    keys = {
        EMAIL_KEY: email.address if email is not None and not email.role_mailbox else "",
        PHONE_KEY: direct[0] if direct else "",
        NAME_KEY: features.person_key or "",
        COMPANY_KEY: (company.reading or company.key) if company is not None else "",
        DOMAIN_KEY: features.domain or "",
        CORPORATE_NUMBER_KEY: features.corporate_number or "",
    }
    return {name: value[:MAX_KEY_LENGTH] for name, value in keys.items()}
