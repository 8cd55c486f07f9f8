"""The Salesforce calls the route step adds to a processor batch (part 3 of ``python -m bench.routing``).

The same batch — every lead of it becoming an MQL (two pricing-page views and two seminars each) — goes
through the processor twice on the local org, each time on freshly seeded leads: once on the shipped
rules, once on the same rules without ``routing.json``. The org's request log counts every REST call;
the difference is what routing costs per batch (the target: at most 2, users and absences read once
per batch however many leads it routes — the owner's Task rides in the batch's collection writes).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from leadrelay.bootstrap import Overrides
from leadrelay.domain.events import CanonicalEvent, EventKind, EventSource, Identity
from leadrelay.pipeline import InboundMessage
from leadrelay_tools.local_pipeline import local_pipeline
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.localorg.samples import seed_fit_40_lead

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # a Friday, 18:00 in Tokyo


@dataclass(frozen=True)
class BatchCalls:
    """REST calls of one batch, by kind, and how many leads it routed."""

    mqls: int
    calls: dict[str, int]

    @property
    def total(self) -> int:
        """Every call of the batch."""
        return sum(self.calls.values())


def becomes_mql(email: str, batch: str) -> list[CanonicalEvent]:
    """Two pricing-page views and two seminars this week: engagement 70 on a fit-40 lead."""
    pricing = "https://www.sample-saas.jp/pricing"
    kinds = [("page_view", pricing, 60), ("page_view", pricing, 120)]
    kinds += [("seminar_attended", "", 60 * 24), ("seminar_attended", "", 60 * 48)]
    return [
        CanonicalEvent(
            idempotency_key=f"hubspot:{batch}:{email}:{n}",
            kind=EventKind.ACTIVITY,
            type=kind,
            source=EventSource.HUBSPOT,
            occurred_at=NOW - timedelta(minutes=minutes),
            identity=Identity(email=email),
            attributes={"url": url},
        )
        for n, (kind, url, minutes) in enumerate(kinds)
    ]


def one_batch(org: LocalOrg, rules: Path, mqls: int, batch: str) -> BatchCalls:
    """Seed ``mqls`` leads (営業本部長, 350 employees, 東京都: fit 40), warm a pipeline up, run one batch."""
    emails = [f"lead{n}.{batch}@sample-shoji.co.jp" for n in range(mqls)]
    for n, email in enumerate(emails):
        seed_fit_40_lead(org, email, LastName=f"山田{n}", FirstName=None)
    pipeline = local_pipeline(org, rules, overrides=Overrides(clock=lambda: NOW, sleep=lambda _: None))
    warm = becomes_mql(f"warm.{batch}@sample-shoji.co.jp", batch)[0]
    pipeline.run([InboundMessage(f"warm-{batch}", warm.model_dump_json())], remaining=lambda: 60.0)
    before = org.api_calls
    events = [event for email in emails for event in becomes_mql(email, batch)]
    messages = [InboundMessage(f"{batch}-{n}", e.model_dump_json()) for n, e in enumerate(events)]
    pipeline.run(messages, remaining=lambda: 60.0)
    after = org.api_calls
    return BatchCalls(mqls, {k: after[k] - before[k] for k in after.by_kind if after[k] - before[k]})


def routing_calls(rules: Path, sizes: tuple[int, ...] = (5, 50)) -> list[tuple[BatchCalls, BatchCalls]]:
    """Per batch size: the batch on rules without routing, and on the shipped rules."""
    measured = []
    with LocalOrg() as org, tempfile.TemporaryDirectory() as scratch:
        unrouted = Path(shutil.copytree(rules, Path(scratch) / "rules"))
        (unrouted / "routing.json").unlink()
        for size in sizes:
            org.reset()
            without = one_batch(org, unrouted, size, f"plain{size}")
            org.reset()
            measured.append((without, one_batch(org, rules, size, f"routed{size}")))
    return measured


def print_routing_calls(rules: Path) -> bool:
    """Print the figures and the ratio per batch size; True when routing added more than 2 reads."""
    failed = False
    print("processor batch: Salesforce calls the route step adds (local org request log)")
    for without, routed in routing_calls(rules):
        added = routed.total - without.total
        reads = routed.calls.get("query", 0) - without.calls.get("query", 0)
        print(
            f"  {routed.mqls:>3} leads becoming MQLs in one batch: {routed.total} calls with routing, "
            f"{without.total} without (ratio {routed.total / without.total:.2f}) → routing adds {added}: "
            f"{reads} reads + {added - reads} collection write"
        )
        print(f"      with routing {routed.calls}; without {without.calls}")
        failed |= reads > 2
    verdict = "NO" if failed else "yes"
    print(f"  routing adds ≤ 2 Salesforce calls per batch to read users and absences: {verdict}")
    print("  (the owners' follow-up Tasks add one upsert request per 200 Tasks to the batch's write)")
    return failed
