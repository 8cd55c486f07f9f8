"""One traffic shape through the real handlers on moto and the local org, counting every AWS request,
DynamoDB unit, Salesforce API call and logged byte (``bench.cost.in_memory`` runs the same traffic with
every adapter in memory). The functions are built through the composition root, as Lambda builds them."""

from __future__ import annotations

import contextlib
import json
import logging
import random
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import boto3
from leadrelay.bootstrap import Overrides
from leadrelay.bootstrap import processor as processor_root
from leadrelay.bootstrap import salesforce_events as salesforce_events_root
from leadrelay.bootstrap import webhook as webhook_root
from leadrelay.handlers import processor, salesforce_events, webhook
from leadrelay.settings import ProcessorSettings, SalesforceEventsSettings, WebhookSettings
from leadrelay_tools.replay.invocation import ReplayClock, ReplayContext, http_api_event
from leadrelay_tools.replay.lines import WebhookLine
from leadrelay_tools.replay.local import REGION, local_environment

from bench.cost.meters import PLATFORM_LOG_BYTES, AwsMeter, LogMeter
from bench.cost.model import Calls, Counts, FunctionLoad
from bench.ingress.traffic import (
    SECRETS,
    START,
    Person,
    hubspot_request,
    known_leads,
    marketo_request,
    people,
)
from tests.ingress.builders import change_event
from tests.plugins.dead_letters import Queues
from tests.processor.harness import EventSourceMapping, LambdaClock

FUNCTIONS = ("webhook", "salesforce_events", "processor")
DECISION_BUCKET = "leadrelay-decisions-bench"
SALES_REP = "0055f000005mc66AAA"


@dataclass(frozen=True)
class Shape:
    """A traffic shape: where events come from and how many arrive per request."""

    name: str
    source: str  # hubspot | marketo | salesforce
    events_per_request: int


SHAPES = (
    Shape("HubSpot, ~10 events per request", "hubspot", 10),
    Shape("Marketo, 1 event per request", "marketo", 1),
    Shape("Salesforce change events", "salesforce", 1),
)


@dataclass
class Run:
    """What one run measured."""

    events: int = 0
    wall: dict[str, float] = field(default_factory=lambda: dict.fromkeys(FUNCTIONS, 0.0))
    cpu: dict[str, float] = field(default_factory=lambda: dict.fromkeys(FUNCTIONS, 0.0))
    invocations: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FUNCTIONS, 0))
    sf_queries: int = 0
    sf_writes: int = 0
    applied: int = 0


