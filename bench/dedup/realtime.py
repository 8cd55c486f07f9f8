"""Real-time matching compute per incoming lead against a large base (I/O excluded).

The base's blocking index is built once (``Store``); for each incoming lead the benchmark times
what the processor's matching does in memory (half the leads are stored people sending a form
again, half are new): normalise the lead, compute its blocking keys, look
them up, rebuild the candidates and compare the lead with each.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from leadrelay.domain.matching.match_rules import MatchRules
from leadrelay_tools.dedup.store import Store, key_hashes, unpack


@dataclass(frozen=True)
class Latency:
    """Per-lead compute time (ms: wall, and CPU — on a shared machine the wall time includes waiting
    for a core) and how many candidates each lead was compared with."""

    p50: float
    p95: float
    p99: float
    cpu_p95: float
    candidates: float
    most: int
    leads: int

    def line(self, base: int) -> str:
        """``real time: p50 … p95 … ms per incoming lead against N records``."""
        return (
            f"real time, {self.leads:,} incoming leads against {base:,} records (compute, no I/O): "
            f"p50 {self.p50:.2f} ms  p95 {self.p95:.2f} ms  p99 {self.p99:.2f} ms wall; "
            f"p95 {self.cpu_p95:.2f} ms CPU ({self.candidates:.1f} candidates per lead, at most {self.most})"
        )


SALESFORCE_NAMES = {
    "first_name": "FirstName",
    "last_name": "LastName",
    "email": "Email",
    "phone": "Phone",
    "company": "Company",
    "title": "Title",
    "postal_code": "PostalCode",
    "corporate_number": "CorporateNumber__c",
}


def resubmissions(store: Store, count: int) -> list[dict[str, Any]]:
    """``count`` stored people sending a form again (the commonest real-time case), spread over the base."""
    step = max(len(store) // max(count, 1), 1)
    rows = []
    for index in range(0, len(store), step)[:count]:
        values = unpack(store.blobs[index]).values
        rows.append({column: values[field] for field, column in SALESFORCE_NAMES.items() if field in values})
    return rows


def measure(
    rules: MatchRules, store: Store, leads: Iterable[dict[str, Any]], pair: str = "lead_lead"
) -> Latency:
    """Time each lead's matching against ``store`` (its index built before the first lead)."""
    matcher = rules.pair(pair)
    store.index()
    seconds: list[float] = []
    cpu: list[float] = []
    counts: list[int] = []
    for row in leads:
        started, used = time.perf_counter(), time.process_time()
        record = rules.record("Lead", row)
        candidates = store.lookup(key_hashes(matcher.blocking_keys(record)), rules.max_block)
        for index in candidates:
            matcher.compare(record, unpack(store.blobs[index]))
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
        counts.append(len(candidates))
    cuts = statistics.quantiles([s * 1000 for s in seconds], n=100)
    cpu_p95 = statistics.quantiles([s * 1000 for s in cpu], n=100)[94]
    return Latency(cuts[49], cuts[94], cuts[98], cpu_p95, statistics.fmean(counts), max(counts), len(counts))
