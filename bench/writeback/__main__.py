"""``python -m bench.writeback``: Salesforce API calls per 1,000 events, batched and one write per event.

The same events go through the processor's pipeline (shipped rules, the real simple-salesforce gateway,
the local org over HTTPS, activities in memory) twice or more on identically seeded orgs:

* the **batch path** — batches as the ingest queue's event source mapping hands them over (one lookup
  query per object and key kind per batch, writes coalesced per record in sObject Collections of 200);
* the **naive path** — every event alone (a batch of one): its own lookups and its own write.

The local org counts every REST call. Printed: calls per 1,000 events for each path, the ratio, and
PASS/FAIL against the target (at most 15 per 1,000; the floor with 200-record collections is 5; the
naive path needs 1,000 or more). Nothing is timed. The exit code is 1 only if the paths disagree on
any person's scores or stage (the batch path must write the same result, just with fewer calls).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leadrelay.bootstrap import Overrides
from leadrelay.domain.events import Identity
from leadrelay.pipeline import InboundMessage, Outcome
from leadrelay_tools.cli.output import print_table
from leadrelay_tools.local_pipeline import local_pipeline
from leadrelay_tools.localorg import LocalOrg

from bench.writeback.traffic import NOW, Traffic, make_traffic, seed_org

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
TARGET = 15.0
FLOOR = 5.0
RESULT_FIELDS = ("LR_Fit_Score__c", "LR_Engagement_Score__c", "LR_Lifecycle_Stage__c")
WARM_UP = "warm-up@example.jp"


@dataclass(frozen=True)
class PathResult:
    """What one path cost and what it left in the org."""

    name: str
    batch_size: int
    calls: int
    by_kind: dict[str, int]
    outcomes: dict[str, int]
    state: dict[str, tuple[Any, ...]]
    events: int

    @property
    def per_thousand(self) -> float:
        return self.calls * 1000 / self.events


def template_batch_size() -> int | None:
    """``ProcessorBatchSize``'s default in template.yaml (what a deployment gets unless it overrides it)."""
    text = (ROOT / "template.yaml").read_text(encoding="utf-8")
    match = re.search(r"^  ProcessorBatchSize:\n(?:    .*\n)*?    Default: (\d+)", text, re.MULTILINE)
    return int(match.group(1)) if match else None


def run_path(org: LocalOrg, traffic: Traffic, name: str, batch_size: int) -> PathResult:
    """Seed a clean org, warm the pipeline up (it learns which fields the org has), then count."""
    org.reset()
    seed_org(org, traffic)
    pipeline = local_pipeline(org, RULES, overrides=Overrides(clock=lambda: NOW, sleep=lambda _: None))
    warm = traffic.events[0].model_copy(
        update={"idempotency_key": "warm-up", "identity": Identity(email=WARM_UP)}
    )
    pipeline.run([InboundMessage("warm-up", warm.model_dump_json())], remaining=lambda: 60.0)
    before = org.api_calls
    outcomes = dict.fromkeys((o.value for o in Outcome), 0)
    events = traffic.events
    for start in range(0, len(events), batch_size):
        chunk = events[start : start + batch_size]
        messages = [InboundMessage(f"m{start + i}", e.model_dump_json()) for i, e in enumerate(chunk)]
        report = pipeline.run(messages, remaining=lambda: 60.0)
        for outcome, count in report.counts().items():
            outcomes[outcome.value] += count
    after = org.api_calls
    kinds = {k: after[k] - before[k] for k in after.by_kind if after[k] - before[k]}
    return PathResult(
        name, batch_size, after.total - before.total, kinds, outcomes, final_state(org), len(events)
    )


def final_state(org: LocalOrg) -> dict[str, tuple[Any, ...]]:
    """Scores and stage per person (by e-mail), from the Leads and Contacts in the org."""
    state = {}
    for sobject in ("Lead", "Contact"):
        for record in org.records(sobject):
            email = str(record.get("Email") or "").lower()
            if email and email != WARM_UP:
                state[f"{sobject}:{email}"] = tuple(record.get(f) for f in RESULT_FIELDS)
    return state


def main(argv: Sequence[str] | None = None) -> int:
    """Run the paths, print the table and the verdicts; 1 if the paths disagree."""
    parser = argparse.ArgumentParser(prog="python -m bench.writeback", description=__doc__)
    parser.add_argument("--events", type=int, default=1000, help="events per path (default 1,000)")
    parser.add_argument("--people", type=int, default=300, help="distinct people (default 300)")
    parser.add_argument(
        "--batch-sizes",
        type=int,
        nargs="+",
        default=[200, 1000],
        help="processor batch sizes to measure (template.yaml ProcessorBatchSize: 10–1,000)",
    )
    args = parser.parse_args(argv)
    traffic = make_traffic(args.events, args.people)
    print(
        f"{args.events:,} events from {args.people:,} people ({len(traffic.leads)} already Leads, "
        f"{len(traffic.contacts)} Contacts), shipped rules, local org counting every REST call"
    )
    with LocalOrg() as org:
        batched = [run_path(org, traffic, f"batch path, batches of {b:,}", b) for b in args.batch_sizes]
        naive = run_path(org, traffic, "naive path, one write per event", 1)
    report(batched, naive)
    disagreements = [r.name for r in batched if r.state != naive.state]
    if disagreements:
        print(f"DISAGREE: {', '.join(disagreements)} left different scores or stages than the naive path")
        return 1
    print(f"agree: all paths left the same scores and stage for each of {len(naive.state):,} people")
    return 0


def report(batched: list[PathResult], naive: PathResult) -> None:
    """The table and one verdict line per batch size."""
    rows = [
        {
            "path": r.name,
            "calls": r.calls,
            "queries": r.by_kind.get("query", 0),
            "writes": r.calls - r.by_kind.get("query", 0),
            "calls/1,000 events": f"{r.per_thousand:.1f}",
            "naive/batch": f"{naive.calls / r.calls:.0f}x" if r is not naive and r.calls else "1x",
            "applied": r.outcomes["applied"],
            "dead-lettered": r.outcomes["dead_lettered"],
        }
        for r in [*batched, naive]
    ]
    print_table(rows, list(rows[0]))
    print(f"target: at most {TARGET:g} calls per 1,000 events (floor {FLOOR:g} with 200-record collections)")
    default = template_batch_size()
    for r in batched:
        verdict = "PASS" if r.per_thousand <= TARGET else "FAIL"
        note = " (template.yaml default)" if r.batch_size == default else ""
        print(f"  {verdict}  batches of {r.batch_size:,}{note}: {r.per_thousand:.1f} calls per 1,000 events")
    naive_verdict = "as expected" if naive.per_thousand >= 1000 else "unexpectedly low"
    print(f"  naive: {naive.per_thousand:,.0f} calls per 1,000 events ({naive_verdict}: at least 1,000)")


if __name__ == "__main__":
    sys.exit(main())
