"""Publishing the org's API usage as CloudWatch metrics through Powertools (EMF)."""

from __future__ import annotations

from collections.abc import Callable

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit

from leadrelay.adapters.salesforce.sessions import ApiUsage

API_USED_METRIC = "SalesforceApiUsed"
API_LIMIT_METRIC = "SalesforceApiLimit"


def api_usage_publisher(metrics: Metrics) -> Callable[[ApiUsage], None]:
    """An ``on_api_usage`` callback for the gateway: adds the usage and the limit to ``metrics``.

    The gateway calls it once per ``find``/``read``/``write`` with the latest figures; Salesforce
    reports a rolling 24-hour total, so alarm on the Maximum of ``SalesforceApiUsed`` against the
    ``SalesforceApiLimit``.
    """

    def publish(usage: ApiUsage) -> None:
        metrics.add_metric(name=API_USED_METRIC, unit=MetricUnit.Count, value=usage.used)
        metrics.add_metric(name=API_LIMIT_METRIC, unit=MetricUnit.Count, value=usage.limit)

    return publish
