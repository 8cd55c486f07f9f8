"""Salesforce record ids: 15-character case-sensitive ids and their 18-character case-safe form."""

from __future__ import annotations

import re
import string

_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_SUFFIX_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ID_RE = re.compile(r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-5]{3})?$")


def checksum_suffix(id15: str) -> str:
    """The three characters Salesforce appends to a 15-character id to make it case-safe."""
    suffix = ""
    for chunk in range(3):
        bits = 0
        for pos, ch in enumerate(id15[chunk * 5 : chunk * 5 + 5]):
            if "A" <= ch <= "Z":
                bits |= 1 << pos
        suffix += _SUFFIX_CHARS[bits]
    return suffix


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
    id15 = value[:15]
    # an 18-character id is case-safe: rebuild its case from the suffix so both spellings match
    return id15 + checksum_suffix(id15) if checksum_suffix(id15) == value[15:].upper() else _recase(value)


def _recase(value: str) -> str:
    """Restore the case of the first 15 characters from the (upper-case) checksum suffix."""
    chars = list(value[:15].lower())
    for chunk in range(3):
        bits = _SUFFIX_CHARS.index(value[15 + chunk].upper())
        for pos in range(5):
            if bits & (1 << pos):
                idx = chunk * 5 + pos
                chars[idx] = chars[idx].upper()
    id15 = "".join(chars)
    return id15 + checksum_suffix(id15)
