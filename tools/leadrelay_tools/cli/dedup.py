"""``leadrelay dedup --input FILE --output PAIRS.csv``: 名寄せ of an export with rules/dedup.json.

Reads CSV (a Salesforce report export: UTF-8 with or without BOM, or Shift_JIS/CP932, detected, or
``--encoding``) or JSON Lines (``.jsonl``) row by row, keeps only each row's compact match record,
compares the records that share a blocking key with the ``lead_lead`` match rules on ``--workers``
processes (default: every core; the output does not depend on it), and writes the pairs
(``id_a,id_b,score,outcome,reasons``: matches and candidates) and, with ``--clusters``, the clusters
(connected components of matches). A bad row is named and skipped; the count of skipped rows is
printed. A progress bar shows on a terminal.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leadrelay.domain.dedup_rules import Outcome

from leadrelay_tools.cli.output import ProgressBar
from leadrelay_tools.dedup.parallel import Clusters, Workers
from leadrelay_tools.dedup.reading import Row, detect_encoding, label, read_rows
from leadrelay_tools.dedup.store import MAX_RECORDS, Store, StoreFullError

PAIR_COLUMNS = ("id_a", "id_b", "score", "outcome", "reasons")
PAIR = "lead_lead"
PROGRESS_EVERY = 1000


def register(subparsers: Any) -> None:
    """Add the `dedup` command (and `dedup backfill`)."""
    parser = subparsers.add_parser(
        "dedup",
        help="find duplicate leads in an export or the org (名寄せ); `dedup backfill` writes match keys",
        description="Compare the records of FILE (or of the org's Leads and Contacts, --from-org) that "
        "share a blocking key and write the matching and candidate pairs, and the clusters of matches, as "
        "CSV. `leadrelay dedup backfill` computes the match keys of the org's Leads, Contacts and Accounts "
        "and writes them through Bulk API 2.0, resumably.",
    )
    parser.add_argument("action", nargs="?", choices=["backfill"], help="backfill: write match keys")
    parser.add_argument("--input", type=Path, help="CSV (report export) or .jsonl")
    parser.add_argument("--from-org", action="store_true", help="read Leads and Contacts via Bulk API 2.0")
    parser.add_argument("--output", type=Path, help="the pairs, CSV")
    parser.add_argument("--clusters", type=Path, help="the clusters of matches, CSV (cluster,id)")
    parser.add_argument("--rules", type=Path, default=Path("rules"), help="rules directory or dedup.json")
    parser.add_argument("--encoding", help="the input's encoding (default: UTF-8, else CP932, detected)")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="processes (default: every core)"
    )
    parser.add_argument(
        "--max-records",
        type=int,
        default=MAX_RECORDS,
        help=f"stop with a message past this many records (bounds memory, about 1 kB a record; "
        f"default and most: {MAX_RECORDS:,})",
    )
    parser.add_argument("--objects", help="org objects (default Lead,Contact; backfill Lead,Contact,Account)")
    parser.add_argument(
        "--journal",
        type=Path,
        default=Path("leadrelay-backfill.jsonl"),
        help="backfill: the ids written so far; a rerun resumes from it",
    )
    parser.add_argument("--batch-size", type=int, default=10_000, help="backfill: records per ingest job")
    parser.add_argument("--wait", type=float, default=1.0, help="seconds between Bulk API job polls")
    parser.set_defaults(func=run)


@dataclass
class Records:
    """The records read (packed, with their blocking-key hashes) and the rows skipped with why."""

    store: Store = field(default_factory=Store)
    skipped: list[str] = field(default_factory=list)


def run(args: argparse.Namespace) -> int:
    """Read, compare, write; exit 0 (2 for an unusable input, org or rules file)."""
    from leadrelay.engine.diagnostics import RuleSetError
    from leadrelay.rulefiles.dedup_loading import load_match_rules  # loads the matching libraries

    from leadrelay_tools.cli import dedup_org

    if args.action == "backfill":
        return dedup_org.run_backfill(args)
    if (args.input is None) == (not args.from_org) or args.output is None:
        print("leadrelay dedup: say --input FILE or --from-org, and --output FILE", file=sys.stderr)
        return 2
    if not 1 <= args.max_records <= MAX_RECORDS:
        print(f"leadrelay dedup: --max-records is 1 to {MAX_RECORDS:,}", file=sys.stderr)
        return 2
    try:
        rules = load_match_rules(args.rules)
        source = dedup_org.org_rows(args, rules) if args.from_org else None
        encoding = "utf-8-sig" if source else detect_encoding(args.input, args.encoding)
    except (OSError, RuleSetError, LookupError, dedup_org.OrgError) as error:
        print(f"leadrelay dedup: {_problem(args.input, error)}", file=sys.stderr)
        return 2
    with Workers(rules, args.rules, args.workers) as workers:
        try:
            found = Records(Store(args.max_records))
            for sobject, rows in source or [("Lead", read_rows(args.input, encoding))]:
                read(workers, rows, found, sobject)
        except UnicodeDecodeError as error:
            print(f"leadrelay dedup: {_problem(args.input, error)}", file=sys.stderr)
            return 2
        except StoreFullError as error:
            print(f"leadrelay dedup: {error}", file=sys.stderr)
            return 2
        matches, candidates, clusters = write_pairs(workers, found.store, args.output)
    if args.clusters:
        write_clusters(clusters, found.store.ids, args.clusters)
    for problem in found.skipped:
        print(f"leadrelay dedup: skipped {problem}", file=sys.stderr)
    origin = "from the org" if source else label(encoding)
    print(
        f"{len(found.store):,} records read ({origin}), {len(found.skipped):,} rows skipped; "
        f"{matches:,} matches, {candidates:,} candidates, {len(clusters):,} clusters → {args.output}"
    )
    return 0


def read(
    workers: Workers, rows: Iterable[Row], found: Records, sobject: str = "Lead", pair: str = PAIR
) -> None:
    """Add every usable row's match record to ``found`` as the rows arrive; name each unusable row."""

    def usable() -> Iterator[tuple[int, dict[str, Any]]]:
        for number, row, problem in rows:
            if row is None:
                found.skipped.append(f"row {number}: {problem}")
            else:
                yield number, row

    bar = ProgressBar(f"reading {sobject}", None)
    try:
        for number, identifier, blob, hashes, problem in workers.records(sobject, pair, usable()):
            if blob is None:
                found.skipped.append(f"row {number}: {problem}")
                continue
            found.store.add(identifier, blob, hashes)
            if len(found.store) % PROGRESS_EVERY == 0:
                bar.update(len(found.store))
        bar.update(len(found.store))
    finally:
        bar.close()


