"""The routing step: a lead that enters the routed stage (MQL) in this batch gets an owner, with the reason.

After the rules have decided, for every Lead whose decision enters ``routing.json``'s stage: the first
matching row's target is resolved — a user or the account's owner unless inactive or away, a queue, or
a pool's next available rep (:mod:`leadrelay.pipeline.assignment`), else the row's fallback owner — and
a routed write intent adds ``OwnerId`` and the routing reason to the lead's write, in the same batched
write as its stage and MQL time. Users and their OutOfOffice records are read once per batch (two
queries, only when the batch routes someone).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from functools import partial
from typing import Any

from msgspec import Struct, field
from msgspec.structs import replace

from leadrelay.domain.attribution import attribution
from leadrelay.domain.decision_outputs import DecisionOutputs, SlaOutput
from leadrelay.domain.errors import ErrorDetail, ErrorSource
from leadrelay.domain.failures import ROUTING_STATE_ERROR, SalesforceCallError
from leadrelay.domain.owners import (
    OUT_OF_OFFICE_FIELDS,
    TOKYO,
    USER_FIELDS,
    Routed,
    UserInfo,
    direct_owner,
    pool_reps,
    user_infos,
    zone_info,
)
from leadrelay.domain.routing import Route, RoutingTable
from leadrelay.domain.sla import Policy, Timer
from leadrelay.domain.writeplan import WriteIntent
from leadrelay.engine.decision import Decision
from leadrelay.pipeline.assignment import PoolContentionError, assign_from_pool
from leadrelay.pipeline.context import StepContext
from leadrelay.pipeline.first_contact import mark_first_contacts
from leadrelay.pipeline.state import BatchState
from leadrelay.ports import PoolStates, SalesforceGateway

logger = logging.getLogger(__name__)


class RouteLeads(Struct):
    """Owners for the leads that enter the routed stage, with the hand-off fields."""

    table: RoutingTable
    states: PoolStates
    gateway: SalesforceGateway
    outputs: DecisionOutputs = field(default_factory=DecisionOutputs)
    follow_up: tuple[Policy, Timer] | None = None
    """The first-contact policy and its breach timer: the owner's Task is due at that deadline."""
    contact_fields: tuple[str, ...] = ()
    """Lead fields whose setting is the first contact (``sla.json`` ``first_contact_fields``)."""
    name: str = "route"

    def run(self, batch: BatchState, ctx: StepContext) -> None:
        """Route each entering lead; a failed read or a contended pool fails that lead's event (transient)."""
        mark_first_contacts(batch, self.outputs.sla, self.contact_fields)
        self._recycle(batch)  # after: a lead recycled in this batch has its clock closed, not met
        entering = [(intent, batch.decisions[intent.event_keys[0]]) for intent in self._entering(batch)]
        if not entering:
            return
        try:
            users = self._users(ctx)
        except SalesforceCallError as failure:
            for intent, _ in entering:
                batch.fail(intent.event_keys[0], ctx.failure([failure.error]))
            return
        people = {event.idempotency_key: person.key for person, events in batch.targets for event in events}
        for intent, decision in entering:
            key = intent.event_keys[0]
            try:
                routed = self._route(intent, decision, batch, users)
            except (PoolContentionError, OSError, RuntimeError) as error:
                detail = ErrorDetail(
                    source=ErrorSource.ROUTING_STATE, status_code=ROUTING_STATE_ERROR, message=str(error)
                )
                batch.fail(key, ctx.failure([detail]))
                continue
            batch.routed[key] = routed
            history = batch.histories.get(people.get(key, ""), [])
            desired = {"OwnerId": routed.owner_id, **self._hand_off(routed, history)}
            if self.follow_up is not None and self.outputs.sla is not None:
                desired.update(_clock_start(self.outputs.sla, batch.now))
            follow_up = self._follow_up(routed, intent, users, batch.now)
            if follow_up is not None and self.follow_up is not None:
                task, due = follow_up
                batch.follow_ups.append(task)
                batch.follow_up_reasons[key] = (self.follow_up[0].id, self.follow_up[1].id, due)
                if self.outputs.sla is not None:
                    desired[self.outputs.sla.due_at] = due
            batch.intents.append(
                WriteIntent(
                    sobject=intent.sobject,
                    event_keys=intent.event_keys,
                    desired=desired,
                    current=intent.current,
                    record_id=intent.record_id,
                    external_key=intent.external_key,
                    routed=True,
                )
            )
            logger.info("lead routed", extra={"event_key": key, "row": routed.row_id, "via": routed.via})

    def _follow_up(
        self, routed: Routed, intent: WriteIntent, users: Mapping[str, UserInfo], now: datetime
    ) -> tuple[WriteIntent, datetime] | None:
        """The owner's Task, due at the first-contact deadline in the owner's time zone, upserted on a key
        made from the event (a redelivered event updates it, never makes a second). Only for a Lead
        routed to a user (a queue owns no Tasks); a Lead created in this batch gets its ``WhoId`` after
        its write (:class:`leadrelay.pipeline.follow_ups.WriteFollowUps`)."""
        if self.follow_up is None or not routed.owner_id.startswith("005"):
            return None
        policy, breach = self.follow_up
        owner = users.get(routed.owner_id) or users.get(routed.owner_id[:15])
        zone = zone_info(owner.time_zone if owner else TOKYO)
        due = self.table.calendar.deadline(now, breach.after.span(), zone)
        desired: dict[str, Any] = {
            "Subject": f"MQL 初回コンタクト (期限 {due:%Y-%m-%d %H:%M})",
            "ActivityDate": due.date().isoformat(),
            "OwnerId": routed.owner_id,
            **({"WhoId": intent.record_id} if intent.record_id else {}),
            "Status": "Not Started",
            "Priority": "High",
            "Description": f"{policy.id}: {routed.reason()}",
        }
        task = WriteIntent(
            sobject="Task", event_keys=intent.event_keys, desired=desired, external_key=_task_key(intent)
        )
        return task, due

    def _hand_off(self, routed: Routed, history: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """The routing reason, the first and last touch and the sales-active flag, as the map names them."""
        outputs = self.outputs
        fields: dict[str, Any] = {}
        if outputs.routing_reason:
            fields[outputs.routing_reason] = routed.reason()
        if outputs.sales_active:
            fields[outputs.sales_active] = True
        touches = attribution(history)
        if outputs.attribution is not None and touches is not None:
            names = outputs.attribution
            fields[names.first_source], fields[names.first_campaign] = (
                touches.first.source,
                touches.first.campaign,
            )
            fields[names.last_source], fields[names.last_campaign] = (
                touches.last.source,
                touches.last.campaign,
            )
        return fields

    def _entering(self, batch: BatchState, stages: Collection[str] | None = None) -> Iterable[WriteIntent]:
        """Each Lead's latest intent whose decision moves it into one of ``stages`` (the routed stage)."""
        wanted = stages if stages is not None else (self.table.file.stage,)
        seen: set[tuple[str | None, str | None]] = set()
        for intent in reversed(batch.intents):  # the last event of a person decides once
            decision = batch.decisions.get(intent.event_keys[0]) if intent.event_keys else None
            person = (intent.record_id, intent.external_key)
            if intent.sobject != "Lead" or decision is None or person in seen:
                continue
            if any(move.to_stage in wanted for move in decision.transitions):
                seen.add(person)
                yield intent

    def _recycle(self, batch: BatchState) -> None:
        """Leads returned to marketing: the SLA clock closed, the sales-active flag cleared, and the owner
        reset when the rules name a recycling owner."""
        file, outputs = self.table.file, self.outputs
        for intent in list(self._entering(batch, file.recycle_stages)):
            desired: dict[str, Any] = {}
            if outputs.sales_active:
                desired[outputs.sales_active] = False
            if outputs.sla is not None:
                desired[outputs.sla.status] = outputs.sla.closed_value
            if file.recycle_owner:
                desired["OwnerId"] = file.recycle_owner
            batch.intents.append(replace(intent, desired=desired, routed=bool(file.recycle_owner)))

    def _users(self, ctx: StepContext) -> Mapping[str, UserInfo]:
        ids = self.table.user_ids()
        if not ids:
            return {}
        read = partial(self.gateway.read, "User", ids, USER_FIELDS, time_left=ctx.retrier.remaining)
        users = ctx.retrier.call(read, name="query User by Id")
        absent = partial(
            self.gateway.find,
            "OutOfOffice",
            "UserId",
            ids,
            OUT_OF_OFFICE_FIELDS,
            time_left=ctx.retrier.remaining,
        )
        return user_infos(users, ctx.retrier.call(absent, name="query OutOfOffice by UserId"))

    def _route(
        self, intent: WriteIntent, decision: Decision, batch: BatchState, users: Mapping[str, UserInfo]
    ) -> Routed:
        key = intent.event_keys[0]
        event = batch.working.get(key)
        root = {
            "lead": {**intent.current, **intent.desired},
            "scores": dict(decision.scores),
            "event": event.model_dump(mode="json") if event is not None else {},
        }
        route = self.table.route(root, batch.now)
        return resolve_owner(self.table, self.states, route, root["lead"], batch.now, users)


def resolve_owner(
    table: RoutingTable,
    states: PoolStates,
    route: Route,
    lead: Mapping[str, Any],
    now: datetime,
    users: Mapping[str, UserInfo],
) -> Routed:
    """The owner a matched row gives the lead (a user, the account's owner, a queue, a pool's next rep),
    else the row's fallback; what the route step writes and what routing rule tests check."""
    target = route.target
    if target is None:
        return Routed(route.fallback, route.row_id, "fallback (no row matched)")
    if target.queue is not None:
        return Routed(target.queue, route.row_id, "queue")
    if target.user is not None:
        return direct_owner(target.user, route.row_id, "user", route.fallback, users, now)
    if target.account_owner:
        owner = lead.get("LR_Matched_Account_Owner__c")  # filled by de-duplication (issue 12)
        if not owner:
            return Routed(route.fallback, route.row_id, "fallback (no matched account)")
        return direct_owner(str(owner), route.row_id, "account_owner", route.fallback, users, now)
    pool_name = str(target.pool)
    pool = table.file.pools[pool_name]
    reps = pool_reps(pool.members, users, zone_info)
    choice = assign_from_pool(pool_name, reps, pool.rules(), states, now=now, calendar=table.calendar)
    if choice.user_id is None:
        reason = f"fallback (nobody available in pool {pool_name})"
        return Routed(route.fallback, route.row_id, reason, choice.skipped)
    return Routed(choice.user_id, route.row_id, f"pool {pool_name}", choice.skipped)


def _clock_start(sla: SlaOutput, now: datetime) -> dict[str, Any]:
    """A new SLA clock: running, started now, no timer acted on, no breach, no contact yet."""
    fields: dict[str, Any] = {sla.status: sla.open_value}
    if sla.started_at:
        fields[sla.started_at] = now
    for cleared in (sla.actions, sla.breached_at, sla.first_contact_at):
        if cleared:
            fields[cleared] = None
    return fields


def _task_key(intent: WriteIntent) -> str:
    """``mql:<event key>`` (hashed when long: the key field holds 255 characters)."""
    key = f"mql:{intent.event_keys[0]}"
    return key if len(key) <= 255 else "mql:sha256=" + hashlib.sha256(key.encode()).hexdigest()
