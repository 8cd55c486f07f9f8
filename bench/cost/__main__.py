"""``python -m bench.cost``: what one million events cost on AWS, per component, per traffic shape.

Each shape (HubSpot requests of ~10 events, one-event Marketo requests, Salesforce change events) runs
through the real handlers — webhook or Salesforce-events handler → ingest queue → processor (behind a
stand-in for Lambda's SQS poller) → write-back — on moto and the local org, at several processor batch
sizes, counting every AWS request, DynamoDB unit, S3 put, Salesforce API call and logged byte; then
again with every adapter in memory, timing our code's CPU. ``bench.cost.model`` prices the counts at
us-east-1 list prices for arm64, with full batches and with trickling traffic (a million events over a
month), for the template's defaults and for the cheapest configuration that still meets the SLA.
Target: at most $3 per million events on the AWS side in every shape (printed PASS/FAIL, never asserted).
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from leadrelay_tools.replay.environ import quiet_functions

from bench.cost.in_memory import measure_in_memory
from bench.cost.measure import SHAPES, Shape, measure_on_moto
from bench.cost.meters import WRITES
from bench.cost.model import (
    REGION,
    VCPU_MB,
    Configuration,
    Counts,
    billed_seconds,
    cost_per_million,
    counts_at,
    events_per_batch,
)
from tests.infra.cfn import load_template

ROOT = Path(__file__).resolve().parents[2]
TARGET = 3.00
TRICKLE_EVENTS_PER_SECOND = 1_000_000 / (30 * 86_400)
"""A million events spread over a 30-day month."""
SLA_SECONDS = 60.0
"""An event is written to Salesforce within a minute of arriving (batching window + one invocation):
an MQL reaches its owner "at once" (README)."""
TIMEOUTS = {"webhook": 4.0, "salesforce_events": 30.0, "processor": 60.0}
"""The template's function timeouts; the webhook's sits inside HubSpot's 5 s."""
COLD_STARTS = {"webhook": (0.284, 57), "salesforce_events": (0.292, 52), "processor": (0.453, 90)}
"""Seconds (one full core) and peak MB of a cold start, from ``python -m bench.coldstart`` (README; the
processor's peak is its kanji case)."""
BATCH_MB_PER_EVENT = {"processor": 0.026}
"""What a batch adds to the processor's peak: 16–26 MB for 1,000 events through the processor with every
adapter in memory (the three shapes, 2026-12-04); the largest is taken."""
MEMORY_CHOICES = (128, 192, 256, 320, 384, 512, 768, 1024, 1769)
WINDOW_CHOICES = (1, 5, 10, 20, 30, 40, 50)
"""Batching windows tried, in seconds (an event must still be applied within ``SLA_SECONDS``)."""
BATCH_CHOICES = (100, 200, 500, 1000)


@dataclass(frozen=True)
class Measured:
    """A shape's counts at the batch sizes it was run at, and the in-memory compute beside them."""

    shape: Shape
    counts: Mapping[float, Counts]
    counts_without_deduplication: Mapping[float, Counts]
    """The same shape with ``IngressDeduplication=disabled`` (no ingress idempotency record)."""
    compute_ms_per_event: float
    full_path_ms_per_event: float
    dynamodb_writes: Mapping[str, float]
    """DynamoDB write requests per event, by function and operation (at the largest batch measured)."""


def _default(value: Any, parameters: Mapping[str, Any]) -> Any:
    """``value``, or the default of the parameter it refers to (``{"Ref": "ProcessorMemorySize"}``)."""
    if isinstance(value, dict) and "Ref" in value:
        return parameters[str(value["Ref"])]["Default"]
    return value


def template_defaults() -> Configuration:
    """Memory, architecture, batch size, batching window, log level and tracing as template.yaml sets them."""
    template = load_template(ROOT / "template.yaml")
    parameters, globals_ = template["Parameters"], template["Globals"]["Function"]
    resources = template["Resources"]
    names = {
        "webhook": "WebhookFunction",
        "salesforce_events": "SalesforceEventsFunction",
        "processor": "ProcessorFunction",
    }
    memory = {
        name: int(
            _default(resources[logical]["Properties"].get("MemorySize", globals_["MemorySize"]), parameters)
        )
        for name, logical in names.items()
    }
    return Configuration(
        name="template defaults",
        memory_mb=memory,
        log_level=str(parameters["LogLevel"]["Default"]),
        architecture=str(globals_["Architectures"][0]),
        batch_size=int(parameters["ProcessorBatchSize"]["Default"]),
        batching_window_seconds=int(parameters["ProcessorBatchingWindowSeconds"]["Default"]),
        traced_share=1.0 if globals_.get("Tracing") == "Active" else 0.0,
        ingress_deduplication=parameters["IngressDeduplication"]["Default"] == "enabled",
        webhook_function_url=parameters["WebhookFunctionUrl"]["Default"] == "enabled",
    )


