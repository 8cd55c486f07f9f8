"""EventBridge target: Salesforce Event Relay deliveries → canonical events on the ingest queue.

parse (:func:`~leadrelay.ingress.salesforce.parse_salesforce_event`) → drop leadrelay's own
changes (:class:`~leadrelay.ingress.loops.LoopGuard`, metric ``OwnChangesDropped``) → enqueue
each event once (Powertools idempotency). Gap/overflow events and entities not processed are logged
and counted, never errors. A delivery that cannot be read raises :class:`UnreadableEventError` with
the precise reason, so after Lambda's retries it lands in the function's on-failure destination with
that reason (``leadrelay replay`` takes it back once fixed); nothing is lost silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from leadrelay.bootstrap import salesforce_events as salesforce_events_root
from leadrelay.bootstrap.salesforce_events import SalesforceEventsRuntime
from leadrelay.handlers.cold_start import resumes_collection
from leadrelay.handlers.ingress_support import count, ingress_logger, ingress_metrics, report_notices
from leadrelay.ingress.loops import LoopGuard
from leadrelay.ingress.results import IngressError, IngressResult
from leadrelay.ingress.salesforce import SalesforceOptions, parse_salesforce_event
from leadrelay.settings import SalesforceEventsSettings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

logger = ingress_logger()
metrics = ingress_metrics()


class UnreadableEventError(ValueError):
    """A delivery the parser cannot read; the message names the JSON path and the problem."""


def accept_salesforce_event(
    raw: Any, *, loop_guard: LoopGuard, options: SalesforceOptions | None = None, received_at: datetime
) -> IngressResult:
    """Parse one delivery and drop leadrelay's own changes (the pure part; ``leadrelay replay`` uses it).

    Raises :class:`~leadrelay.ingress.results.IngressError` for an unreadable delivery.
    """
    parsed = parse_salesforce_event(raw, options=options, received_at=received_at)
    kept, dropped = loop_guard.partition(parsed.events)
    return IngressResult.of(kept, [*parsed.notices, *dropped])


def handle(
    event: Mapping[str, Any], context: LambdaContext, runtime: SalesforceEventsRuntime
) -> dict[str, Any]:
    """Handle one EventBridge event with ``runtime``; returns what was enqueued and noticed."""
    envelope = event if isinstance(event, Mapping) else {}
    delivery = {
        "id": str(envelope.get("id", ""))[:64],
        "detail_type": str(envelope.get("detail-type", ""))[:120],
    }
    try:
        try:
            result = accept_salesforce_event(
                event, loop_guard=runtime.loop_guard, options=runtime.options, received_at=runtime.clock()
            )
        except IngressError as exc:
            count(metrics, "SalesforceEventsRejected", 1)
            logger.error("unreadable Salesforce event", extra={**delivery, "reason": str(exc)})
            raise UnreadableEventError(str(exc)) from exc
        report_notices(logger, metrics, result.notices)
        runtime.enqueuer.register_lambda_context(context)
        outcome = runtime.enqueuer.enqueue(result.events)
        count(metrics, "SalesforceEventsEnqueued", len(outcome.enqueued))
        count(metrics, "DuplicateEventsIgnored", len(outcome.duplicates))
        logger.info(
            "Salesforce event handled",
            extra={**delivery, "enqueued": list(outcome.enqueued), "duplicates": list(outcome.duplicates)},
        )
        return {
            "enqueued": len(outcome.enqueued),
            "duplicates": len(outcome.duplicates),
            "notices": [{"kind": n.kind.value, "reason": n.reason} for n in result.notices],
        }
    finally:
        metrics.flush_metrics()


@cache
def default_runtime() -> SalesforceEventsRuntime:
    """The runtime built from the environment, once per execution environment (``cache_clear()`` resets)."""
    return salesforce_events_root.salesforce_events_runtime(SalesforceEventsSettings.from_env())


@resumes_collection
def handler(event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
    """The Lambda entry point (``leadrelay.handlers.salesforce_events.handler``)."""
    return handle(event, context, default_runtime())
