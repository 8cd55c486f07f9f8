"""Invoking the Lambda handlers in-process: their event and context, a clock to set, a queue stand-in."""

from __future__ import annotations

import base64
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from leadrelay.domain.events import CanonicalEvent
from leadrelay.ports import EnqueueOutcome, Enqueuer

from leadrelay_tools.replay.lines import WebhookLine

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

INVOCATION_SECONDS = 60.0
"""The time each invocation may spend, as the processor function's timeout."""


@dataclass
class ReplayClock:
    """ "Now" for the ingress handlers: the arrival time of the delivery being replayed."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now


@dataclass
class ReplayContext:
    """The parts of a Lambda context the handlers read (a fresh invocation per delivery)."""

    function_name: str = "leadrelay-replay"
    function_version: str = "replay"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:local:000000000000:function:leadrelay-replay"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "leadrelay-replay"
    log_stream_name: str = "leadrelay-replay"

    def get_remaining_time_in_millis(self) -> int:
        return int(INVOCATION_SECONDS * 1000)


@dataclass
class CollectingQueue:
    """The ``EventQueue`` port for replay: keeps the events ingress accepts, for the pipeline here."""

    events: list[CanonicalEvent] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, events: Sequence[CanonicalEvent]) -> None:
        """Keep ``events`` (the idempotent enqueuer sends from several threads)."""
        with self._lock:
            self.events.extend(events)

    def take(self) -> list[CanonicalEvent]:
        """The events collected since the last call."""
        with self._lock:
            taken, self.events = self.events, []
        return taken


@dataclass
class RecordingEnqueuer:
    """Wraps the handlers' enqueuer and remembers the outcome of the last ``enqueue``."""

    inner: Enqueuer
    last: EnqueueOutcome = field(default_factory=EnqueueOutcome)

    def enqueue(self, events: Sequence[CanonicalEvent]) -> EnqueueOutcome:
        self.last = self.inner.enqueue(events)
        return self.last

    def register_lambda_context(self, context: LambdaContext) -> None:
        self.inner.register_lambda_context(context)


def http_api_event(line: WebhookLine) -> dict[str, Any]:
    """The API Gateway HTTP API (payload v2) event Lambda would receive for the captured request."""
    body = line.raw_body()
    try:
        text, encoded = body.decode("utf-8"), False
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode("ascii"), True
    url = urlsplit(line.request_path)
    headers = {name.lower(): value for name, value in line.headers.items()}
    method = line.method.upper()
    return {
        "version": "2.0",
        "routeKey": "POST /webhooks/{provider}",
        "rawPath": url.path,
        "rawQueryString": url.query,
        "headers": headers,
        "requestContext": {
            "domainName": headers.get("host", "localhost"),
            "http": {
                "method": method,
                "path": url.path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "POST /webhooks/{provider}",
            "stage": "$default",
        },
        "pathParameters": {"provider": url.path.rsplit("/", 1)[-1]},
        "body": text,
        "isBase64Encoded": encoded,
    }
