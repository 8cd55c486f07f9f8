"""``POST /webhooks/<provider>`` on an API Gateway HTTP API or the function's own URL (both send payload
v2; the path names the provider): signed MA webhooks → ingest queue.

Thin: find the provider's mapping → read its secret → :func:`~leadrelay.ingress.webhooks.parse_webhook`
(size, content type, signature, JSON, mapping) → enqueue every event once → answer. Responses:

* 200 ``{"accepted", "duplicates", "skipped"}`` — only once every event is durably on the queue;
* 400 malformed JSON or a payload that fails the mapping (the JSON path is named), 401 a bad or stale
  signature, 404 an unknown provider, 413 a body above the limit, 415 not JSON;
* 503 + ``Retry-After`` (the provider retries) only when the queue, the idempotency table or the secret
  is unavailable, or when a concurrent delivery of the same events is still in flight after the
  enqueuer waited for its outcome (answering 4xx there would lose the events for providers that do
  not retry a 4xx, should that delivery fail).

Secrets and signatures are never logged or echoed; log lines are PII-masked and carry no payload.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError

from leadrelay.adapters.ingest_queue import ConcurrentDeliveryError, EnqueueError, oversized
from leadrelay.adapters.secrets import SecretUnavailableError
from leadrelay.bootstrap import webhook as webhook_root
from leadrelay.bootstrap.webhook import WebhookRuntime
from leadrelay.handlers.cold_start import resumes_collection
from leadrelay.handlers.ingress_support import count, ingress_logger, ingress_metrics, report_notices
from leadrelay.ingress.json_body import encodable
from leadrelay.ingress.results import IngressError, RejectionKind
from leadrelay.ingress.webhooks import WebhookRequest, check_envelope, find_mapping, parse_webhook
from leadrelay.settings import WebhookSettings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

logger = ingress_logger()
metrics = ingress_metrics()
app = APIGatewayHttpResolver()

STATUS = {
    RejectionKind.MALFORMED: 400,
    RejectionKind.UNAUTHENTICATED: 401,
    RejectionKind.UNKNOWN_PROVIDER: 404,
    RejectionKind.UNKNOWN_ROUTE: 404,
    RejectionKind.TOO_LARGE: 413,
    RejectionKind.UNSUPPORTED_MEDIA_TYPE: 415,
}


def _json(status: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> Response[str]:
    return Response(status, "application/json", json.dumps(body, ensure_ascii=False), dict(headers or {}))


def raw_body(event: Mapping[str, Any]) -> bytes:
    """The request body as sent (base64-decoded when API Gateway encoded it)."""
    body = event.get("body")
    if not isinstance(body, str):
        return b""
    if event.get("isBase64Encoded"):
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise IngressError("body is marked base64-encoded but is not", path="$") from exc
    return body.encode("utf-8", "surrogatepass")


def request_uri(event: Mapping[str, Any], provider: str, public_url: str | None) -> str:
    """The full URL the provider called (HubSpot signs it)."""
    query = encodable(event.get("rawQueryString") or "")
    suffix = f"?{query}" if query else ""
    if public_url:
        return f"{public_url.rstrip('/')}/webhooks/{provider}{suffix}"
    domain = (event.get("requestContext") or {}).get("domainName", "")
    return f"https://{domain}{event.get('rawPath') or '/'}{suffix}"


def to_request(event: Mapping[str, Any], provider: str, public_url: str | None = None) -> WebhookRequest:
    """A :class:`WebhookRequest` from an API Gateway v2 event (also for ``leadrelay replay``)."""
    method = str((event.get("requestContext") or {}).get("http", {}).get("method", "POST"))
    headers = {name: encodable(str(value)) for name, value in (event.get("headers") or {}).items()}
    return WebhookRequest(
        provider, method, request_uri(event, provider, public_url), headers, raw_body(event)
    )


@app.post("/webhooks/<provider>")
def receive(provider: str) -> Response[str]:
    """Verify, map and enqueue one webhook request."""
    runtime: WebhookRuntime = app.context["runtime"]
    now = runtime.clock()
    mapping = find_mapping(runtime.mappings, provider)
    app.context["provider"] = provider
    metrics.add_dimension(name="provider", value=provider)
    request = to_request(app.current_event.raw_event, provider, runtime.public_url)
    check_envelope(request, max_body_bytes=runtime.max_body_bytes)
    secrets = runtime.secrets.for_provider(mapping.spec.signature.secret or provider)
    result = parse_webhook(mapping, request, secrets=secrets, now=now, max_body_bytes=runtime.max_body_bytes)
    too_big = oversized(result.events)
    if too_big:
        raise IngressError(f"events {too_big} are larger than an SQS message (256 KiB) once mapped", path="$")
    report_notices(logger, metrics, result.notices)
    runtime.enqueuer.register_lambda_context(app.lambda_context)
    outcome = runtime.enqueuer.enqueue(result.events)
    count(metrics, "WebhookEventsEnqueued", len(outcome.enqueued))
    count(metrics, "DuplicateEventsIgnored", len(outcome.duplicates))
    summary = {
        "accepted": len(outcome.enqueued),
        "duplicates": len(outcome.duplicates),
        "skipped": len(result.notices),
    }
    logger.info("webhook accepted", extra={"provider": provider, **summary})
    return _json(200, summary)


def _rejected(exc: IngressError, **request: str) -> Response[str]:
    status = STATUS[exc.kind]
    provider = app.context.get("provider", "unknown")
    count(metrics, "WebhookRequestsRejected", 1)
    context = {"provider": provider, "status": status, "reason": str(exc), **request}
    logger.warning("webhook rejected", extra=context)
    return _json(status, {"error": exc.kind.value, "message": str(exc)})


def _unknown_route(_: NotFoundError) -> Response[str]:
    """A request the router has no route for (a scanner on the public URL, a GET): counted and logged
    like every refusal; the caller's method and path are logged, not echoed."""
    http = (app.current_event.raw_event.get("requestContext") or {}).get("http") or {}
    refusal = IngressError("only POST /webhooks/<provider> is served", kind=RejectionKind.UNKNOWN_ROUTE)
    return _rejected(refusal, method=str(http.get("method", ""))[:16], path=str(http.get("path", ""))[:200])


