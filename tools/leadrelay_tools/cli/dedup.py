"""``leadrelay dedup --input FILE --output PAIRS.csv``: 名寄せ of an export with rules/dedup.json.

Reads CSV (a Salesforce report export: UTF-8 with or without BOM, or Shift_JIS/CP932, detected, or
``--encoding``) or JSON Lines (``.jsonl``), compares the records that share a blocking key with the
``lead_lead`` match rules, and writes the pairs (``id_a,id_b,score,outcome,reasons``: matches and
candidates) and, with ``--clusters``, the clusters (connected components of matches). A bad row is
named and skipped; the count of skipped rows is printed. (First cut of issue 12 item 5: one process,
the records held in memory; no ``--from-org`` yet.)
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leadrelay.domain.dedup_rules import Outcome
from leadrelay.domain.matching.match_rules import MatchRules, candidate_pairs
from leadrelay.domain.matching.record import MatchRecord

from leadrelay_tools.cli.output import ProgressBar

PAIR_COLUMNS = ("id_a", "id_b", "score", "outcome", "reasons")


def register(subparsers: Any) -> None:
    """Add the `dedup` command."""
    parser = subparsers.add_parser(
        "dedup",
        help="find duplicate leads in a CSV or JSONL export (名寄せ) with rules/dedup.json",
        description="Compare the records of FILE that share a blocking key and write the matching and "
        "candidate pairs, and the clusters of matches, as CSV.",
    )
    parser.add_argument("--input", type=Path, required=True, help="CSV (report export) or .jsonl")
    parser.add_argument("--output", type=Path, required=True, help="the pairs, CSV")
    parser.add_argument("--clusters", type=Path, help="the clusters of matches, CSV (cluster,id)")
    parser.add_argument("--rules", type=Path, default=Path("rules"), help="rules directory or dedup.json")
    parser.add_argument("--encoding", help="the input's encoding (default: UTF-8, else CP932, detected)")
    parser.set_defaults(func=run)


@dataclass
class Rows:
    """The records read, their ids, and the rows skipped with why."""

    ids: list[str] = field(default_factory=list)
    records: list[MatchRecord] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def run(args: argparse.Namespace) -> int:
    """Read, compare, write; exit 0 (2 for an unusable input or rules file)."""
    from leadrelay.engine.diagnostics import RuleSetError
    from leadrelay.rulefiles.dedup_runner import load_match_rules  # loads the matching libraries

    try:
        rules = load_match_rules(args.rules)
        text, encoding = decode(args.input.read_bytes(), args.encoding)
    except (OSError, RuleSetError, UnicodeDecodeError, LookupError) as error:
        print(f"leadrelay dedup: {_problem(args.input, error)}", file=sys.stderr)
        return 2
    rows = read_records(text, args.input, rules)
    pairs, clusters = compare(rules, rows)
    with args.output.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(PAIR_COLUMNS)
        writer.writerows(pairs)
    if args.clusters:
        with args.clusters.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(("cluster", "id"))
            writer.writerows(
                (number, rows.ids[i]) for number, members in enumerate(clusters, 1) for i in members
            )
    for problem in rows.skipped:
        print(f"leadrelay dedup: skipped {problem}", file=sys.stderr)
    matches = sum(1 for pair in pairs if pair[3] == Outcome.MATCH.value)
    print(
        f"{len(rows.records):,} records read ({encoding}), {len(rows.skipped):,} rows skipped; "
        f"{matches:,} matches, {len(pairs) - matches:,} candidates, {len(clusters):,} clusters "
        f"→ {args.output}"
    )
    return 0


def decode(data: bytes, encoding: str | None) -> tuple[str, str]:
    """The text and the encoding used: ``encoding``, else UTF-8 (BOM dropped), else CP932."""
    if encoding:
        return data.decode(encoding), encoding
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp932"), "CP932"


def read_records(text: str, path: Path, rules: MatchRules) -> Rows:
    """Every readable row as a match record; each unreadable one named by its row number."""
    rows = Rows()
    bar = ProgressBar("reading", None)
    for number, row, problem in _rows(text, path.suffix.lower() == ".jsonl"):
        if problem is not None or row is None:
            rows.skipped.append(f"row {number}: {problem}")
            continue
        try:
            rows.records.append(rules.record("Lead", row))
        except (ValueError, TypeError) as error:
            rows.skipped.append(f"row {number}: {error}")
            continue
        rows.ids.append(str(row.get("Id") or f"row{number}"))
        bar.update(len(rows.records))
    bar.close()
    return rows


def compare(rules: MatchRules, rows: Rows) -> tuple[list[tuple[str, str, str, str, str]], list[list[int]]]:
    """The pairs worth writing (match, candidate) and the clusters of matches (two records or more)."""
    matcher = rules.pair("lead_lead")
    parent = list(range(len(rows.records)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    pairs = []
    for i, j in candidate_pairs(matcher, rows.records, rules.max_block):
        decision = matcher.compare(rows.records[i], rows.records[j])
        if decision.outcome is Outcome.DISTINCT:
            continue
        pairs.append(
            (rows.ids[i], rows.ids[j], f"{decision.score:g}", decision.outcome.value, decision.describe())
        )
        if decision.outcome is Outcome.MATCH:
            parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for index in range(len(parent)):
        groups.setdefault(root(index), []).append(index)
    return pairs, [members for members in groups.values() if len(members) > 1]


def _rows(text: str, jsonl: bool) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    if jsonl:
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError as error:
                yield number, None, f"not JSON ({error})"
                continue
            yield (number, value, None) if isinstance(value, dict) else (number, None, "not a JSON object")
        return
    reader = csv.DictReader(io.StringIO(text))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield reader.line_num, None, f"broken CSV ({error})"
            continue
        if None in row:
            yield reader.line_num, None, "more values than the header has columns"
            continue
        yield reader.line_num, dict(row), None


def _problem(path: Path, error: BaseException) -> str:
    if isinstance(error, FileNotFoundError):
        return f"{path}: no such file"
    if isinstance(error, UnicodeDecodeError | LookupError):
        return f"{path}: cannot decode ({error}); say --encoding"
    return str(error)
