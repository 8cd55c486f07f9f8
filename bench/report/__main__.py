"""``python -m bench.report``: how long ``leadrelay report`` takes over a large decision log.

Writes a seeded synthetic decision log (default 100,000 leads over 90 days: page views, a third of them
entering MQL and routed, then completed Tasks, SQLs and wins, in batches of 200 entries per
``decisions/dt=…/<batch>.jsonl`` object, as the processor writes them) to a temporary directory, then
times each stage of the report: the DuckDB cohort query, the KPIs by week and by rep, and the HTML page.
Prints, never asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
from leadrelay.domain.decision_log import DecisionEntry
from leadrelay_tools.cli.report import sla_deadline
from leadrelay_tools.funnel.facts import Period, from_log
from leadrelay_tools.funnel.kpis import GroupBy, report
from leadrelay_tools.funnel.page import html_page

RULES = Path(__file__).resolve().parents[2] / "rules"
START = datetime(2026, 9, 1, tzinfo=UTC)
DAYS = 90
REPS = [f"005RM00000000{n:02d}YAA" for n in range(1, 13)]
BATCH = 200


def lead_entries(number: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    """One lead's decisions: page views; for a third, MQL (routed), maybe a Task, SQL and a win."""
    record_id = f"00QRM{number:010d}AAA"
    at = START + timedelta(minutes=rng.randrange(DAYS * 24 * 60))
    source = rng.choice(("hubspot", "marketo"))
    for _ in range(rng.randint(1, 4)):
        yield _entry(record_id, at, source, "page_view")
        at += timedelta(hours=rng.randint(1, 72))
    if rng.random() > 0.33:
        return
    yield _entry(record_id, at, source, "seminar_attended", ("Lead", "MQL"), rng.choice(REPS))
    if rng.random() < 0.8:
        yield _entry(record_id, at + timedelta(hours=rng.expovariate(1 / 30)), "salesforce", "task_completed")
    if rng.random() < 0.4:
        at += timedelta(days=rng.randint(1, 10))
        yield _entry(record_id, at, "salesforce", "lead_updated", ("MQL", "SQL"))
        if rng.random() < 0.25:
            yield _entry(
                record_id, at + timedelta(days=20), "salesforce", "lead_updated", ("SQL", "Customer")
            )


def _entry(
    record_id: str,
    at: datetime,
    source: str,
    kind: str,
    move: tuple[str, str] | None = None,
    rep: str | None = None,
) -> dict[str, Any]:
    stage_from, stage_to = move or ("Lead", "Lead")
    moved = [] if move is None else [{"rule_id": "lifecycle", "from_stage": stage_from, "to_stage": stage_to}]
    routing = (
        None
        if rep is None
        else {"owner_id": rep, "row_id": "routing.east", "via": "pool east", "skipped": []}
    )
    return {
        "schema_version": 1,
        "logged_at": at.isoformat().replace("+00:00", "Z"),
        "event_key": f"{source}:{record_id}:{at.timestamp():.0f}",
        "event_source": source,
        "event_type": kind,
        "occurred_at": at.isoformat().replace("+00:00", "Z"),
        "sobject": "Lead",
        "record_id": record_id,
        "ruleset_version": "3f9c0a1b",
        "scores": {"fit": 40, "engagement": 55},
        "stage": stage_to,
        "previous_stage": stage_from,
        "transitions": moved,
        "reasons": [],
        "routing": routing,
        "written": ["LR_Engagement_Score__c"],
    }


def write_log(root: Path, leads: int, seed: int) -> int:
    """The synthetic log under ``root``; returns the number of entries."""
    rng = random.Random(seed)
    entries = sorted((e for n in range(leads) for e in lead_entries(n, rng)), key=lambda e: e["logged_at"])
    msgspec.convert(entries[0], DecisionEntry, strict=False)  # the synthetic lines follow the real format
    for start in range(0, len(entries), BATCH):
        batch = entries[start : start + BATCH]
        day = batch[0]["logged_at"][:10]
        folder = root / "decisions" / f"dt={day}"
        folder.mkdir(parents=True, exist_ok=True)
        text = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in batch)
        (folder / f"b{start // BATCH:06d}.jsonl").write_text(text, encoding="utf-8")
    return len(entries)


def main() -> None:
    """Write the log, then time the report's stages."""
    parser = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        started = time.perf_counter()
        count = write_log(root, args.leads, args.seed)
        objects = sum(1 for _ in root.glob("decisions/dt=*/*.jsonl"))
        print(
            f"log: {args.leads:,} leads, {count:,} entries in {objects:,} objects "
            f"({time.perf_counter() - started:.1f} s to write)"
        )
        period = Period(date(2026, 9, 1), date(2026, 11, 30))
        deadline = sla_deadline(RULES)
        started = time.perf_counter()
        facts = from_log(root, period, deadline, as_of=period.end)
        query = time.perf_counter() - started
        started = time.perf_counter()
        weekly, by_rep = report(facts, GroupBy.WEEK), report(facts, GroupBy.REP)
        kpis = time.perf_counter() - started
        started = time.perf_counter()
        page = html_page(weekly, "bench")
        render = time.perf_counter() - started
        total = weekly.total
        print(f"cohort: {total.mqls:,} MQLs, {total.sqls:,} SQLs, {total.won:,} won, {len(by_rep.rows)} reps")
        print(
            f"DuckDB cohort query: {query:.2f} s; KPIs (week + rep): {kpis:.2f} s; "
            f"HTML page ({len(page) / 1e6:.1f} MB): {render:.2f} s; total {query + kpis + render:.2f} s"
        )
        print(f"cpu count: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
