"""The cost model of ``bench.cost``: measured counts per event → US dollars per million events, per component.

Pure arithmetic (tests/cost/test_cost_model.py checks it on fixed counts). The counts come from running
the real handlers on moto and the local org (``bench.cost.measure``); the prices are AWS's list prices
for us-east-1, stated here with their source; Lambda's duration is our code's CPU time (measured with
every adapter in memory, scaled to the CPU a memory size gets) plus the time spent waiting on AWS and
Salesforce (modelled per call from the typical latencies below).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

REGION = "us-east-1"
MILLION = 1_000_000
GIB = 1024**3


@dataclass(frozen=True)
class Prices:
    """List prices, us-east-1, on-demand, without free tiers (checked 2026-12)."""

    lambda_request: float = 0.20 / MILLION
    """https://aws.amazon.com/lambda/pricing/ — $0.20 per 1M requests."""
    lambda_gb_second: Mapping[str, float] = field(
        default_factory=lambda: {"arm64": 0.0000133334, "x86_64": 0.0000166667}
    )
    """https://aws.amazon.com/lambda/pricing/ — per GB-second, first 6 billion (arm64) / 7.5 billion
    (x86_64) GB-seconds a month."""
    http_api_request: float = 1.00 / MILLION
    """https://aws.amazon.com/api-gateway/pricing/ — HTTP APIs, $1.00 per 1M requests (first 300M;
    each 512 KB of a request counts as one)."""
    partner_event: float = 1.00 / MILLION
    """https://aws.amazon.com/eventbridge/pricing/ — partner events (Salesforce Event Relay), $1.00 per
    1M events (64 KB chunks); delivery to a Lambda target is free."""
    sqs_request: float = 0.40 / MILLION
    """https://aws.amazon.com/sqs/pricing/ — standard queue, $0.40 per 1M requests (64 KB chunks)."""
    dynamodb_write_unit: float = 0.625 / MILLION
    """https://aws.amazon.com/dynamodb/pricing/on-demand/ — $0.625 per 1M write request units."""
    dynamodb_read_unit: float = 0.125 / MILLION
    """https://aws.amazon.com/dynamodb/pricing/on-demand/ — $0.125 per 1M read request units."""
    s3_put: float = 0.005 / 1000
    """https://aws.amazon.com/s3/pricing/ — S3 Standard PUT, $0.005 per 1,000 requests (the bucket
    uses an S3 Bucket Key, so SSE-KMS adds no KMS request per object)."""
    log_ingestion_gb: float = 0.50
    """https://aws.amazon.com/cloudwatch/pricing/ — CloudWatch Logs standard ingestion, $0.50 per GB."""
    xray_trace: float = 5.00 / MILLION
    """https://aws.amazon.com/xray/pricing/ — $5.00 per 1M traces recorded."""


PRICES = Prices()


@dataclass(frozen=True)
class Latencies:
    """Typical latencies of the calls a function waits on, in seconds (the model's assumptions)."""

    dynamodb: float = 0.005
    """DynamoDB: "consistent single-digit millisecond" responses (DynamoDB developer guide, Introduction)."""
    sqs: float = 0.020
    """SQS: "typical latencies for SendMessage, ReceiveMessage, and DeleteMessage API requests are in
    the tens or low hundreds of milliseconds" (SQS developer guide, standard queues); 20 ms taken."""
    s3_put: float = 0.100
    """S3: "small object latencies … of roughly 100–200 milliseconds" (S3 performance guidelines)."""
    salesforce_query: float = 0.200
    """Salesforce publishes no typical latency; 200 ms per REST query (AWS and the org in one region)."""
    salesforce_write: float = 0.400
    """Salesforce: 400 ms per sObject Collections request (up to 200 records), assumed likewise."""
    parallel_writes: int = 8
    """The enqueuer and the activity store put items on 8 threads: puts in one invocation overlap."""


LATENCIES = Latencies()
VCPU_MB = 1769
"""Lambda allocates CPU in proportion to memory: 1,769 MB is one full vCPU (Lambda developer guide,
"Configure Lambda function memory"). Below it, CPU-bound time stretches by 1769 / memory; one core of
the measuring machine is taken as one Graviton vCPU."""


