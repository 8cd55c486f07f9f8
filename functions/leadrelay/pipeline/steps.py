"""The processor's pipeline as an ordered list of steps over one :class:`BatchState`.

parse → heal (CDC gaps) → enrich (MA ids) → resolve identities → match (名寄せ) → record activities →
evaluate rules → route → plan writes → write → reconcile (a history grown meanwhile); then the batch is
settled (:mod:`leadrelay.pipeline.settling`). A step reads what earlier steps produced and adds its own; it
fails the events it cannot carry further (``batch.fail``) and leaves the rest to the next step. A new
stage (SLA timers) is a new step in :func:`standard_steps`, not an edit inside another one.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from msgspec import Struct
from msgspec.structs import replace

from leadrelay.domain.duplicates import link_to_duplicate, without_taken_key
from leadrelay.domain.errors import ErrorDetail, ErrorSource
from leadrelay.domain.failures import RULE_EVALUATION_ERROR, SalesforceCallError
from leadrelay.domain.identity import Unresolved
from leadrelay.domain.ownership import OwnershipMap
from leadrelay.domain.writeplan import plan_writes
from leadrelay.domain.writes import WriteOp
from leadrelay.pipeline.context import Step, StepContext
from leadrelay.pipeline.decision_logging import LogDecisions
from leadrelay.pipeline.enrichment import MaEnricher
from leadrelay.pipeline.evaluation import evaluate_person
from leadrelay.pipeline.fields import PersonFields
from leadrelay.pipeline.follow_ups import WriteFollowUps
from leadrelay.pipeline.healing import HealGaps
from leadrelay.pipeline.messages import parse_message
from leadrelay.pipeline.reconciling import ReconcileHistories
from leadrelay.pipeline.recording import Target, record_and_read
from leadrelay.pipeline.resolution import resolve_people
from leadrelay.pipeline.state import BatchState, target_ref
from leadrelay.pipeline.writing import write_with_retries
from leadrelay.ports import ActivityStore, DecisionLog, Rules, SalesforceGateway

logger = logging.getLogger(__name__)


class ParseMessages:
    """Each message body as a canonical event; an unreadable body is kept for its dead letter."""

    name = "parse"

    def run(self, batch: BatchState, ctx: StepContext) -> None:
        """Parse every message of the batch."""
        for message in batch.messages:
            parsed = parse_message(message)
            if isinstance(parsed, ErrorDetail):
                batch.unreadable[message.message_id] = parsed
            else:
                batch.add_event(message, parsed)


class EnrichFromMa(Struct):
    """Events that name their person by MA id only get the MA's e-mail (HubSpot, Marketo)."""

    enricher: MaEnricher
    name: str = "enrich"

    def run(self, batch: BatchState, ctx: StepContext) -> None:
        """Ask each MA once for all its ids in the batch."""
        if not batch.working:
            return
        enrichment = self.enricher.enrich(batch.working, ctx.retrier)
        for key, error in enrichment.failed.items():
            batch.fail(key, ctx.failure([error]))
        batch.working = dict(enrichment.events)
        batch.not_found.update(enrichment.not_found)


class ResolveIdentities(Struct):
    """Each event's person: a Lead or Contact found by one query per object and key, or a new Lead."""

    gateway: SalesforceGateway
    fields: PersonFields
    name: str = "resolve"

    def run(self, batch: BatchState, ctx: StepContext) -> None:
        """Look everyone up at once; group the events by person."""
        if not batch.working:
            return
        try:
            identities = (event.identity for event in batch.working.values())
            index = resolve_people(self.gateway, identities, fields=self.fields, retrier=ctx.retrier)
        except SalesforceCallError as failure:
            batch.fail_all(ctx.failure([failure.error]))
            return
        targets: dict[str, Target] = {}
        for key, event in batch.working.items():
            resolution = index.resolve(event.identity)
            if isinstance(resolution, Unresolved):
                error = batch.not_found.get(key) or ErrorDetail(
                    source=ErrorSource.EVENT, status_code=resolution.code, message=resolution.reason
                )
                batch.fail(key, ctx.failure([error]))
                continue
            targets.setdefault(target_ref(resolution), (resolution, []))[1].append(event)
        batch.targets = list(targets.values())


class RecordActivities(Struct):
    """This batch's activities stored under their person; each person's history read back."""

    activities: ActivityStore
    history_days: int
    name: str = "record activities"

    def run(self, batch: BatchState, ctx: StepContext) -> None:
        """A store failure fails only the events it concerns."""
        if not batch.targets:
            return
        since = batch.now - timedelta(days=self.history_days)
        recorded = record_and_read(self.activities, batch.targets, since=since, in_time=ctx.retrier.can_start)
        for key, error in recorded.failed.items():
            batch.fail(key, ctx.failure([error]))
        batch.targets = recorded.remaining(batch.targets)
        batch.histories = recorded.histories


