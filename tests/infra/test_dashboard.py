"""The CloudWatch dashboard shows every metric the functions publish, and nothing they do not (except the
SLA monitor's, named below)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from leadrelay.adapters.funnel_metrics import FUNNEL_METRICS
from leadrelay.adapters.salesforce.metrics import API_LIMIT_METRIC, API_USED_METRIC
from leadrelay.handlers.ingress_support import NOTICE_METRICS
from leadrelay.handlers.processor import OUTCOME_METRICS
from leadrelay.handlers.sla_monitor import SLA_MONITOR_METRICS
from leadrelay.settings import METRICS_NAMESPACE

from tests.infra.cfn import ROOT, resources_of_type

CODE = ROOT / "functions" / "leadrelay"
PUBLISHING_MODULES = {
    "adapters/funnel_metrics.py",
    "adapters/salesforce/metrics.py",
    "handlers/ingress_support.py",
    "handlers/processor.py",
    "handlers/webhook.py",
    "handlers/salesforce_events.py",
    "handlers/sla_monitor.py",
}
"""Every module that publishes a metric (a new one must be added here, and its metrics below)."""
PUBLISHES = re.compile(r"\badd_metric\(|\bsingle_metric\(|\bcount\(metrics,")
LITERAL_COUNTS = re.compile(r'\bcount\(metrics, "(\w+)"')
SHOWN_BEFORE_PUBLISHED: set[str] = set()
"""On the dashboard before any function publishes it (docs/kpis.md): none now."""


def published_metrics() -> set[str]:
    """The names the functions publish in the ``LeadRelay`` namespace."""
    names = {*OUTCOME_METRICS.values(), *NOTICE_METRICS.values(), *FUNNEL_METRICS}
    names |= {API_USED_METRIC, API_LIMIT_METRIC, *SLA_MONITOR_METRICS.values()}
    for path in CODE.rglob("*.py"):
        names |= set(LITERAL_COUNTS.findall(path.read_text(encoding="utf-8")))
    return names


def dashboard_body(template: dict[str, Any]) -> dict[str, Any]:
    """The dashboard's body, its ``${…}`` substitutions replaced by their names."""
    [dashboard] = resources_of_type(template, "AWS::CloudWatch::Dashboard").values()
    body = dashboard["Properties"]["DashboardBody"]["Fn::Sub"]
    parsed: dict[str, Any] = json.loads(re.sub(r"\$\{([^}]+)\}", r"\1", body))
    return parsed


def dashboard_metrics(body: dict[str, Any]) -> set[str]:
    """The ``LeadRelay`` metric names the widgets draw, as metric rows or inside SEARCH expressions."""
    names: set[str] = set()
    for widget in body["widgets"]:
        for row in widget.get("properties", {}).get("metrics", []):
            if isinstance(row[0], str) and row[0] == METRICS_NAMESPACE:
                names.add(row[1])
            elif isinstance(row[0], dict):
                expression = row[0]["expression"]
                assert METRICS_NAMESPACE in expression, expression
                names |= set(re.findall(r'MetricName="(\w+)"', expression))
    return names


def test_only_the_known_modules_publish_metrics() -> None:
    publishing = {
        str(path.relative_to(CODE))
        for path in CODE.rglob("*.py")
        if PUBLISHES.search(path.read_text(encoding="utf-8")) and path.name != "__init__.py"
    }
    assert publishing == PUBLISHING_MODULES


def test_every_published_metric_is_on_the_dashboard(template: dict[str, Any]) -> None:
    assert published_metrics() - dashboard_metrics(dashboard_body(template)) == set()


def test_the_dashboard_shows_only_metrics_something_publishes(template: dict[str, Any]) -> None:
    assert dashboard_metrics(dashboard_body(template)) - published_metrics() <= SHOWN_BEFORE_PUBLISHED


@pytest.mark.parametrize(
    ("title", "wanted"),
    [
        ("Latency", '"AWS/Lambda", "Duration", "FunctionName", "ProcessorFunction"'),
        ("Dead letters by owner", '{LeadRelay,owner,service} MetricName=\\"DeadLetters\\"'),
        ("MQLs routed", '{LeadRelay,route,service} MetricName=\\"LeadsRouted\\"'),
    ],
)
def test_a_widget_draws_what_its_title_says(template: dict[str, Any], title: str, wanted: str) -> None:
    [widget] = [
        w for w in dashboard_body(template)["widgets"] if w["properties"].get("title", "").startswith(title)
    ]
    assert wanted in json.dumps(widget["properties"]["metrics"])


def test_the_metrics_are_documented() -> None:
    kpis = (Path(ROOT) / "docs" / "kpis.md").read_text(encoding="utf-8")
    for name in published_metrics() | SHOWN_BEFORE_PUBLISHED:
        assert f"`{name}`" in kpis, name
