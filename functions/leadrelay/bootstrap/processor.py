"""The processor's object graph: rules, the Salesforce gateway, the activity store, the dead-letter queue
and the MA directories, from :class:`~leadrelay.settings.ProcessorSettings` (the Salesforce side is built
by :mod:`leadrelay.bootstrap.salesforce`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from msgspec import Struct

from leadrelay.adapters import reading_dictionary
from leadrelay.adapters.activity_store import DynamoDBActivityStore
from leadrelay.adapters.alert_ledger import DynamoDBAlertLedger
from leadrelay.adapters.aws_clients import AwsClients
from leadrelay.adapters.dead_letters import DeadLetterQueue
from leadrelay.adapters.pool_states import DynamoDBPoolStates, InMemoryPoolStates
from leadrelay.adapters.salesforce.gateway import DEFAULT_TIMEOUT_SECONDS
from leadrelay.adapters.salesforce.sessions import ApiUsage
from leadrelay.bootstrap import NO_OVERRIDES, Overrides, utc_now
from leadrelay.bootstrap.decision_logs import decision_log
from leadrelay.bootstrap.salesforce import ma_directories_for, notifiers, salesforce_gateway
from leadrelay.domain.alerts import AlertPolicy
from leadrelay.domain.deadletter import OperationsConfig
from leadrelay.domain.events import EventSource
from leadrelay.domain.matching.readings import before_loading_dictionary
from leadrelay.domain.retry import Backoff
from leadrelay.domain.sla import first_response
from leadrelay.pipeline import Pipeline, PipelineConfig
from leadrelay.pipeline.fields import PersonFields
from leadrelay.pipeline.lookup import PersonContext, person_context
from leadrelay.ports import (
    ActivityStore,
    AlertLedger,
    DeadLetterSink,
    DecisionLog,
    MaDirectory,
    Notifier,
    PoolStates,
    SalesforceGateway,
)
from leadrelay.rulefiles.bundle import RuleBundle, load_rule_bundle
from leadrelay.settings import (
    InspectionSettings,
    ProcessorSettings,
    SettingsError,
)

# --- the processor ---------------------------------------------------------------------------------


class ProcessorRuntime(Struct, frozen=True):
    """The processor's graph: the pipeline, and the time it keeps free at the end of an invocation."""

    pipeline: Pipeline
    time_margin_seconds: float


def processor_runtime(
    settings: ProcessorSettings,
    overrides: Overrides = NO_OVERRIDES,
    *,
    on_api_usage: Callable[[ApiUsage], None] | None = None,
) -> ProcessorRuntime:
    """The pipeline on the configured rules and adapters; an invalid rule set raises ``RuleSetError``
    naming every problem, an unreadable secret raises with the secret's name. One boto3 client per
    service, the MA and Slack secrets' included, each created when first called (the dead-letter queue's
    only when a message is dead-lettered)."""
    bundle = load_rule_bundle(settings.rules_path)
    before_loading_dictionary(reading_dictionary.install)  # pykakasi's tables read per character
    clients = AwsClients()
    config = PipelineConfig(
        backoff=Backoff(attempt_time=DEFAULT_TIMEOUT_SECONDS),  # a retry starts only if it can finish
        max_receive_count=settings.max_receive_count,
        history_days=settings.activity_history_days,
        resync_max_records=settings.resync_max_records,
        function_version=settings.function_version,
        source_queue=settings.ingest_queue_url,
    )
    gateway = overrides.gateway or salesforce_gateway(
        settings, bundle.ownership, on_api_usage=on_api_usage, clients=clients
    )
    notifier = overrides.notifier or notifiers(settings, gateway, clients)
    pool_states = overrides.pool_states or _pool_states(settings, bundle, clients)
    ledger = overrides.alert_ledger or (
        DynamoDBAlertLedger(clients.lazy("dynamodb"), settings.routing_table)
        if settings.routing_table
        else None
    )
    pipeline = assemble_pipeline(
        bundle,
        gateway=gateway,
        activities=overrides.activities or activity_store(settings, clients),
        dead_letters=overrides.dead_letters or _dead_letter_queue(settings, bundle.operations, clients),
        ma_directories=(
            overrides.ma_directories
            if overrides.ma_directories is not None
            else ma_directories_for(settings, clients)
        ),
        config=config,
        overrides=overrides,
        pool_states=pool_states,
        decision_log=overrides.decision_log or decision_log(settings, clients),
        alerts=(ledger, notifier) if ledger is not None and notifier is not None else None,
        alert_policy=AlertPolicy(per_rep_per_hour=settings.alerts_per_rep_per_hour),
    )
    return ProcessorRuntime(pipeline, settings.time_margin_seconds)