class EvaluateRules(Struct):
    """The rules on each person, event by event in the order they happened: decisions and intents."""

    rules: Rules
    ownership: OwnershipMap
    name: str = "evaluate"

    def run(self, batch: BatchState, ctx: StepContext) -> None:
        """An engine error fails that person's events, never the batch."""
        for person, events in batch.targets:
            ref = target_ref(person)
            try:
                evaluation = evaluate_person(
                    person,
                    events,
                    activities=batch.histories.get(person.key, []),
                    rules=self.rules,
                    ownership=self.ownership,
                    now=batch.now,
                    stamped=batch.stamps.get(ref, {}),
                )
            except Exception as exc:  # an engine bug must not hold the whole batch
                logger.error(
                    "rule evaluation failed: %s (the event is in the dead letter)", type(exc).__name__
                )
                error = ErrorDetail(
                    source=ErrorSource.RULE_EVALUATION,
                    status_code=RULE_EVALUATION_ERROR,
                    message=f"{type(exc).__name__}: {exc}",
                )
                for event in events:
                    batch.fail(event.idempotency_key, ctx.failure([error]))
                continue
            hits = tuple(batch.match_hits.get(ref, ()))
            batch.decisions.update(
                (key, replace(decision, trace=(*(decision.trace or ()), *hits)) if hits else decision)
                for key, decision in evaluation.decisions.items()
            )
            batch.intents.extend(evaluation.intents)


class PlanWrites(Struct):
    """The intents coalesced into writes: only changed, leadrelay-owned fields, one op per record."""

    ownership: OwnershipMap
    name: str = "plan"

    def run(self, batch: BatchState, ctx: StepContext) -> None:
        """Plan, and remember which write carries out each event."""
        batch.plan = list(plan_writes(batch.intents, self.ownership).ops)
        for op in batch.plan:
            for key in op.event_keys:
                batch.writes[key] = op


class WriteToSalesforce(Struct):
    """The plan written in sObject Collections, transient failures retried while time allows."""

    gateway: SalesforceGateway
    ownership: OwnershipMap
    name: str = "write"

    def run(self, batch: BatchState, ctx: StepContext) -> None:
        """A create a duplicate rule refused is linked to the record it names (``ownership.json``); an
        update refused because another record holds the external key it gives is written without it."""
        if not batch.plan:
            return
        outcome = write_with_retries(
            self.gateway,
            batch.plan,
            retrier=ctx.retrier,
            clock=ctx.clock,
            relink=partial(_written_again, ownership=self.ownership),
        )
        for ref, update in outcome.linked.items():
            logger.info(
                "written again: linked to the record a duplicate rule named, or without a taken key",
                extra={"ref": ref, "sobject": update.sobject, "record_id": update.record_id},
            )
        batch.written.update(outcome.succeeded)
        by_ref = {op.ref: op for op in batch.plan}
        for ref, failure in outcome.failed.items():
            for key in by_ref[ref].event_keys:
                batch.fail(key, failure)


def _written_again(op: WriteOp, error: ErrorDetail, *, ownership: OwnershipMap) -> WriteOp | None:
    return link_to_duplicate(op, error, ownership) or without_taken_key(op, error, ownership)


def standard_steps(
    *,
    rules: Rules,
    ownership: OwnershipMap,
    gateway: SalesforceGateway,
    activities: ActivityStore,
    fields: PersonFields,
    enricher: MaEnricher,
    history_days: int,
    resync_max_records: int = 10_000,
    routing: Step | None = None,
    decision_log: DecisionLog | None = None,
    matching: Step | None = None,
    account_keys: Step | None = None,
    duplicate_links: Step | None = None,
) -> list[Step]:
    """The processor's steps, in order (``account_keys`` and ``matching``, when the rules match people
    (``dedup.json``), before and after identities are resolved; ``routing``, when the rules route
    leads, after the rules; ``duplicate_links`` (naming the batch's new Leads that may be one another)
    after the write; logging the applied decisions last, when a decision log is configured). After the
    write, people whose history another invocation extended meanwhile are evaluated, routed, planned
    and written again (:mod:`leadrelay.pipeline.reconciling`)."""
    routed = [routing] if routing is not None else []
    follow_ups = [WriteFollowUps(gateway, ownership)] if routing is not None else []
    again: list[Step] = [
        EvaluateRules(rules, ownership),
        *routed,
        PlanWrites(ownership),
        WriteToSalesforce(gateway, ownership),
        *follow_ups,
    ]
    return [
        ParseMessages(),
        HealGaps(gateway, resync_max_records),
        EnrichFromMa(enricher),
        *([account_keys] if account_keys is not None else []),
        ResolveIdentities(gateway, fields),
        *([matching] if matching is not None else []),
        RecordActivities(activities, history_days),
        EvaluateRules(rules, ownership),
        *routed,
        PlanWrites(ownership),
        WriteToSalesforce(gateway, ownership),
        *follow_ups,
        *([duplicate_links] if duplicate_links is not None else []),
        ReconcileHistories(activities, gateway, fields, history_days, again),
        *([LogDecisions(decision_log)] if decision_log is not None else []),
    ]


__all__ = [
    "EnrichFromMa",
    "EvaluateRules",
    "HealGaps",
    "LogDecisions",
    "ParseMessages",
    "PlanWrites",
    "ReconcileHistories",
    "RecordActivities",
    "ResolveIdentities",
    "Step",
    "StepContext",
    "WriteToSalesforce",
    "standard_steps",
]
