"""The in-memory run of ``bench.cost``: the same traffic through the same handlers with every adapter in
memory (``InMemorySalesforce``, the in-memory activity store, pool states, dead letters and decision log,
a collecting queue), so the CPU time measured is our code's alone."""

from __future__ import annotations

import hashlib
import json
import tempfile
import uuid
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, cast

from leadrelay.adapters.activity_store import InMemoryActivityStore
from leadrelay.adapters.ingest_queue import PlainEnqueuer, message_body
from leadrelay.adapters.pool_states import InMemoryPoolStates
from leadrelay.bootstrap import Overrides
from leadrelay.bootstrap import processor as processor_root
from leadrelay.bootstrap import salesforce_events as salesforce_events_root
from leadrelay.bootstrap import webhook as webhook_root
from leadrelay.domain.decision_log import DecisionEntry
from leadrelay.handlers import processor
from leadrelay.settings import ProcessorSettings, SalesforceEventsSettings, Settings, WebhookSettings
from leadrelay_tools.local_pipeline import InMemoryDeadLetters
from leadrelay_tools.replay.invocation import CollectingQueue, ReplayClock
from leadrelay_tools.replay.local import REGION

from bench.cost.measure import Run, Shape, ingest, metered_logs, requests_of, timed
from bench.cost.meters import LogMeter
from bench.ingress.traffic import SECRETS, known_leads, people
from tests.plugins.fake_salesforce import InMemorySalesforce
from tests.processor.harness import FakeLambdaContext, LambdaClock, sqs_event


class _ListDecisionLog:
    """The decision log in memory."""

    def __init__(self) -> None:
        self.batches: dict[str, list[DecisionEntry]] = {}

    def append(self, entries: Any, *, batch: str) -> None:
        self.batches[batch] = list(entries)


def measure_in_memory(shape: Shape, batch: int, events: int, rules: Path) -> Run:
    """The same traffic with every adapter in memory: our code's CPU per invocation, nothing else."""
    pool = people(max(40, events // 5))
    known = pool[: len(pool) * 3 // 5]
    run, logs = Run(), LogMeter()
    org = InMemorySalesforce()
    lead_ids = [org.insert("Lead", fields) for fields in known_leads(known)]
    with tempfile.TemporaryDirectory(prefix="bench-cost-") as workdir:
        secrets = Path(workdir) / "secrets.json"
        secrets.write_text(json.dumps({"leadrelay/webhooks": SECRETS}), encoding="utf-8")
        settings = Settings(
            rules_path=rules,
            secrets_file=secrets,
            ingest_queue_url=f"https://sqs.{REGION}.amazonaws.com/123456789012/leadrelay-ingest",
            dlq_url=f"https://sqs.{REGION}.amazonaws.com/123456789012/leadrelay-dead-letters",
            integration_user_id="0055f000007LrLyAAK",
            function_version="bench",
            activity_table="leadrelay-activities",  # named, never used: the store and the org are in memory
            sf_credentials_file=Path(workdir) / "unused.json",
        )
        queue = CollectingQueue()
        clock = ReplayClock()
        seams = Overrides(enqueuer=PlainEnqueuer(queue), clock=clock)
        hook = webhook_root.webhook_runtime(WebhookSettings.of(settings), seams)
        relay = salesforce_events_root.salesforce_events_runtime(SalesforceEventsSettings.of(settings), seams)
        runtime = processor_root.processor_runtime(
            ProcessorSettings.of(settings),
            Overrides(
                gateway=org,
                activities=InMemoryActivityStore(),
                dead_letters=InMemoryDeadLetters(),
                pool_states=InMemoryPoolStates(),
                decision_log=_ListDecisionLog(),
            ),
        )
        handler = processor.make_handler(lambda: runtime)
        waiting: list[str] = []
        with metered_logs(logs):
            for number, request in enumerate(requests_of(shape, pool, known, events), start=1):
                ingest(run, shape, request, number, hook, relay, clock, lead_ids, (logs,))
                waiting.extend(message_body(event) for event in queue.take())
                while len(waiting) >= batch or (waiting and number * shape.events_per_request >= events):
                    chunk, waiting = waiting[:batch], waiting[batch:]
                    event = sqs_event([_message(body) for body in chunk], "arn:aws:sqs:us-east-1:1:bench")
                    context = cast(Any, FakeLambdaContext(LambdaClock()))
                    timed(run, "processor", partial(handler, event, context), meters=(logs,))
    return run


def _message(body: str) -> dict[str, Any]:
    now = int(datetime.now(UTC).timestamp() * 1000)
    return {
        "MessageId": str(uuid.uuid4()),
        "ReceiptHandle": hashlib.sha1(body.encode(), usedforsecurity=False).hexdigest(),
        "Body": body,
        "Attributes": {"ApproximateReceiveCount": "1", "ApproximateFirstReceiveTimestamp": str(now)},
    }