def measure(shape: Shape, scale: float) -> Measured:
    """Run the shape at its batch sizes; fill in our code's CPU from the in-memory runs."""
    sizes = sorted({shape.events_per_request, 10, 200})
    counts: dict[float, Counts] = {}
    without: dict[float, Counts] = {}
    compute = full = 0.0
    writes: dict[str, float] = {}
    for size in sizes:
        events = max(int((400 if size >= 200 else 50) * scale), size, shape.events_per_request)
        with quiet_functions():
            moto, moto_run, aws = measure_on_moto(shape, size, events, ROOT / "rules")
            plain, _, _ = measure_on_moto(shape, size, events, ROOT / "rules", deduplication=False)
            memory = measure_in_memory(shape, size, events, ROOT / "rules")
        for measured_counts, into in ((moto, counts), (plain, without)):
            loads = {}
            for name, load in measured_counts.functions.items():
                cpu_per_event = memory.cpu[name] / max(memory.events, 1)
                loads[name] = replace(load, cpu_seconds=cpu_per_event / load.invocations)
            into[float(size)] = replace(measured_counts, functions=loads)
        if size == sizes[-1]:
            compute = sum(memory.cpu.values()) / max(memory.events, 1) * 1000
            full = sum(moto_run.wall.values()) / max(moto_run.events, 1) * 1000
            writes = {
                f"{function} {operation}": n / max(moto_run.events, 1)
                for (function, service, operation), n in sorted(aws.requests.items())
                if service == "dynamodb" and operation in WRITES
            }
        print(
            f"  measured {shape.name}: batches of {size}, {moto_run.events} events "
            f"({moto_run.applied} applied), {sum(moto_run.invocations.values())} invocations",
            flush=True,
        )
    return Measured(shape, counts, without, compute, full, writes)


def meets_sla(counts: Counts, config: Configuration, batch: float) -> bool:
    """Cold starts fit the timeouts, peak memory (a cold start's, plus what the batch adds) fits with a
    quarter to spare, and an event is applied within the SLA."""
    for name, load in counts.functions.items():
        memory = config.memory_mb[name]
        cold, cold_peak = COLD_STARTS[name]
        peak = cold_peak + BATCH_MB_PER_EVENT.get(name, 0.0) * batch
        warm = billed_seconds(load, memory)
        if memory < peak * 1.25 or cold * max(1.0, VCPU_MB / memory) + warm > TIMEOUTS[name]:
            return False
    processor = counts.functions.get("processor")
    latency = billed_seconds(processor, config.memory_mb["processor"]) if processor else 0.0
    return config.batching_window_seconds + latency <= SLA_SECONDS if batch > 1 else latency <= SLA_SECONDS


def scenario(measured: Measured, config: Configuration, *, full: bool) -> tuple[float, Counts]:
    """Events per batch and the counts there, for ``config`` with full or trickling traffic."""
    batch = events_per_batch(
        full=full,
        batch_size=config.batch_size,
        window_seconds=config.batching_window_seconds,
        events_per_request=measured.shape.events_per_request,
        events_per_second=TRICKLE_EVENTS_PER_SECOND,
    )
    source = measured.counts if config.ingress_deduplication else measured.counts_without_deduplication
    return batch, counts_at(source, batch)


def cheapest(
    measured: Measured, default: Configuration, *, full: bool
) -> tuple[Configuration, Configuration]:
    """The cheapest arm64 configuration (memory per function, window, batch size, log level, ingress
    deduplication, webhook endpoint) within the SLA, and the cheapest that keeps ingress deduplication,
    found in one search. Either deduplication setting keeps application exactly once: the processor's
    conditional writes apply a redelivered event once."""
    best: dict[bool, tuple[float, Configuration]] = {}  # by "deduplication kept"
    batches = BATCH_CHOICES if full else (default.batch_size,)
    endpoints = (False, True) if _has_webhook(measured) else (False,)
    for ingress_mb, processor_mb, window, size, level, dedup, function_url in itertools.product(
        MEMORY_CHOICES, MEMORY_CHOICES, WINDOW_CHOICES, batches, ("INFO", "WARNING"), (True, False), endpoints
    ):
        config = Configuration(
            name="cheapest within the SLA",
            memory_mb={"webhook": ingress_mb, "salesforce_events": ingress_mb, "processor": processor_mb},
            log_level=level,
            architecture="arm64",
            batch_size=size,
            batching_window_seconds=window,
            traced_share=default.traced_share,
            ingress_deduplication=dedup,
            webhook_function_url=function_url,
        )
        batch, counts = scenario(measured, config, full=full)
        if not meets_sla(counts, config, batch):
            continue
        total = sum(cost_per_million(counts, config).values())
        for kept in {dedup, False}:  # a configuration keeping deduplication competes in both
            if kept not in best or total < best[kept][0] - 1e-9:
                best[kept] = (total, config)
    if True not in best or False not in best:
        raise SystemExit(f"{measured.shape.name}: no configuration meets the SLA")
    return best[False][1], replace(best[True][1], name="cheapest, deduplication kept")


def _has_webhook(measured: Measured) -> bool:
    """Whether the shape's requests go through the webhook function (so its endpoint matters)."""
    return any("webhook" in counts.functions for counts in measured.counts.values())