def assemble_pipeline(
    bundle: RuleBundle,
    *,
    gateway: SalesforceGateway,
    activities: ActivityStore,
    dead_letters: DeadLetterSink,
    ma_directories: Mapping[EventSource, MaDirectory] | None = None,
    config: PipelineConfig | None = None,
    overrides: Overrides = NO_OVERRIDES,
    pool_states: PoolStates | None = None,
    decision_log: DecisionLog | None = None,
    alerts: tuple[AlertLedger, Notifier] | None = None,
    alert_policy: AlertPolicy | None = None,
) -> Pipeline:
    """The pipeline on a loaded rules directory and the given ports (``overrides``: clock, sleep, rng);
    ``pool_states`` keeps the routing pools' state when the rules route leads (default: in memory);
    ``decision_log`` keeps the applied decisions (default: ``overrides.decision_log``, else none);
    ``alerts`` (a ledger and a notifier) tells reps about the MQLs routed to them and their hot leads,
    within ``alert_policy``'s budget (default: 5 an hour)."""
    return Pipeline(
        rules=bundle.rules,
        ownership=bundle.ownership,
        operations=bundle.operations,
        gateway=gateway,
        activities=activities,
        dead_letters=dead_letters,
        config=config,
        rule_fields=bundle.lead_fields,
        ma_directories=ma_directories,
        routing=bundle.routing,
        follow_up=first_response(bundle.sla, bundle.routing.file.stage) if bundle.routing else None,
        contact_fields=bundle.sla.first_contact_fields if bundle.sla else (),
        pool_states=_local_pool_states(bundle, pool_states or overrides.pool_states),
        decision_log=decision_log or overrides.decision_log,
        alerts=alerts or _alerts(overrides),
        alert_policy=alert_policy,
        match=bundle.match,
        clock=overrides.clock or utc_now,
        sleep=overrides.sleep or time.sleep,
        rng=overrides.rng,
    )


# --- reading one person back (rules explain --record) ----------------------------------------------


class RecordReader(Struct, frozen=True):
    """Reads one Lead or Contact and its activity history as the processor would, for explaining."""

    gateway: SalesforceGateway
    activities: ActivityStore
    bundle: RuleBundle
    history_days: int

    def read(self, *, now: datetime, record_id: str | None = None, email: str | None = None) -> PersonContext:
        """The person by id or e-mail, with their history over the processor's look-back from ``now``."""
        fields = PersonFields(self.bundle.ownership, self.bundle.lead_fields)
        since = now - timedelta(days=self.history_days)
        return person_context(
            self.gateway, self.activities, fields, since=since, record_id=record_id, email=email
        )


def record_reader(settings: InspectionSettings, overrides: Overrides = NO_OVERRIDES) -> RecordReader:
    """The org and the activity store as the settings configure them, with the deployed rules."""
    bundle = load_rule_bundle(settings.rules_path)
    return RecordReader(
        gateway=overrides.gateway or salesforce_gateway(settings, bundle.ownership),
        activities=overrides.activities or activity_store(settings),
        bundle=bundle,
        history_days=settings.activity_history_days,
    )


def _alerts(overrides: Overrides) -> tuple[AlertLedger, Notifier] | None:
    if overrides.alert_ledger is None or overrides.notifier is None:
        return None
    return overrides.alert_ledger, overrides.notifier


def _local_pool_states(bundle: RuleBundle, given: PoolStates | None) -> PoolStates | None:
    """``given``, else pool state in memory when the rules route leads (the demo, local runs, tests)."""
    if given is not None or bundle.routing is None:
        return given
    return InMemoryPoolStates()


def _pool_states(
    settings: ProcessorSettings, bundle: RuleBundle, clients: AwsClients
) -> DynamoDBPoolStates | None:
    """The pools' state table; required when the rules route leads (their state must outlive a container)."""
    if bundle.routing is None:
        return None
    if not settings.routing_table:
        raise SettingsError(
            "ProcessorSettings: LEADRELAY_ROUTING_TABLE is not set (rules/routing.json routes leads; "
            "the pools keep their state in that DynamoDB table)"
        )
    return DynamoDBPoolStates(clients.lazy("dynamodb"), settings.routing_table)


def activity_store(
    settings: ProcessorSettings | InspectionSettings, clients: AwsClients | None = None
) -> DynamoDBActivityStore:
    """The DynamoDB activity store the settings name (replay's dry run reads it without writing)."""
    ttl = timedelta(days=settings.activity_ttl_days)
    dynamodb = (clients or AwsClients()).lazy("dynamodb")
    return DynamoDBActivityStore(dynamodb, settings.activity_table, ttl=ttl)


def _dead_letter_queue(
    settings: ProcessorSettings, operations: OperationsConfig, clients: AwsClients
) -> DeadLetterQueue:
    return DeadLetterQueue(
        clients.lazy("sqs"),
        settings.dlq_url,
        source_queue_url=settings.ingest_queue_url,
        operations=operations,
    )
