"""The SLA monitor's object graph: the rules (SLA policies, the routing calendar, the field map), the
Salesforce gateway, the alert ledger in the routing state table, the notifiers and the decision log
(the processor's bucket or directory), from :class:`~leadrelay.settings.SlaMonitorSettings`."""

from __future__ import annotations

from collections.abc import Callable

from msgspec import Struct

from leadrelay.adapters.alert_ledger import DynamoDBAlertLedger
from leadrelay.adapters.aws_clients import AwsClients
from leadrelay.adapters.salesforce.sessions import ApiUsage
from leadrelay.adapters.slack import NO_NOTIFIER
from leadrelay.bootstrap import NO_OVERRIDES, Clock, Overrides, utc_now
from leadrelay.bootstrap.decision_logs import decision_log
from leadrelay.bootstrap.salesforce import notifiers, salesforce_gateway
from leadrelay.domain.alerts import AlertPolicy
from leadrelay.domain.sla_watch import SlaFieldsError
from leadrelay.pipeline.sla_monitor import SlaMonitor
from leadrelay.rulefiles.sla_rules import load_sla_rules
from leadrelay.settings import SlaMonitorSettings


class SlaMonitorRuntime(Struct, frozen=True):
    """The monitor, the clock it runs on and the time it keeps free at the end of an invocation."""

    monitor: SlaMonitor
    clock: Clock
    time_margin_seconds: float


def sla_monitor_runtime(
    settings: SlaMonitorSettings,
    overrides: Overrides = NO_OVERRIDES,
    *,
    on_api_usage: Callable[[ApiUsage], None] | None = None,
) -> SlaMonitorRuntime:
    """The monitor on the deployed rules; rules without SLA fields in ``ownership.json`` fail here. It
    reads only what it keeps time and writes by (:mod:`leadrelay.rulefiles.sla_rules`)."""
    rules = load_sla_rules(settings.rules_path)
    outputs = rules.ownership.outputs
    if outputs.sla is None or outputs.stage is None:
        raise SlaFieldsError(
            "rules/ownership.json: outputs.sla and outputs.stage are needed by the SLA monitor"
        )
    clients = AwsClients()
    gateway = overrides.gateway or salesforce_gateway(
        settings, rules.ownership, on_api_usage=on_api_usage, clients=clients
    )
    monitor = SlaMonitor(
        policies=rules.sla.policies if rules.sla else [],
        sla=outputs.sla,
        stage_field=outputs.stage,
        calendar=rules.calendar,
        gateway=gateway,
        ledger=overrides.alert_ledger
        or DynamoDBAlertLedger(clients.lazy("dynamodb"), settings.routing_table),
        notifier=overrides.notifier or notifiers(settings, gateway, clients) or NO_NOTIFIER,
        alert_policy=AlertPolicy(per_rep_per_hour=settings.alerts_per_rep_per_hour),
        decision_log=overrides.decision_log or decision_log(settings, clients),
        ruleset_version=rules.version,
    )
    return SlaMonitorRuntime(monitor, overrides.clock or utc_now, settings.time_margin_seconds)