def describe(config: Configuration) -> str:
    """One line: the settings that matter."""
    memory = ", ".join(f"{name} {mb} MB" for name, mb in config.memory_mb.items())
    return (
        f"{config.architecture}; {memory}; batch size {config.batch_size}, window "
        f"{config.batching_window_seconds} s; LOG_LEVEL {config.log_level}; ingress deduplication "
        f"{'enabled' if config.ingress_deduplication else 'disabled'}; webhooks through the "
        f"{'function URL' if config.webhook_function_url else 'HTTP API'}"
    )


def report(measured: Measured, default: Configuration, *, full: bool) -> bool:
    """Print one shape's breakdown for the defaults and the cheapest configuration; True when it passes."""
    traffic = "full batches" if full else "trickling (1M events over a month)"
    found, kept = cheapest(measured, default, full=full)
    same = replace(kept, name=found.name) == found
    configs = [default, found, *([] if same else [kept])]
    rows: dict[str, list[float]] = {}
    batches = []
    for config in configs:
        batch, counts = scenario(measured, config, full=full)
        batches.append(batch)
        for component, dollars in cost_per_million(counts, config).items():
            rows.setdefault(component, []).append(dollars)
    totals = [sum(values[i] for values in rows.values()) for i in range(len(configs))]
    best = min(totals)
    verdict = "PASS" if best <= TARGET else "FAIL"
    print(
        f"\n{measured.shape.name} — {traffic}: {verdict} "
        f"(${best:.2f} per million events, target ${TARGET:.2f})"
    )
    print(f"  {'component':<30}" + "".join(f"{c.name:>30}" for c in configs))
    print(f"  {'events per processor batch':<30}" + "".join(f"{b:>30,.1f}" for b in batches))
    for component, values in rows.items():
        if any(v >= 0.005 for v in values):
            print(f"  {component:<30}" + "".join(f"{'$' + format(v, ',.2f'):>30}" for v in values))
    print(f"  {'total':<30}" + "".join(f"{'$' + format(t, ',.2f'):>30}" for t in totals))
    for config in configs:
        print(f"  {config.name}: {describe(config)}")
    if verdict == "FAIL":
        index = totals.index(best)
        stoppers = sorted(((v[index], k) for k, v in rows.items()), reverse=True)[:2]
        named = " and ".join(f"{name} (${dollars:.2f})" for dollars, name in stoppers)
        print(f"  what stops it: {named}")
    return verdict == "PASS"


def print_counts(measured: Measured, default: Configuration) -> None:
    """The measured counts per event at the template's full batch size."""
    counts = counts_at(measured.counts, float(default.batch_size))
    lambdas = dict(counts.functions)
    invocations = ", ".join(f"{n} {load.invocations:.3f}" for n, load in lambdas.items())
    print(
        f"\n{measured.shape.name}, per event at batches of {default.batch_size}: Lambda invocations "
        f"{invocations}; SQS requests {counts.sqs_requests:.2f}; DynamoDB {counts.dynamodb_write_units:.2f} "
        f"write / {counts.dynamodb_read_units:.2f} read units; S3 puts {counts.s3_puts:.4f}; Salesforce API "
        f"calls {counts.salesforce_calls:.4f}"
    )
    for name, load in lambdas.items():
        memory = default.memory_mb[name]
        print(
            f"  {name}: our CPU {load.cpu_seconds * 1000:.1f} ms per invocation (one core), waits "
            f"{load.calls.wait_seconds() * 1000:.1f} ms, billed {billed_seconds(load, memory) * 1000:.0f} ms "
            f"at {memory} MB; logs {load.log_bytes['INFO']:,.0f} B per invocation at INFO, "
            f"{load.log_bytes['WARNING']:,.0f} B at WARNING"
        )
    writes = ", ".join(f"{name} {n:.2f}" for name, n in measured.dynamodb_writes.items())
    print(f"  DynamoDB write requests per event: {writes}")
    print(
        f"  pipeline's own compute, every adapter in memory: {measured.compute_ms_per_event:.2f} ms "
        "per event; "
        f"the full path on moto and the local org: {measured.full_path_ms_per_event:.2f} ms per event "
        f"(ratio {measured.full_path_ms_per_event / max(measured.compute_ms_per_event, 1e-9):.1f}x)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Measure every shape, print the counts and the cost per million events."""
    parser = argparse.ArgumentParser(prog="python -m bench.cost", description=__doc__)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="events per measured run, relative (default 1)"
    )
    args = parser.parse_args(argv)
    default = template_defaults()
    print(
        f"AWS list prices, {REGION}; template defaults: {describe(default)}; "
        f"X-Ray share {default.traced_share}"
    )
    measured = [measure(shape, args.scale) for shape in SHAPES]
    for item in measured:
        print_counts(item, default)
    results = [report(item, default, full=full) for item in measured for full in (True, False)]
    print(f"\n{sum(results)} of {len(results)} shapes within ${TARGET:.2f} per million events")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
