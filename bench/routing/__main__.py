"""``python -m bench.routing``: routing decisions per second, the spread of load, the SLA monitor's API calls.

1. **Routing**: 10,000 MQLs through a pool of 20 reps (weights 1-3) as the route step takes them
   (``pipeline.assignment.assign_from_pool``: read the pool's state, choose, save with a version check;
   the state in memory), twice — a weighted pool without caps or absences, where every rep's count must
   stay within one lead of its weighted share, and the same pool with a daily cap, an open cap and
   three reps out of office, where the skips are counted. The reference in the same run: a bare
   ``i % 20`` rotation (what routing costs beyond picking a slot).
2. **Route step calls** (:mod:`bench.routing.batch_calls`): one processor batch whose leads all become
   MQLs, on the shipped rules and on the same rules without ``routing.json``, counted by the local org's
   request log: what routing adds per batch (target: at most 2 reads, however many leads it routes).
3. **SLA monitor**: 10,000 open MQLs past their 48 hours in the local org; one pass of the monitor (its
   own graph, the real gateway over HTTPS, the alert ledger in memory) counted by the org's request log:
   queries (with their pages), notification requests and collection writes, against the target of one
   query per policy plus one composite write per 200 changed records.

Prints; asserts no time. Exit code 1 only when a count misses its target (spread, route step reads,
monitor calls).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from leadrelay.adapters.alert_ledger import InMemoryAlertLedger
from leadrelay.adapters.pool_states import InMemoryPoolStates
from leadrelay.bootstrap import Overrides
from leadrelay.bootstrap.sla_monitor import sla_monitor_runtime
from leadrelay.domain.calendar import BusinessCalendar
from leadrelay.domain.pools import Absence, PoolRules, Rep, Strategy
from leadrelay.pipeline.assignment import assign_from_pool
from leadrelay.settings import SlaMonitorSettings
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.replay.local import write_credentials

from bench.routing.batch_calls import print_routing_calls

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=TOKYO)  # a Tuesday
LEADS = 10_000
REPS = 20


@dataclass(frozen=True)
class RoutingRun:
    """What one routing run gave: leads per rep, skips per reason, seconds."""

    counts: Counter[str]
    skips: Counter[str]
    seconds: float


def reps(*, absent: int = 0) -> list[Rep]:
    """20 reps weighted 1, 2, 3, 1, 2, 3 …; the first ``absent`` of them out of office all day."""
    away = (Absence(NOW - timedelta(days=1), NOW + timedelta(days=1)),)
    return [
        Rep(f"005RM00000001{n:02d}AAA", TOKYO, weight=1 + n % 3, absences=away if n < absent else ())
        for n in range(REPS)
    ]


def route(team: list[Rep], rules: PoolRules) -> RoutingRun:
    """10,000 leads one after another through the pool, each saved before the next is routed."""
    states, calendar = InMemoryPoolStates(), BusinessCalendar()
    counts: Counter[str] = Counter()
    skips: Counter[str] = Counter()
    started = time.perf_counter()
    for _ in range(LEADS):
        choice = assign_from_pool("bench", team, rules, states, now=NOW, calendar=calendar)
        counts[choice.user_id or "fallback"] += 1
        skips.update(skip.reason.value for skip in choice.skipped)
    return RoutingRun(counts, skips, time.perf_counter() - started)


def reference() -> float:
    """Seconds for 10,000 slots of a bare modulo rotation."""
    counts: Counter[int] = Counter()
    started = time.perf_counter()
    for index in range(LEADS):
        counts[index % REPS] += 1
    return time.perf_counter() - started


def spread(team: list[Rep], counts: Counter[str]) -> float:
    """The largest distance between a rep's leads and their weighted share of all leads."""
    total = sum(rep.weight for rep in team)
    return max(abs(counts[rep.user_id] - LEADS * rep.weight / total) for rep in team)


def monitor_calls() -> tuple[dict[str, int], int, float]:
    """One SLA monitor pass over 10,000 breached MQLs in the local org: calls by kind, leads written."""
    with LocalOrg() as org:
        owners = org.sales_user_ids
        started = (NOW - timedelta(hours=49)).astimezone(UTC).isoformat()
        for n in range(LEADS):
            lead = {
                "LastName": f"見込{n}",
                "Company": "株式会社サンプル商事",
                "OwnerId": owners[n % len(owners)],
                "LR_Lifecycle_Stage__c": "MQL",
                "LR_SLA_Status__c": "On Track",
                "LR_SLA_Started_At__c": started,
            }
            org.insert("Lead", lead, user_id=org.integration_user_id)
        workdir = org.workdir
        settings = SlaMonitorSettings.of(
            {
                "rules_path": RULES,
                "routing_table": "unused (ledger in memory)",
                "sf_credentials_file": write_credentials(org, workdir),
                "sf_ca_file": org.ca_file,
            }
        )
        runtime = sla_monitor_runtime(
            settings, Overrides(clock=lambda: NOW, alert_ledger=InMemoryAlertLedger())
        )
        org.state.calls.clear()
        clock = time.perf_counter()
        report = runtime.monitor.run(NOW)
        seconds = time.perf_counter() - clock
        return dict(org.api_calls.by_kind), report.leads_written, seconds


def main() -> int:
    """Run both parts and print their figures."""
    failed = False
    weighted = reps()
    plain = route(weighted, PoolRules(Strategy.WEIGHTED_ROUND_ROBIN))
    capped_team = reps(absent=3)
    capped = route(capped_team, PoolRules(Strategy.WEIGHTED_ROUND_ROBIN, max_new_per_day=700, max_open=900))
    base = reference()
    worst = spread(weighted, plain.counts)
    print(f"routing: {LEADS:,} MQLs, {REPS} reps weighted 1-3 (pool state saved after each lead)")
    print(
        f"  weighted, no caps:   {LEADS / plain.seconds:,.0f} decisions/s; largest distance from the weighted"
    )
    print(f"                       share {worst:.2f} leads (target within 1)")
    print(f"  caps + 3 reps away:  {LEADS / capped.seconds:,.0f} decisions/s; skips {dict(capped.skips)};")
    busiest = max(capped.counts.values())
    print(f"                       fallback {capped.counts['fallback']}, busiest rep {busiest}")
    print(f"  reference (i % 20):  {LEADS / base:,.0f} slots/s")
    failed |= worst > 1
    failed |= print_routing_calls(RULES)

    calls, written, seconds = monitor_calls()
    queries = calls.get("query", 0)
    pages = calls.get("query_more", 0)
    writes = sum(count for kind, count in calls.items() if kind.startswith("collections_"))
    print(f"SLA monitor: {LEADS:,} open MQLs past 48 h, one pass ({seconds:.1f} s through the local org)")
    notes = calls.get("actions", 0)
    print(f"  queries {queries} (+ {pages} pages of 2,000 records), notification requests {notes},")
    print(f"  collection writes {writes} for {written:,} leads (target: 1 per 200 = {-(-written // 200)})")
    print(f"  every call: {calls}")
    policies = 2
    failed |= queries > policies + 1 or writes > -(-written // 200)  # + the notification type, once
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
