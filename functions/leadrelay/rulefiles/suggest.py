"""``did you mean …?``: the nearest known names to a misspelt one (difflib, case-insensitive)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

_CUTOFF = 0.6
"""How similar a known name must be to be suggested (difflib's ratio)."""


def closest(name: str, known: Iterable[str], *, limit: int = 3) -> list[str]:
    """The known names nearest to ``name``, best first (compared case-insensitively)."""
    by_folded: dict[str, str] = {}
    for candidate in known:
        by_folded.setdefault(candidate.casefold(), candidate)
    matches = difflib.get_close_matches(name.casefold(), list(by_folded), n=limit, cutoff=_CUTOFF)
    return [by_folded[match] for match in matches]


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``; did you mean 'NumberOfEmployees'?`` (or ``'a' or 'b'``), or ``""`` when nothing is close."""
    matches = closest(name, known)
    if not matches:
        return ""
    return "; did you mean " + " or ".join(repr(match) for match in matches) + "?"