def write_pairs(workers: Workers, store: Store, path: Path) -> tuple[int, int, list[list[int]]]:
    """Write the match and candidate pairs as they are decided; the counts and the clusters."""
    clusters = Clusters(list(range(len(store))))
    counts = {Outcome.MATCH: 0, Outcome.CANDIDATE: 0}
    bar = ProgressBar("comparing", None)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(PAIR_COLUMNS)
        for i, j, score, outcome, reasons in workers.decisions(PAIR, store):
            writer.writerow((store.ids[i], store.ids[j], f"{score:g}", outcome.value, reasons))
            counts[outcome] += 1
            if outcome is Outcome.MATCH:
                clusters.join(i, j)
            if sum(counts.values()) % PROGRESS_EVERY == 0:
                bar.update(sum(counts.values()))
    bar.close()
    return counts[Outcome.MATCH], counts[Outcome.CANDIDATE], clusters.groups()


def write_clusters(clusters: list[list[int]], ids: list[str], path: Path) -> None:
    """``cluster,id`` per member, clusters numbered from 1."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(("cluster", "id"))
        writer.writerows((number, ids[i]) for number, members in enumerate(clusters, 1) for i in members)


def _problem(path: Path, error: BaseException) -> str:
    if isinstance(error, FileNotFoundError):
        return f"{path}: no such file"
    if isinstance(error, UnicodeDecodeError):
        return f"{path}: cannot decode ({error}); say --encoding"
    if isinstance(error, LookupError):
        return f"{path}: unknown encoding ({error})"
    return str(error)
