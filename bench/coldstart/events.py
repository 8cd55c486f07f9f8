"""The first event of each function in ``python -m bench.coldstart``: what a fresh execution environment
serves before it answers.

The processor has two: a page view of a known e-mail address (romaji only: pykakasi's dictionary stays
unloaded) and a Marketo form fill by a person nobody has yet, 山田 太郎 of 株式会社サンプル商事 — a new
Lead that the match step (名寄せ) compares by its kanji reading, so this first event loads the dictionary.
A Japanese deployment's first batch will often be the second kind.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leadrelay.domain.events import CanonicalEvent, EventKind, EventSource, Identity
from leadrelay.ingress.signatures import generic_signature

ROOT = Path(__file__).resolve().parents[2]
SECRET = "bench-generic-secret"  # noqa: S105 - a stand-in's secret, signed and checked locally


def webhook_event() -> dict[str, Any]:
    """A generic-provider webhook signed now (the function checks the timestamp's freshness)."""
    now = datetime.now(UTC)
    events = [
        {
            "id": f"bench-{now.timestamp()}",
            "type": "page_view",
            "occurred_at": now.isoformat(),
            "email": "taro.yamada@sample-shoji.co.jp",
            "attributes": {"url": "https://www.sample-saas.jp/pricing"},
        }
    ]
    body = json.dumps({"events": events}, separators=(",", ":"))
    stamp = int(now.timestamp())
    headers = {
        "host": "hooks.example.co.jp",
        "content-type": "application/json",
        "x-leadrelay-timestamp": str(stamp),
        "x-leadrelay-signature": generic_signature(SECRET, stamp, body.encode()),
    }
    return {
        "version": "2.0",
        "routeKey": "POST /webhooks/{provider}",
        "rawPath": "/webhooks/generic",
        "rawQueryString": "",
        "headers": headers,
        "body": body,
        "isBase64Encoded": False,
        "pathParameters": {"provider": "generic"},
        "requestContext": {
            "domainName": "hooks.example.co.jp",
            "http": {
                "method": "POST",
                "path": "/webhooks/generic",
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "bench",
            },
            "requestId": "bench",
            "routeKey": "POST /webhooks/{provider}",
            "stage": "$default",
            "timeEpoch": int(now.timestamp() * 1000),
        },
    }


def processor_event(ingest_arn: str, *, new_japanese_lead: bool = False) -> dict[str, Any]:
    """One SQS message carrying one canonical event: a page view, or a new lead's form fill in kanji with
    a phone number (new each time by its address; ``__main__`` first sends one unmeasured, so the
    measured ones have a 名寄せ candidate to compare with: the heaviest first event)."""
    stamp = time.time()
    if new_japanese_lead:
        event = CanonicalEvent(
            idempotency_key=f"marketo:bench:{stamp}",
            kind=EventKind.ACTIVITY,
            type="form_submitted",
            source=EventSource.MARKETO,
            occurred_at=datetime.now(UTC),
            identity=Identity(email=f"taro.yamada.{int(stamp * 1000)}@sample-shoji.co.jp"),
            attributes={"url": "https://www.sample-saas.jp/contact"},
            fields={
                "LastName": "山田",
                "FirstName": "太郎",
                "Company": "株式会社サンプル商事",
                "Phone": "03-6261-4137",
            },
        )
    else:
        event = CanonicalEvent(
            idempotency_key=f"bench:{stamp}",
            kind=EventKind.ACTIVITY,
            type="page_view",
            source=EventSource.GENERIC,
            occurred_at=datetime.now(UTC),
            identity=Identity(email="taro.yamada@sample-shoji.co.jp"),
            attributes={"url": "https://www.sample-saas.jp/pricing"},
        )
    body = event.model_dump_json()
    return {
        "Records": [
            {
                "messageId": "m1",
                "receiptHandle": "r1",
                "body": body,
                "md5OfBody": "",
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": "0",
                    "ApproximateFirstReceiveTimestamp": "0",
                },
                "messageAttributes": {},
                "eventSource": "aws:sqs",
                "eventSourceARN": ingest_arn,
                "awsRegion": "us-east-1",
            }
        ]
    }


def salesforce_event() -> dict[str, Any]:
    """The first Salesforce delivery of the examples (an EventBridge envelope)."""
    for line in (ROOT / "examples" / "replay.jsonl").read_text(encoding="utf-8").splitlines():
        document = json.loads(line)
        if "detail-type" in document:
            return dict(document)
    raise SystemExit("examples/replay.jsonl has no Salesforce delivery")


def sla_monitor_event() -> dict[str, Any]:
    """What EventBridge Scheduler delivers to the SLA monitor: the schedule sets no input, so ``{}``."""
    return {}
