"""``did you mean …?``: the nearest known names to a misspelt one (difflib, case-insensitive)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

_CUTOFF = 0.75
"""How similar (difflib's ratio) a known name must be to be suggested at all."""
_CLOSE_SECOND = 0.1
"""How much less similar than the best a name may be and still be offered beside it."""


def closest(name: str, known: Iterable[str], *, limit: int = 3) -> list[str]:
    """The known names nearest to ``name``, best first (compared case-insensitively; a name that
    differs only in case is the one answer)."""
    by_folded: dict[str, str] = {}
    for candidate in known:
        by_folded.setdefault(candidate.casefold(), candidate)
    folded = name.casefold()
    if folded in by_folded:  # only the case is wrong: that is the one
        return [by_folded[folded]]
    scored = sorted(
        ((difflib.SequenceMatcher(None, folded, candidate).ratio(), candidate) for candidate in by_folded),
        key=lambda pair: (-pair[0], pair[1]),
    )
    best = scored[0][0] if scored else 0.0
    return [
        by_folded[candidate]
        for ratio, candidate in scored[:limit]
        if ratio >= _CUTOFF and ratio >= best - _CLOSE_SECOND
    ]


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``; did you mean 'NumberOfEmployees'?`` (or ``'a' or 'b'``), or ``""`` when nothing is close."""
    matches = closest(name, known)
    if not matches:
        return ""
    return "; did you mean " + " or ".join(repr(match) for match in matches) + "?"