def _concurrent(exc: ConcurrentDeliveryError) -> Response[str]:
    count(metrics, "WebhookRequestsDeferred", 1)
    logger.info("webhook events still in flight in a concurrent delivery", extra={"keys": exc.keys})
    return _retry_later("these events are being accepted by a concurrent delivery; retry later")


def _retry_later(message: str) -> Response[str]:
    return _json(503, {"error": "unavailable", "message": message}, {"Retry-After": "30"})


def _unavailable(exc: Exception) -> Response[str]:
    count(metrics, "WebhookRequestsFailed", 1)
    logger.error("webhook not accepted: a dependency is unavailable", extra={"reason": str(exc)})
    return _retry_later("temporarily unavailable; retry later")


app.exception_handler(IngressError)(_rejected)
app.not_found(_unknown_route)
app.exception_handler(ConcurrentDeliveryError)(_concurrent)
app.exception_handler([EnqueueError, SecretUnavailableError])(_unavailable)


def handle(event: Mapping[str, Any], context: LambdaContext, runtime: WebhookRuntime) -> dict[str, Any]:
    """Handle one API Gateway v2 event with ``runtime``."""
    try:
        app.context["runtime"] = runtime
        return app.resolve(event, context)
    finally:
        metrics.flush_metrics()


@cache
def default_runtime() -> WebhookRuntime:
    """The runtime built from the environment, once per execution environment (``cache_clear()`` resets)."""
    return webhook_root.webhook_runtime(WebhookSettings.from_env())


@resumes_collection
def handler(event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
    """The Lambda entry point (``leadrelay.handlers.webhook.handler``)."""
    return handle(event, context, default_runtime())
