"""``python -m bench.ingress``: 10,000 webhook events: webhook handler → ingest queue → processor → org.

Everything runs in this process on the functions' own code: the webhook function's handler and runtime
(``bootstrap.webhook.webhook_runtime``: mappings, secrets, Powertools idempotency, the SQS sender), the ingest
queue and tables on moto, the processor's handler (``make_handler`` on ``bootstrap.processor``:
Powertools batch processing, the pipeline, the Salesforce gateway) fed by a stand-in for Lambda's SQS
event source mapping, and the local org.

Requests arrive in order; whenever a batch's worth of events waits on the queue the processor is invoked,
as Lambda does with a full batch. An event's latency runs from the start of the webhook request that
carried it to the return of the processor invocation that applied it. Printed, never asserted: events/s,
p50/p99 latency, and two references measured in the same run, with ratios — the bare moto SQS round trip
of the same messages, and ingress parsing alone. Exits 1 only if an event was lost.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from leadrelay_tools.replay.environ import quiet_functions
from leadrelay_tools.replay.local import local_environment

from bench.ingress.paths import Timings, parse_only, run_full_path, sqs_round_trip
from bench.ingress.traffic import SECRETS, known_leads, people, webhook_traffic

ROOT = Path(__file__).resolve().parents[2]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.ingress", description=__doc__)
    parser.add_argument("--events", type=int, default=10_000, help="events to send (default 10,000)")
    parser.add_argument("--people", type=int, default=2_000, help="people the events are about")
    parser.add_argument("--known", type=float, default=0.5, help="share of them that already are Leads")
    parser.add_argument(
        "--batch-size", type=int, default=200, help="processor batch size (moto slows sharply above 200)"
    )
    args = parser.parse_args(argv)

    pool = people(args.people)
    known = pool[: max(1, int(len(pool) * args.known))]
    traffic = webhook_traffic(args.events, pool, known)
    seed = {"Lead": known_leads(known)}
    print(
        f"{args.events:,} events in {len(traffic):,} webhook requests (HubSpot, Marketo, generic) about "
        f"{len(pool):,} people, {len(seed['Lead']):,} of them already Leads; processor batches of "
        f"{args.batch_size}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="bench-ingress-") as workdir:
        secrets = Path(workdir) / "secrets.json"
        secrets.write_text(json.dumps({"leadrelay/webhooks": SECRETS}), encoding="utf-8")
        with (
            quiet_functions(verbose=False),
            local_environment(rules_path=ROOT / "rules", secrets_file=secrets, seed=seed) as env,
        ):
            full = run_full_path(env, traffic, args.batch_size)
            sqs = sqs_round_trip(env, full.bodies, args.batch_size)
            parsing = parse_only(env, traffic)
    report(full, sqs, parsing)
    return 0 if full.lost == 0 else 1


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f} events/s" if seconds > 0 else "-"


def report(full: Timings, sqs: Timings, parsing: Timings) -> None:
    """Print the figures and the ratios to the references."""
    p50, p99 = _percentiles(full.latencies)
    per_1000 = full.api_calls * 1000 / max(full.accepted, 1)
    rows: list[tuple[str, Any]] = [
        ("events accepted by the webhook", f"{full.accepted:,}"),
        ("applied / dead-lettered / lost", f"{full.applied:,} / {full.dead_lettered:,} / {full.lost:,}"),
        ("full path", f"{full.seconds:.1f} s  {_rate(full.accepted, full.seconds)}"),
        ("  of which webhook handler", f"{full.ingress_seconds:.1f} s"),
        ("per-event latency p50 / p99", f"{p50 * 1000:,.0f} ms / {p99 * 1000:,.0f} ms"),
        ("processor invocations", f"{full.invocations:,}"),
        ("Salesforce API calls (local org)", f"{full.api_calls:,}  ({per_1000:.1f} per 1,000 events)"),
        ("reference: moto SQS round trip", f"{sqs.seconds:.1f} s  {_rate(sqs.accepted, sqs.seconds)}"),
        (
            "reference: ingress parsing alone",
            f"{parsing.seconds:.1f} s  {_rate(parsing.accepted, parsing.seconds)}",
        ),
        ("ratio full path / SQS round trip", f"{full.seconds / sqs.seconds:.1f}x" if sqs.seconds else "-"),
        (
            "ratio full path / parsing alone",
            f"{full.seconds / parsing.seconds:.1f}x" if parsing.seconds else "-",
        ),
    ]
    width = max(len(name) for name, _ in rows) + 2
    for name, value in rows:
        print(f"{name:<{width}}{value}")


def _percentiles(values: list[float]) -> tuple[float, float]:
    if len(values) < 2:
        return (values[0], values[0]) if values else (0.0, 0.0)
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return statistics.median(values), cuts[98]


if __name__ == "__main__":
    raise SystemExit(main())
