"""``python -m bench.simulate``: `rules simulate` on 100,000 exported leads with their histories.

1. Writes an export (header, one line per lead with 0–30 activities, two users) from the rules
   benchmark's deterministic synthetic leads, in blocks, to a temporary file.
2. Copies the shipped rules with the MQL engagement threshold raised 50 → 60 (the proposed change).
3. Times the whole simulation (read, evaluate both rule sets on every core, re-trace the changed leads,
   choose owners, summarise, render the HTML page) — target: under 20 s for 100,000 leads on this
   2-core machine.
4. Times the reference in the same run: the same file read and parsed and the baseline rule set alone
   evaluated once per lead in this one process, no trace — what evaluating the export costs at all.
   Prints both, leads/s and the ratio. Reports, never asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

from leadrelay import load_rules
from leadrelay_tools.export_format import header_line, person_line, user_line
from leadrelay_tools.simulation.baseline import rules_with_thresholds
from leadrelay_tools.simulation.page import html_report
from leadrelay_tools.simulation.run import simulate
from leadrelay_tools.simulation.summary import summarise

from bench.rules.synth import synthetic_leads

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"
NOW = datetime(2026, 11, 20, 18, 0, tzinfo=timezone(timedelta(hours=9)))
TARGET_SECONDS = 20.0
BLOCK = 10_000
USERS = ("005RM0000000002YAA", "005RM0000000003YAA")


def write_export(path: Path, count: int, seed: int) -> None:
    """``count`` synthetic leads as an export, written block by block."""
    with path.open("w", encoding="utf-8") as out:
        out.write(header_line(NOW))
        for start in range(0, count, BLOCK):
            block = synthetic_leads(min(BLOCK, count - start), seed=seed + start, now=NOW)
            for index, context in enumerate(block, start=start):
                record = {**context["lead"], "Id": f"00QRM{index:010d}AAA"}
                out.write(person_line("Lead", record, context["activities"]))
        for user in USERS:
            out.write(user_line({"Id": user, "IsActive": True, "TimeZoneSidKey": "Asia/Tokyo"}))


def proposed_rules(scratch: Path) -> Path:
    """The shipped rules with ``mql_engagement`` 50 → 60."""
    return rules_with_thresholds(RULES_DIR, scratch / "proposed", mql_engagement=60)


def reference_seconds(export: Path) -> float:
    """Read and parse the export and evaluate the baseline once per lead, in this process, no trace."""
    rules = load_rules(RULES_DIR)
    started = time.perf_counter()
    with export.open(encoding="utf-8") as lines:
        for line in lines:
            item = json.loads(line)
            if item.get("kind") == "person":
                rules.evaluate(
                    {"lead": item["record"], "activities": item["activities"], "event": {}}, now=NOW
                )
    return time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.simulate", description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261204)
    parser.add_argument("--workers", type=int, default=None, help="default: one per core")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-simulate-") as scratch_dir:
        scratch = Path(scratch_dir)
        export = scratch / "export.jsonl"
        started = time.perf_counter()
        write_export(export, args.leads, args.seed)
        size = export.stat().st_size / 1e6
        print(
            f"export: {args.leads:,} leads, {size:,.0f} MB, written in {time.perf_counter() - started:.1f} s"
        )
        proposed = proposed_rules(scratch)
        started = time.perf_counter()
        simulation = simulate(export, RULES_DIR, proposed, now=NOW, workers=args.workers)
        summary = summarise(simulation)
        page = html_report(summary)
        elapsed = time.perf_counter() - started
        reference = reference_seconds(export)
    workers = args.workers or os.cpu_count() or 1
    verdict = "PASS" if elapsed < TARGET_SECONDS else "FAIL"
    print(
        f"simulate: {elapsed:.1f} s for {summary.people:,} leads × 2 rule sets on {workers} workers "
        f"({summary.people / elapsed:,.0f} leads/s), {len(summary.changed):,} leads change, "
        f"MQL {summary.mqls['before']:,} → {summary.mqls['after']:,}, page {len(page) / 1e6:.1f} MB "
        f"[target < {TARGET_SECONDS:.0f} s: {verdict}]"
    )
    print(
        f"reference (parse + baseline only, one process, no trace): {reference:.1f} s "
        f"({summary.people / reference:,.0f} leads/s); simulate / reference = {elapsed / reference:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
