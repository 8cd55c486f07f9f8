"""``--errors FILE``: the benchmark's false merges and missed pairs, one JSON line each, with why.

Each line holds the kind (``false_positive``: the rules merged two people; ``false_negative``: one
person's two records were not merged), the two records' values as the rules read them, the variant
of the duplicate (false negatives), whether the pair was ever blocked together, and the decision the
rules give it with its reasons — what the analysis in docs/matching.md classifies. Prints nothing
but the file's name and counts; never asserts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from leadrelay.domain.matching.match_rules import PairMatcher
from leadrelay_tools.dedup.store import Store, unpack

from bench.dedup.references import Pair


def write(
    path: Path,
    matcher: PairMatcher,
    store: Store,
    predicted: set[Pair],
    truth: set[Pair],
    blocked: set[Pair],
    variants: Mapping[int, str],
) -> str:
    """Write every false positive and false negative to ``path``; the summary line to print."""
    false_positives = sorted(predicted - truth)
    false_negatives = sorted(truth - predicted)
    with path.open("w", encoding="utf-8") as out:
        for kind, pairs in (("false_positive", false_positives), ("false_negative", false_negatives)):
            for i, j in pairs:
                a, b = unpack(store.blobs[i]), unpack(store.blobs[j])
                decision = matcher.compare(a, b)
                line = {
                    "kind": kind,
                    "pair": [i, j],
                    "variant": variants.get(j),
                    "blocked": (i, j) in blocked,
                    "a": dict(a.values),
                    "b": dict(b.values),
                    "decision": decision.describe(),
                }
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
    counts = f"{len(false_positives):,} false merges, {len(false_negatives):,} missed pairs"
    return f"errors written to {path}: {counts}"
