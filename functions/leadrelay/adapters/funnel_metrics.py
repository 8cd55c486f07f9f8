"""The funnel's CloudWatch metrics (EMF through Powertools): stage entries, routes, dead letters by owner.

Per processor batch, from its report (:class:`~leadrelay.pipeline.BatchTally` and the dead letters):

- ``MQLs`` and ``SQLs``: people who entered the stage (a count, zero included, no extra dimension);
- ``LeadsRouted`` by ``route``: a pool's name from ``routing.json``, or ``user``, ``queue``,
  ``account_owner``, ``fallback``;
- ``DeadLetters`` by ``owner``: the owner ``operations.json`` names for the failure's category;
- ``TimeToFirstContact`` (seconds): for each lead first contacted in the batch (a Task completed or an
  Event logged), the time from its routing — the SLA clock's start, in the MQL hand-off — to the contact;
  nothing when nobody was first contacted (an average over the values published, never a zero).

Both dimensions take their values from the rule files, so the number of metrics (each one billed) is
bounded by the rules, never by the data. docs/kpis.md lists every metric and the dashboard's widgets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric

from leadrelay.pipeline import BatchReport

STAGE_METRICS = {"MQL": "MQLs", "SQL": "SQLs"}
"""The stages whose entries are counted, and the metric of each."""
ROUTED_METRIC = "LeadsRouted"
DEAD_LETTER_METRIC = "DeadLetters"
FIRST_CONTACT_METRIC = "TimeToFirstContact"
FUNNEL_METRICS = (*STAGE_METRICS.values(), ROUTED_METRIC, DEAD_LETTER_METRIC, FIRST_CONTACT_METRIC)
"""Every metric this module publishes."""


def publish_funnel(metrics: Metrics, report: BatchReport) -> None:
    """Add the batch's stage entries and first-contact times to ``metrics`` and print one dimensioned
    metric per route and per dead-letter owner seen in it (in the function's ``service``)."""
    for stage, name in STAGE_METRICS.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=report.tally.entered.get(stage, 0))
    for seconds in report.tally.first_contact_seconds:
        metrics.add_metric(name=FIRST_CONTACT_METRIC, unit=MetricUnit.Seconds, value=round(seconds, 3))
    _per_dimension(metrics, ROUTED_METRIC, "route", report.tally.routed)
    owners = Counter(letter.owner for letter in report.dead_letters)
    _per_dimension(metrics, DEAD_LETTER_METRIC, "owner", owners)


def _per_dimension(metrics: Metrics, name: str, dimension: str, counts: Mapping[str, int]) -> None:
    """One EMF line per value of ``dimension`` (Powertools keeps one dimension set per line), in the
    namespace and service of ``metrics``."""
    for value, count in sorted(counts.items()):
        with single_metric(
            name=name,
            unit=MetricUnit.Count,
            value=count,
            namespace=metrics.namespace,
            default_dimensions={"service": str(metrics.service or "leadrelay")},
        ) as metric:
            metric.add_dimension(name=dimension, value=value)
