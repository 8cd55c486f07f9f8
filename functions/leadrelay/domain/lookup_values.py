"""Lookup values Salesforce would refuse, found before a query is sent.

One refused value in a ``WHERE … IN (…)`` list fails the whole query, and with it every event of the
batch. So each value is checked first, and a value that cannot be a key is refused on its own —
only the events that carry it are dead-lettered, with a reason that names the field (never the
value, which may be personal data):

* **Record ids** are 15 characters, or 18 whose last three encode the case of the first 15 (one
  character per five, a bit per upper-case letter, from ``A``–``Z`` and ``0``–``5``). An id of
  another length, with other characters, or whose suffix does not fit its first 15 characters
  (a suffix character outside the alphabet, or a bit on a digit) is refused as ``MALFORMED_ID``.
  Salesforce reads an 18-character id case-insensitively: the suffix restores the case, so
  ``00q…`` spelled in lower case is the same record.
* **E-mail addresses** longer than 254 characters (RFC 5321's limit on a path) cannot be anyone's
  address: ``INVALID_EMAIL_ADDRESS``.
* **External keys** longer than ``LR_External_Key__c`` (Text(255)) cannot be on any record:
  ``STRING_TOO_LONG``.

Pure: no I/O.
"""

from __future__ import annotations

import string

from leadrelay.domain.errors import ErrorDetail, ErrorSource

MAX_EMAIL_LENGTH = 254
"""RFC 5321: a forward path is at most 256 octets, two of them the angle brackets."""
MAX_EXTERNAL_KEY_LENGTH = 255
"""``LR_External_Key__c`` is Text(255) (infra/salesforce)."""
MALFORMED_ID = "MALFORMED_ID"
INVALID_EMAIL_ADDRESS = "INVALID_EMAIL_ADDRESS"
STRING_TOO_LONG = "STRING_TOO_LONG"

_ALNUM = frozenset(string.ascii_letters + string.digits)
_SUFFIX_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def checksum_suffix(id15: str) -> str:
    """The three characters that make a 15-character id case-safe (one per five characters)."""
    suffix = ""
    for chunk in range(3):
        bits = sum(1 << pos for pos, ch in enumerate(id15[chunk * 5 : chunk * 5 + 5]) if ch.isupper())
        suffix += _SUFFIX_CHARS[bits]
    return suffix


def canonical_id(value: str) -> str | None:
    """``value`` as an 18-character id with the case its suffix encodes, or ``None`` when malformed."""
    if len(value) not in (15, 18) or not set(value) <= _ALNUM:
        return None
    if len(value) == 15:
        return value + checksum_suffix(value)
    suffix = value[15:].upper()
    if any(ch not in _SUFFIX_CHARS for ch in suffix):
        return None
    chars = list(value[:15].lower())
    for chunk, code in enumerate(suffix):
        bits = _SUFFIX_CHARS.index(code)
        for pos in range(5):
            if bits & (1 << pos):
                index = chunk * 5 + pos
                if not chars[index].isalpha():
                    return None  # the suffix marks a digit as upper-case: not an id Salesforce issued
                chars[index] = chars[index].upper()
    return "".join(chars) + suffix


def refused_id(value: str, *, field: str) -> ErrorDetail | None:
    """``MALFORMED_ID`` when ``value`` cannot be a record id; ``field`` names where it came from."""
    if canonical_id(value) is not None:
        return None
    return ErrorDetail(
        source=ErrorSource.EVENT,
        status_code=MALFORMED_ID,
        message=(
            f"{field} is not a Salesforce record id ({len(value)} characters; an id has 15, or 18 whose "
            "last 3 encode the case of the first 15): Salesforce would refuse the lookup, so this event "
            "was not looked up; correct the id at its source, then replay the event"
        ),
        fields=(field,),
    )


def refused_email(value: str, *, field: str) -> ErrorDetail | None:
    """``INVALID_EMAIL_ADDRESS`` when ``value`` is longer than any e-mail address can be."""
    if len(value) <= MAX_EMAIL_LENGTH:
        return None
    return ErrorDetail(
        source=ErrorSource.EVENT,
        status_code=INVALID_EMAIL_ADDRESS,
        message=(
            f"{field} has {len(value):,} characters; an e-mail address has at most {MAX_EMAIL_LENGTH} "
            "(RFC 5321), so it cannot name anyone and was not looked up"
        ),
        fields=(field,),
    )


def refused_external_key(value: str, *, field: str) -> ErrorDetail | None:
    """``STRING_TOO_LONG`` when ``value`` is longer than ``LR_External_Key__c`` can hold."""
    if len(value) <= MAX_EXTERNAL_KEY_LENGTH:
        return None
    return ErrorDetail(
        source=ErrorSource.EVENT,
        status_code=STRING_TOO_LONG,
        message=(
            f"{field} makes an external key of {len(value):,} characters; LR_External_Key__c holds "
            f"{MAX_EXTERNAL_KEY_LENGTH}, so no record can carry it and it was not looked up"
        ),
        fields=(field,),
    )
