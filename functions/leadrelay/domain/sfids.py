"""Salesforce record ids: the case-sensitive 15-character id and its case-safe 18-character form.

A 15-character id is case-sensitive (``005RM0000026DG5`` and ``005rm0000026dg5`` are different
users). The 18-character form appends three characters that encode, five characters each, which of
the first fifteen are upper-case, so an 18-character id still names its record after any change of
case (a spreadsheet, a lower-cased configuration value). :func:`canonical_id15` recovers the real
15-character id from either form.
"""

from __future__ import annotations

import re

SUFFIX_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
"""The 32 characters of the case-safe suffix; each one encodes the upper-case flags of five characters."""
_ID18_RE = re.compile(r"^[a-zA-Z0-9]{15}[a-zA-Z0-5]{3}$")


def checksum_suffix(id15: str) -> str:
    """The three characters Salesforce appends to a 15-character id to make it case-safe."""
    suffix = ""
    for chunk in range(3):
        bits = 0
        for pos, ch in enumerate(id15[chunk * 5 : chunk * 5 + 5]):
            if "A" <= ch <= "Z":
                bits |= 1 << pos
        suffix += SUFFIX_CHARS[bits]
    return suffix


def canonical_id15(value: str) -> str:
    """The case-sensitive 15-character id ``value`` stands for.

    An 18-character id gets the case of its first 15 characters back from its suffix, so
    ``005rm0000026dg5yam`` and ``005RM0000026DG5YAM`` both give ``005RM0000026DG5``. Anything else
    (a 15-character id, a malformed value) is returned unchanged, up to its 15th character: a
    15-character id carries no case information to recover.
    """
    if not _ID18_RE.match(value):
        return value[:15]
    chars = list(value[:15].lower())
    for chunk in range(3):
        bits = SUFFIX_CHARS.index(value[15 + chunk].upper())
        for pos in range(5):
            if bits & (1 << pos):
                chars[chunk * 5 + pos] = chars[chunk * 5 + pos].upper()
    return "".join(chars)
