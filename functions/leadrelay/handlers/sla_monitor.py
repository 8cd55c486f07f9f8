"""The SLA monitor Lambda: EventBridge Scheduler invokes it every 15 minutes; one pass over the open clocks.

The first invocation of an execution environment builds the monitor (``leadrelay.bootstrap.sla_monitor``:
rules, the Salesforce gateway, the alert ledger, the notifiers). Each invocation runs one pass at the
runtime's ``now`` and logs and publishes what it did as counts — never names, e-mails or alert texts.
A failed read raises: the invocation fails, and the next schedule (15 minutes later) runs again;
nothing is done twice, because every action taken is recorded on the lead and every alert in the
ledger (docs/sla.md).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from leadrelay.adapters.salesforce.metrics import api_usage_publisher
from leadrelay.bootstrap import sla_monitor as monitor_root
from leadrelay.bootstrap.sla_monitor import SlaMonitorRuntime
from leadrelay.domain.sla import Action
from leadrelay.handlers.cold_start import resumes_collection
from leadrelay.handlers.ingress_support import MaskingFormatter
from leadrelay.settings import METRICS_NAMESPACE, SlaMonitorSettings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger(service="leadrelay", logger_formatter=MaskingFormatter())
metrics = Metrics(namespace=METRICS_NAMESPACE, service="sla-monitor")


def handle(event: dict[str, Any], context: LambdaContext, runtime: SlaMonitorRuntime) -> dict[str, Any]:
    """One pass; returns the report's counts (also logged and published as metrics)."""
    margin = runtime.time_margin_seconds
    report = runtime.monitor.run(
        runtime.clock(), time_left=lambda: context.get_remaining_time_in_millis() / 1000 - margin
    )
    counts = {
        "open_clocks": report.open_clocks,
        "alerts_sent": report.alerts_sent,
        "alerts_digested": report.alerts_digested,
        "alerts_already_sent": report.alerts_already_sent,
        "digests_sent": report.digests_sent,
        "leads_written": report.leads_written,
        "write_failures": report.write_failures,
        "delivery_failed": report.delivery_failed,
        **{f"actions_{action.value}": report.actions.get(action.value, 0) for action in Action},
    }
    for name, value in counts.items():
        metrics.add_metric(name=SLA_MONITOR_METRICS[name], unit=MetricUnit.Count, value=value)
    logger.info("sla monitor pass", extra={"counts": counts})
    return counts


SLA_MONITOR_METRICS = {
    "open_clocks": "SlaOpenClocks",
    "alerts_sent": "SlaAlertsSent",
    "alerts_digested": "SlaAlertsDigested",
    "alerts_already_sent": "SlaAlertsAlreadySent",
    "digests_sent": "SlaDigestsSent",
    "leads_written": "SlaLeadsWritten",
    "write_failures": "SlaWriteFailures",
    "delivery_failed": "SlaDeliveryFailed",
    "actions_remind": "SlaReminders",
    "actions_breach": "SlaBreaches",
    "actions_escalate": "SlaEscalations",
}
"""What one pass publishes (a fixed set: the dashboard draws each, docs/kpis.md lists them)."""


@cache
def default_runtime() -> SlaMonitorRuntime:
    """The runtime built from the environment, once per execution environment (``cache_clear()`` resets)."""
    settings = SlaMonitorSettings.from_env()
    return monitor_root.sla_monitor_runtime(settings, on_api_usage=api_usage_publisher(metrics))


def make_handler(runtime: Callable[[], SlaMonitorRuntime]) -> Callable[[dict[str, Any], LambdaContext], Any]:
    """The Lambda handler (Powertools logging and metrics around :func:`handle`) on ``runtime()``."""

    @metrics.log_metrics
    @logger.inject_lambda_context
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return handle(event, context, runtime())

    return handler


handler = resumes_collection(make_handler(default_runtime))
"""The Lambda entry point (``leadrelay.handlers.sla_monitor.handler``)."""