@dataclass(frozen=True)
class Calls:
    """Calls one invocation waits on (averages per invocation)."""

    dynamodb_puts: float = 0.0
    dynamodb_other: float = 0.0
    sqs: float = 0.0
    s3_puts: float = 0.0
    salesforce_queries: float = 0.0
    salesforce_writes: float = 0.0
    threads: float = 1.0
    """How many of the invocation's AWS calls run at once: the ingress enqueuer handles a request's
    events on up to 8 threads (each event's idempotency writes and send); the processor's puts overlap
    on its own pool (``Latencies.parallel_writes``) and its other calls run one after another."""

    def wait_seconds(self, latencies: Latencies = LATENCIES) -> float:
        """Seconds the invocation waits on AWS and Salesforce."""
        parallel = max(1.0, min(float(latencies.parallel_writes), self.dynamodb_puts))
        threads = max(1.0, self.threads)
        return (
            (self.dynamodb_puts / parallel if threads == 1 else self.dynamodb_puts / threads)
            * latencies.dynamodb
            + (self.dynamodb_other * latencies.dynamodb + self.sqs * latencies.sqs) / threads
            + self.s3_puts * latencies.s3_put
            + self.salesforce_queries * latencies.salesforce_query
            + self.salesforce_writes * latencies.salesforce_write
        )


@dataclass(frozen=True)
class FunctionLoad:
    """One function's work, per event, at one batch size."""

    invocations: float
    """Invocations per event."""
    cpu_seconds: float
    """Our code's CPU time per invocation on one full core (every adapter in memory)."""
    calls: Calls
    """What one invocation waits on."""
    log_bytes: Mapping[str, float]
    """Bytes written to CloudWatch Logs per invocation at each log level (``INFO``, ``WARNING``),
    EMF metrics and Lambda's START/END/REPORT lines included."""


@dataclass(frozen=True)
class Counts:
    """Everything one event costs, measured for one traffic shape at one processor batch size."""

    http_api_requests: float
    partner_events: float
    sqs_requests: float
    dynamodb_write_units: float
    dynamodb_read_units: float
    s3_puts: float
    salesforce_calls: float
    functions: Mapping[str, FunctionLoad]


@dataclass(frozen=True)
class Configuration:
    """The deployment settings the bill depends on."""

    name: str
    memory_mb: Mapping[str, int]
    log_level: str = "INFO"
    architecture: str = "arm64"
    batch_size: int = 1000
    batching_window_seconds: int = 5
    traced_share: float = 0.0
    """Share of entry requests X-Ray records (0 without ``Tracing: Active``)."""
    ingress_deduplication: bool = True
    """The template's ``IngressDeduplication``: the ingress functions' idempotency record per event."""
    webhook_function_url: bool = False
    """The template's ``WebhookFunctionUrl``: providers call the webhook function's own URL, so their
    requests cost no API Gateway request (a function URL costs nothing beyond Lambda's own prices)."""


def billed_seconds(load: FunctionLoad, memory_mb: int, latencies: Latencies = LATENCIES) -> float:
    """One invocation's billed duration: CPU stretched below a full vCPU, plus waits, rounded up to 1 ms."""
    stretch = max(1.0, VCPU_MB / memory_mb)
    seconds = load.cpu_seconds * stretch + load.calls.wait_seconds(latencies)
    return math.ceil(round(seconds * 1000, 6)) / 1000


def cost_per_million(
    counts: Counts, config: Configuration, prices: Prices = PRICES, latencies: Latencies = LATENCIES
) -> dict[str, float]:
    """US dollars per million events, per component (``lambda:<function>`` per function)."""
    events = MILLION
    breakdown: dict[str, float] = {
        "api gateway (HTTP API)": 0.0
        if config.webhook_function_url
        else counts.http_api_requests * events * prices.http_api_request,
        "eventbridge (partner events)": counts.partner_events * events * prices.partner_event,
        "sqs": counts.sqs_requests * events * prices.sqs_request,
        "dynamodb writes": counts.dynamodb_write_units * events * prices.dynamodb_write_unit,
        "dynamodb reads": counts.dynamodb_read_units * events * prices.dynamodb_read_unit,
        "s3 (decision log)": counts.s3_puts * events * prices.s3_put,
    }
    logged = 0.0
    for name, load in counts.functions.items():
        invocations = load.invocations * events
        gb_seconds = config.memory_mb[name] / 1024 * billed_seconds(load, config.memory_mb[name], latencies)
        breakdown[f"lambda {name}"] = invocations * (
            prices.lambda_request + gb_seconds * prices.lambda_gb_second[config.architecture]
        )
        logged += invocations * load.log_bytes[config.log_level]
    breakdown["cloudwatch logs"] = logged / GIB * prices.log_ingestion_gb
    entry_requests = counts.http_api_requests + counts.partner_events
    breakdown["x-ray"] = entry_requests * events * config.traced_share * prices.xray_trace
    return breakdown


