"""String similarity for the comparisons: rapidfuzz's C++ edit distances and token-set ratio.

rapidfuzz (41 modules, about 5 ms to import) is loaded with the first comparison, not with the
processor: comparisons run only when a new person has candidates, and most cold starts serve
activities of known people (docs/cold-start.md).
"""

from __future__ import annotations


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps."""
    from rapidfuzz.distance import OSA

    return int(OSA.distance(a, b))


def edit_similarity(a: str, b: str) -> float:
    """:func:`edit_distance` normalised to [0, 1] by the longer string's length (1: equal)."""
    from rapidfuzz.distance import OSA

    return float(OSA.normalized_similarity(a, b))


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity in [0, 1]: shared characters in order, a shared prefix counting more."""
    from rapidfuzz.distance import JaroWinkler

    return float(JaroWinkler.similarity(a, b))


def token_set(a: str, b: str) -> float:
    """Token-set ratio in [0, 1]: the words both share, whatever their order and repeats."""
    from rapidfuzz.fuzz import token_set_ratio

    return float(token_set_ratio(a, b)) / 100.0