def requests_of(
    shape: Shape, pool: list[Person], known: list[Person], events: int, seed: int = 11
) -> list[Any]:
    """The shape's requests: webhook lines, or change events (built once the Leads have ids)."""
    rng = random.Random(seed)
    lines: list[Any] = []
    for number in range(1, events // shape.events_per_request + 1):
        at = START + timedelta(seconds=number)
        if shape.source == "hubspot":
            lines.append(hubspot_request([rng.choice(known) for _ in range(10)], at, number, rng))
        elif shape.source == "marketo":
            lines.append(marketo_request(rng.choice(pool), at, number, rng))
        else:
            lines.append(rng.randrange(len(known)))
    return lines


def _change(lead_id: str, number: int) -> dict[str, Any]:
    status = ("Working - Contacted", "Open - Not Contacted")[number % 2]
    return change_event(
        record_ids=(lead_id,),
        fields={"Status": status},
        commit_user=SALES_REP,
        transaction_key=str(uuid.UUID(int=number)),
        sequence=1,
    )


@contextlib.contextmanager
def metered_logs(meter: LogMeter) -> Iterator[None]:
    """The functions' log handlers and stdout (EMF metrics) into ``meter``, at INFO."""
    logger = logging.getLogger("leadrelay")
    streams = [
        (h, h.setStream(cast(Any, meter))) for h in logger.handlers if isinstance(h, logging.StreamHandler)
    ]
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        with contextlib.redirect_stdout(cast(Any, meter)):
            yield
    finally:
        logger.setLevel(level)
        for handler, stream in streams:
            handler.setStream(stream)


def timed(run: Run, name: str, call: Callable[[], Any], *, meters: tuple[Any, ...] = ()) -> Any:
    for meter in meters:
        meter.function = name
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        return call()
    finally:
        run.wall[name] += time.perf_counter() - wall
        run.cpu[name] += time.process_time() - cpu
        run.invocations[name] += 1


def measure_on_moto(
    shape: Shape, batch: int, events: int, rules: Path, *, deduplication: bool = True
) -> tuple[Counts, Run, AwsMeter]:
    """The shape through the handlers on moto and the local org, processor batches of ``batch``;
    ``deduplication`` False runs the ingress functions without their idempotency table
    (``IngressDeduplication=disabled``)."""
    pool = people(max(40, events // 5))
    known = pool[: len(pool) * 3 // 5]
    run, aws, logs = Run(), AwsMeter(), LogMeter()
    with tempfile.TemporaryDirectory(prefix="bench-cost-") as workdir:
        secrets = Path(workdir) / "secrets.json"
        secrets.write_text(json.dumps({"leadrelay/webhooks": SECRETS}), encoding="utf-8")
        with local_environment(
            rules_path=rules, secrets_file=secrets, seed={"Lead": known_leads(known)}
        ) as env:
            boto3.setup_default_session(region_name=REGION)
            assert boto3.DEFAULT_SESSION is not None
            aws.attach(boto3.DEFAULT_SESSION.events)
            boto3.client("s3").create_bucket(Bucket=DECISION_BUCKET)
            settings = env.settings.model_copy(
                update={
                    "decision_log_bucket": DECISION_BUCKET,
                    "notification_type": "LeadRelay_Alert",
                    **({} if deduplication else {"idempotency_table": None}),
                }
            )
            lead_ids = [r["Id"] for r in env.org.records("Lead")]
            clock = ReplayClock()
            hook = webhook_root.webhook_runtime(WebhookSettings.of(settings), Overrides(clock=clock))
            relay = salesforce_events_root.salesforce_events_runtime(SalesforceEventsSettings.of(settings))
            runtime = processor_root.processor_runtime(ProcessorSettings.of(settings))
            handler = processor.make_handler(lambda: runtime)
            queues = Queues(boto3.client("sqs"), str(settings.ingest_queue_url), str(settings.dlq_url))

            def invoke(event: dict[str, Any], context: Any) -> Any:
                before = env.org.api_calls
                try:
                    return timed(run, "processor", lambda: handler(event, context), meters=(aws, logs))
                finally:
                    after = env.org.api_calls
                    for kind in set(after.by_kind):
                        delta = after[kind] - before[kind]
                        if "query" in kind:
                            run.sf_queries += delta
                        else:
                            run.sf_writes += delta
                    aws.function = logs.function = "poller"

            mapping = EventSourceMapping(queues, invoke, LambdaClock(), batch_size=batch)
            waiting = 0
            with metered_logs(logs):
                for number, request in enumerate(requests_of(shape, pool, known, events), start=1):
                    waiting += ingest(run, shape, request, number, hook, relay, clock, lead_ids, (aws, logs))
                    aws.function = logs.function = "poller"
                    while waiting >= batch:
                        waiting -= max(mapping.poll(), 1)
                aws.function = logs.function = "poller"
                while mapping.poll():
                    pass
            run.applied = run.events - queues.count(queues.dlq_url)
    return _counts(shape, run, aws, logs), run, aws


def ingest(
    run: Run,
    shape: Shape,
    request: Any,
    number: int,
    hook: Any,
    relay: Any,
    clock: ReplayClock,
    lead_ids: list[str],
    meters: tuple[Any, ...],
) -> int:
    """One request through its ingress handler; returns the events it enqueued."""
    if shape.source == "salesforce":
        envelope = _change(lead_ids[request % len(lead_ids)], number)
        answer = timed(
            run,
            "salesforce_events",
            lambda: salesforce_events.handle(envelope, cast(Any, ReplayContext()), relay),
            meters=meters,
        )
        enqueued = int(answer["enqueued"])
    else:
        line = cast(WebhookLine, request)
        clock.now = line.received_at or clock.now
        response = timed(
            run,
            "webhook",
            lambda: webhook.handle(http_api_event(line), cast(Any, ReplayContext()), hook),
            meters=meters,
        )
        if response["statusCode"] != 200:
            raise SystemExit(f"the webhook refused a benchmark request: {response['body']}")
        enqueued = int(json.loads(response["body"])["accepted"])
    run.events += enqueued
    return enqueued


def _counts(shape: Shape, run: Run, aws: AwsMeter, logs: LogMeter) -> Counts:
    events = max(run.events, 1)
    functions: dict[str, FunctionLoad] = {}
    for name in FUNCTIONS:
        invocations = run.invocations[name]
        if not invocations:
            continue
        calls = Calls(
            dynamodb_puts=aws.count(name, "dynamodb", {"PutItem"}) / invocations,
            dynamodb_other=aws.count(name, "dynamodb", {"UpdateItem", "DeleteItem", "GetItem", "Query"})
            / invocations,
            sqs=aws.count(function=name, service="sqs") / invocations,
            s3_puts=aws.count(function=name, service="s3") / invocations,
            salesforce_queries=run.sf_queries / invocations if name == "processor" else 0.0,
            salesforce_writes=run.sf_writes / invocations if name == "processor" else 0.0,
            threads=1.0 if name == "processor" else min(8.0, run.events / invocations),
        )
        functions[name] = FunctionLoad(
            invocations=invocations / events,
            cpu_seconds=0.0,  # from the in-memory run
            calls=calls,
            log_bytes={
                level: logs.at_level(name, level) / invocations + PLATFORM_LOG_BYTES
                for level in ("INFO", "WARNING")
            },
        )
    entry = run.invocations["webhook"] + run.invocations["salesforce_events"]
    return (
        Counts(
            http_api_requests=run.invocations["webhook"] / events,
            partner_events=run.invocations["salesforce_events"] / events,
            sqs_requests=aws.count(service="sqs") / events,
            dynamodb_write_units=aws.write_units / events,
            dynamodb_read_units=aws.read_units / events,
            s3_puts=aws.count(service="s3", ops={"PutObject"}) / events,
            salesforce_calls=(run.sf_queries + run.sf_writes) / events,
            functions=functions,
        )
        if entry
        else Counts(0, 0, 0, 0, 0, 0, 0, {})
    )