def events_per_batch(
    *, full: bool, batch_size: int, window_seconds: int, events_per_request: int, events_per_second: float
) -> float:
    """Events per processor invocation: a full batch, or what arrives within the batching window
    (never fewer than one request's events, which arrive together)."""
    if full:
        return float(batch_size)
    return max(float(events_per_request), min(float(batch_size), events_per_second * window_seconds))


def interpolate(points: Mapping[float, float], batch: float) -> float:
    """A per-event figure at ``batch`` from figures measured at other batch sizes: linear in 1/batch
    between the nearest measured sizes (a per-batch part shared out plus a per-event part). Beyond the
    largest size measured it stays between that size's figure (all of it per event) and that figure
    shared out over the larger batch (all of it per batch), so measurement noise cannot extrapolate a
    cost to zero or above what was measured."""
    sizes = sorted(points)
    if batch in points:
        return points[batch]
    lower = max((s for s in sizes if s < batch), default=sizes[0])
    upper = min((s for s in sizes if s > batch), default=sizes[-1])
    if lower == upper:
        lower, upper = (sizes[-2], sizes[-1]) if batch > sizes[-1] else (sizes[0], sizes[1])
    x0, x1, x = 1 / lower, 1 / upper, 1 / batch
    y0, y1 = points[lower], points[upper]
    linear = y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    if batch > upper:  # beyond what was measured: between "all per event" and "all per batch"
        return min(y1, max(y1 * upper / batch, linear))
    return max(0.0, linear)


def counts_at(measured: Mapping[float, Counts], batch: float) -> Counts:
    """The counts at processor batch size ``batch``, interpolated (:func:`interpolate`) per event from
    counts measured at other batch sizes; per-invocation figures are the per-event ones shared out."""
    sizes = list(measured)

    def each(per_event: Mapping[float, float]) -> float:
        return interpolate(per_event, batch) if len(sizes) > 1 else next(iter(per_event.values()))

    def scalar(name: str) -> float:
        return each({size: getattr(counts, name) for size, counts in measured.items()})

    functions: dict[str, FunctionLoad] = {}
    for name in next(iter(measured.values())).functions:
        loads = {size: counts.functions[name] for size, counts in measured.items()}
        invocations = each({size: load.invocations for size, load in loads.items()})
        share = 1 / invocations if invocations else 0.0

        def per_invocation(value: Mapping[float, float], *, share: float = share) -> float:
            return each(value) * share

        call_fields = [f for f in Calls.__dataclass_fields__ if f != "threads"]
        calls = Calls(
            **{
                f: per_invocation({s: getattr(ld.calls, f) * ld.invocations for s, ld in loads.items()})
                for f in call_fields
            },
            threads=max(ld.calls.threads for ld in loads.values()),
        )
        levels = next(iter(loads.values())).log_bytes
        functions[name] = FunctionLoad(
            invocations=invocations,
            cpu_seconds=per_invocation({s: ld.cpu_seconds * ld.invocations for s, ld in loads.items()}),
            calls=calls,
            log_bytes={
                level: per_invocation({s: ld.log_bytes[level] * ld.invocations for s, ld in loads.items()})
                for level in levels
            },
        )
    return Counts(
        http_api_requests=scalar("http_api_requests"),
        partner_events=scalar("partner_events"),
        sqs_requests=scalar("sqs_requests"),
        dynamodb_write_units=scalar("dynamodb_write_units"),
        dynamodb_read_units=scalar("dynamodb_read_units"),
        s3_puts=scalar("s3_puts"),
        salesforce_calls=scalar("salesforce_calls"),
        functions=functions,
    )
