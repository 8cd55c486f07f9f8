"""Salesforce record ids: 15-character case-sensitive ids and their 18-character case-safe form."""

from __future__ import annotations

import re
import string

from leadrelay.domain.sfids import canonical_id15, checksum_suffix

_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_ID_RE = re.compile(r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-5]{3})?$")


def make_id(key_prefix: str, number: int) -> str:
    """The 18-character id of the ``number``-th record of an object with ``key_prefix`` (e.g. ``00Q``)."""
    body = ""
    while number:
        number, digit = divmod(number, 62)
        body = _BASE62[digit] + body
    id15 = key_prefix + "RM" + body.rjust(10, "0")
    return id15 + checksum_suffix(id15)


def normalize_id(value: str) -> str | None:
    """``value`` as an 18-character id, or ``None`` when it is not a well-formed 15/18-character id."""
    if not _ID_RE.match(value):
        return None
    if len(value) == 15:
        return value + checksum_suffix(value)
    # an 18-character id is case-safe: its suffix gives the case back, so both spellings match
    id15 = canonical_id15(value)
    return id15 + checksum_suffix(id15)
