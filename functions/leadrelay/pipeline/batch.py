"""One batch of ingest messages through the whole pipeline; docs/processor.md tells the story.

The pipeline runs its steps (:mod:`leadrelay.pipeline.steps`: parse → heal → enrich → resolve → match → record
activities → evaluate → route → plan → write) over one :class:`~leadrelay.pipeline.state.BatchState`, then
settles it (:mod:`leadrelay.pipeline.settling`): every message ends APPLIED, DEAD_LETTERED or RETRY.
The pipeline takes ports only (gateway, activity store, dead-letter sink, MA directories); it imports
nothing from AWS.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from leadrelay.domain.alerts import AlertPolicy
from leadrelay.domain.deadletter import OperationsConfig
from leadrelay.domain.events import EventSource
from leadrelay.domain.matching.match_rules import MatchRules
from leadrelay.domain.ownership import OwnershipMap
from leadrelay.domain.routing import RoutingTable
from leadrelay.domain.sla import Policy, Timer
from leadrelay.pipeline.account_keys import StampAccountKeys
from leadrelay.pipeline.assignment_alerts import AlertAssigned
from leadrelay.pipeline.config import PipelineConfig
from leadrelay.pipeline.duplicate_links import LinkBatchDuplicates
from leadrelay.pipeline.enrichment import MaEnricher
from leadrelay.pipeline.fields import PersonFields
from leadrelay.pipeline.hot_leads import AlertHotLeads
from leadrelay.pipeline.matching import MATCH_READ_FIELDS, MatchPeople
from leadrelay.pipeline.messages import BatchReport, InboundMessage
from leadrelay.pipeline.retrying import Retrier
from leadrelay.pipeline.routing_step import RouteLeads
from leadrelay.pipeline.settling import LetterWriter, Settler
from leadrelay.pipeline.state import BatchState
from leadrelay.pipeline.steps import Step, StepContext, standard_steps
from leadrelay.ports import (
    ActivityStore,
    AlertLedger,
    DeadLetterSink,
    DecisionLog,
    MaDirectory,
    Notifier,
    PoolStates,
    Rules,
    SalesforceGateway,
)


class Pipeline:
    """Runs batches of ingest messages; one instance lives for the whole Lambda execution environment."""

    def __init__(
        self,
        *,
        rules: Rules,
        ownership: OwnershipMap,
        operations: OperationsConfig,
        gateway: SalesforceGateway,
        activities: ActivityStore,
        dead_letters: DeadLetterSink,
        config: PipelineConfig | None = None,
        rule_fields: Sequence[str] = (),
        ma_directories: Mapping[EventSource, MaDirectory] | None = None,
        routing: RoutingTable | None = None,
        pool_states: PoolStates | None = None,
        follow_up: tuple[Policy, Timer] | None = None,
        contact_fields: Sequence[str] = (),
        decision_log: DecisionLog | None = None,
        alerts: tuple[AlertLedger, Notifier] | None = None,
        alert_policy: AlertPolicy | None = None,
        match: MatchRules | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.rules = rules
        self.config = config or PipelineConfig()
        self.fields = PersonFields(ownership, [*rule_fields, *(MATCH_READ_FIELDS if match else ())])
        self.routing: RouteLeads | None = None
        """The routing step, when the rules route leads (``routing.json``)."""
        if routing is not None:
            if pool_states is None:
                raise ValueError("routing.json routes leads: the pipeline needs a store for the pools' state")
            self.routing = RouteLeads(
                routing, pool_states, gateway, ownership.outputs, follow_up, tuple(contact_fields)
            )
        self.steps: list[Step] = standard_steps(
            rules=rules,
            ownership=ownership,
            gateway=gateway,
            activities=activities,
            fields=self.fields,
            enricher=MaEnricher(ma_directories or {}, clock=clock),
            history_days=self.config.history_days,
            resync_max_records=self.config.resync_max_records,
            routing=self.routing,
            decision_log=decision_log,
            matching=MatchPeople(gateway, match, self.fields) if match is not None else None,
            account_keys=StampAccountKeys(gateway, match) if match is not None else None,
            duplicate_links=LinkBatchDuplicates(gateway) if match is not None else None,
        )
        """The steps, in order (a new stage is inserted here)."""
        if routing is not None and alerts is not None:
            policy = alert_policy or AlertPolicy()
            self.steps.append(AlertAssigned(*alerts, policy))  # after the write
            if routing.hot_lead is not None:
                self.steps.append(AlertHotLeads(routing, *alerts, policy))
        letters = LetterWriter(operations, rules.version, self.config)
        self.settler = Settler(activities, dead_letters, letters, self.config, clock)
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()  # noqa: S311 (backoff jitter, not security)

    def run(self, messages: Sequence[InboundMessage], *, remaining: Callable[[], float]) -> BatchReport:
        """Process ``messages``; ``remaining()`` is the time (s) this invocation may still spend."""
        batch = BatchState(messages, self._clock())
        ctx = StepContext(Retrier(remaining, self._sleep, self.config.backoff, self._rng), self._clock)
        for step in self.steps:
            step.run(batch, ctx)
        return self.settler.settle(batch)
