"""The dashboard draws each ingress metric with the dimensions it is published with.

CloudWatch keeps one metric per name *and dimension set*: the webhook adds ``provider`` once it knows
the provider, so its counts are ``{provider, service}``, and a row asking for ``{service}`` alone draws
nothing. The handlers run here (moto, as in the other ingress tests) and their EMF lines are read.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from leadrelay.handlers import salesforce_events, webhook

from tests.infra.cfn import load_template
from tests.infra.test_dashboard import dashboard_body
from tests.ingress.builders import (
    INTEGRATION_USER,
    FakeLambdaContext,
    api_event,
    change_event,
    hubspot_headers,
    lead_activity,
)
from tests.ingress.test_webhook_handler import HUBSPOT_BODY
from tests.plugins.ingress import IngressAws

CONTEXT: Any = FakeLambdaContext()
NAMESPACE = "LeadRelay"


def published(stdout: str) -> set[tuple[str, frozenset[str]]]:
    """(metric name, dimension names) of every EMF line printed."""
    found = set()
    for line in stdout.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            for directive in json.loads(line)["_aws"]["CloudWatchMetrics"]:
                for dimensions in directive["Dimensions"]:
                    found |= {(metric["Name"], frozenset(dimensions)) for metric in directive["Metrics"]}
    return found


def drawn(metric: str, dimensions: frozenset[str]) -> bool:
    """Whether a dashboard row or SEARCH draws ``metric`` published with ``dimensions``."""
    for widget in dashboard_body(load_template())["widgets"]:
        for row in widget.get("properties", {}).get("metrics", []):
            if row[:2] == [NAMESPACE, metric]:
                names = [item for item in row[2:] if isinstance(item, str)][::2]
                if frozenset(names) == dimensions:
                    return True
            elif isinstance(row[0], dict) and f'MetricName="{metric}"' in row[0]["expression"]:
                schema = re.search(r"\{(\w+(?:,\w+)*)\}", row[0]["expression"])
                if schema is None or frozenset(schema.group(1).split(",")[1:]) == dimensions:
                    return True
    return False


def ingress_traffic(ingress_aws: IngressAws) -> None:
    """Accepted, rejected and unrouted webhooks; a platform event and leadrelay's own change."""
    runtime = ingress_aws.webhook_runtime()
    headers = hubspot_headers(HUBSPOT_BODY)
    webhook.handle(api_event("hubspot", HUBSPOT_BODY, headers), CONTEXT, runtime)
    webhook.handle(api_event("hubspot", HUBSPOT_BODY, headers), CONTEXT, runtime)  # its duplicate
    forged = {**headers, "X-HubSpot-Signature-v3": "Zm9yZ2Vk"}
    webhook.handle(api_event("hubspot", HUBSPOT_BODY, forged), CONTEXT, runtime)
    webhook.handle(api_event("sansan", b"{}", {"Content-Type": "application/json"}), CONTEXT, runtime)
    unrouted = api_event("hubspot", HUBSPOT_BODY, headers, method="GET")
    webhook.handle(unrouted, CONTEXT, runtime)
    events = ingress_aws.salesforce_runtime()
    salesforce_events.handle(lead_activity(), CONTEXT, events)
    salesforce_events.handle(change_event(commit_user=INTEGRATION_USER), CONTEXT, events)


def test_every_ingress_metric_is_drawn_with_the_dimensions_it_is_published_with(
    ingress_aws: IngressAws, capsys: pytest.CaptureFixture[str]
) -> None:
    ingress_traffic(ingress_aws)
    metrics = published(capsys.readouterr().out)

    assert ("WebhookEventsEnqueued", frozenset({"provider", "service"})) in metrics
    assert ("WebhookRequestsRejected", frozenset({"service"})) in metrics  # before the provider is known
    assert [(name, sorted(dims)) for name, dims in sorted(metrics) if not drawn(name, dims)] == []
