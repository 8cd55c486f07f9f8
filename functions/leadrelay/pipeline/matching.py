"""The match step (名寄せ, issue 12 item 4): new people matched to existing ones, leads to Accounts.

After identities are resolved (id, e-mail, external key) and before activities are recorded, so a
matched person's activities join their history and the rules score them with it:

1. the batch's **new** Leads (nobody has their e-mail) are compared with the existing Leads and
   Contacts that share a blocking key (``rules/dedup.json``): one query per object for the whole
   batch, on the stored match keys (``domain.matching.keys``). A **match** makes the event the
   existing record's (no new Lead); a **candidate** flags the new Lead (``domain.matching.linking``);
   an **existing** Lead whose stored match keys no longer fit it (its e-mail, phone, name or company
   changed, or it has none yet) is compared the same way, in the same query, and flagged when it is
   a candidate or a match of another record (never merged: existing records are an admin's call);
2. every Lead of the batch is compared with the Accounts that share a key of ``lead_account``: one
   Account query; a **match** fills the matched account and its owner (routing's ``account_owner``);
3. every Lead and Contact the batch writes gets its match keys, so it is matchable in turn.

What each target gets written (``BatchState.stamps``) and the comparisons (``BatchState.match_hits``,
added to each decision's trace) are keyed by :func:`target_ref`. A failed query fails the batch's
events (transient: they come back), as a failed identity lookup does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from msgspec import Struct

from leadrelay.domain.dedup_rules import Outcome
from leadrelay.domain.events import CanonicalEvent
from leadrelay.domain.failures import SalesforceCallError
from leadrelay.domain.identity import PLACEHOLDER, NewLead, Person, PersonObject, id15, new_lead_fields
from leadrelay.domain.matching.keys import KEY_FIELDS, Clause, key_clauses, key_fields, match_keys
from leadrelay.domain.matching.linking import (
    POTENTIAL_DUPLICATE,
    CandidateIndex,
    Compared,
    account_fields,
    candidate_fields,
    decisive,
    existing_lead_fields,
    keys_changed,
    trace_hits,
)
from leadrelay.domain.matching.match_rules import MatchRules
from leadrelay.domain.matching.record import MatchRecord
from leadrelay.pipeline.context import StepContext
from leadrelay.pipeline.fields import PersonFields
from leadrelay.pipeline.recording import Target
from leadrelay.pipeline.state import BatchState, target_ref
from leadrelay.ports import SalesforceGateway

logger = logging.getLogger(__name__)

MATCH_READ_FIELDS = (
    "FirstName",
    "LastName",
    "Email",
    "Company",
    "Phone",
    "MobilePhone",
    "Website",
    "PostalCode",
)
"""Lead and Contact fields the comparisons read, besides the identity and owned ones (Lead-only ones are
left out for Contact)."""
ACCOUNT_FIELDS = ("Name", "Website", "Phone", "OwnerId", *key_fields("Account"))
"""What the Account query reads."""
CORPORATE_NUMBER_FIELD = KEY_FIELDS["corporate_number"]
"""Where a Lead's 法人番号 is stored; an MA mapping or a form names it as an event field."""
PERSON_PAIRS: tuple[tuple[PersonObject, str], ...] = (("Lead", "lead_lead"), ("Contact", "lead_contact"))


class MatchPeople(Struct):
    """New people matched to existing Leads and Contacts, Leads to Accounts, match keys stamped."""

    gateway: SalesforceGateway
    rules: MatchRules
    fields: PersonFields
    name: str = "match"

    def run(self, batch: BatchState, ctx: StepContext) -> None:
        """Match the batch's targets; a failed query fails their events (they come back)."""
        if not batch.targets:
            return
        try:
            targets = self._people(batch, ctx)
            self._accounts(batch, targets, ctx)
        except SalesforceCallError as failure:
            for _, events in batch.targets:
                for event in events:
                    batch.fail(event.idempotency_key, ctx.failure([failure.error]))
            batch.targets = []
            return
        for person, events in targets:
            stamp = batch.stamps.setdefault(target_ref(person), {})
            stamp.update(match_keys(self._record(person, events), person.sobject))
            if isinstance(person, NewLead) and person.sobject == "Lead":  # never an unverified number
                stamp.setdefault(CORPORATE_NUMBER_FIELD, None)
        batch.targets = targets

    def _people(self, batch: BatchState, ctx: StepContext) -> list[Target]:
        """Each new Lead compared with the Leads and Contacts sharing a blocking key, then with the
        batch's earlier new Leads (:func:`arrival_order`); matches merged, candidates flagged. Each
        existing Lead whose keys changed compared with the others, and flagged (never merged)."""
        new = sorted(
            ((t, self._record(t, events), events) for t, events in batch.targets if isinstance(t, NewLead)),
            key=lambda item: arrival_order(item[0], item[2]),
        )
        rekeyed = [
            (target, record)
            for target, events in batch.targets
            if isinstance(target, Person) and target.sobject == "Lead"
            for record in (self._record(target, events),)
            if keys_changed(match_keys(record, "Lead"), target.record)
        ]
        if not new and not rekeyed:
            return list(batch.targets)
        records = [record for _, record, _ in new] + [record for _, record in rekeyed]
        found = {
            sobject: self._candidates(sobject, pair, records, self.fields[sobject], ctx)
            for sobject, pair in PERSON_PAIRS
        }
        within = WithinBatch(self.rules, records[: len(new)])
        resolved: dict[str, Person | NewLead] = {}
        for position, (target, record, _) in enumerate(new):
            compared = [
                compared
                for sobject, pair in PERSON_PAIRS
                for compared in found[sobject].compare(pair, sobject, record)
            ]
            best = decisive(compared)
            if best is None or best.decision.outcome is not Outcome.MATCH:
                compared.extend(within.compare(position, record))
                best = decisive(compared)
            ref = target_ref(target)
            batch.match_hits.setdefault(ref, []).extend(trace_hits(compared))
            if best is not None and best.decision.outcome is Outcome.MATCH:
                resolved[ref] = within.target(best) or Person(
                    "Contact" if best.sobject == "Contact" else "Lead", best.record
                )
                hits = batch.match_hits.pop(ref)
                batch.match_hits.setdefault(target_ref(resolved[ref]), []).extend(hits)
                logger.info("matched a person", extra={"sobject": best.sobject, "rule": best.decision.rule})
                continue
            within.keep(position, target)
            flag = candidate_fields(best)
            if best is not None and within.target(best) is not None:  # its id is known once it is created
                batch.batch_duplicates[ref] = best.record_id
                flag.pop(POTENTIAL_DUPLICATE, None)
            batch.stamps.setdefault(ref, {}).update(flag)
        for lead, record in rekeyed:
            compared = [
                compared
                for sobject, pair in PERSON_PAIRS
                for compared in found[sobject].compare(pair, sobject, record)
                if id15(compared.record_id) != id15(lead.record_id)
            ]
            ref = target_ref(lead)
            batch.match_hits.setdefault(ref, []).extend(trace_hits(compared))
            batch.stamps.setdefault(ref, {}).update(existing_lead_fields(decisive(compared), lead.record))
        return _merged(batch.targets, resolved)

    def _accounts(self, batch: BatchState, targets: Sequence[Target], ctx: StepContext) -> None:
        """Each Lead's company compared with the Accounts sharing a ``lead_account`` key."""
        leads = [(t, self._record(t, events)) for t, events in targets if t.sobject == "Lead"]
        if not leads or "lead_account" not in self.rules.pairs:
            return
        records = [record for _, record in leads]
        accounts = self._candidates("Account", "lead_account", records, ACCOUNT_FIELDS, ctx)
        for target, record in leads:
            compared = accounts.compare("lead_account", "Account", record)
            ref = target_ref(target)
            batch.match_hits.setdefault(ref, []).extend(trace_hits(compared))
            batch.stamps.setdefault(ref, {}).update(account_fields(decisive(compared)))

    def _candidates(
        self, sobject: str, pair: str, records: Sequence[MatchRecord], fields: Sequence[str], ctx: StepContext
    ) -> Candidates:
        """The records of ``sobject`` sharing a stored key with any of ``records``: one query."""
        if pair not in self.rules.pairs:
            return Candidates(self.rules, [], [])
        clauses: list[Clause] = key_clauses(self.rules.pair(pair), records, sobject)
        if not clauses:
            return Candidates(self.rules, [], [])
        find: Callable[[], list[dict[str, Any]]] = partial(
            self.gateway.find_any, sobject, clauses, fields, time_left=ctx.retrier.remaining
        )
        raws = [
            raw
            for raw in ctx.retrier.call(find, name=f"query {sobject} by match keys")
            if not raw.get("IsConverted")  # a converted Lead lives on as its Contact
        ]
        return Candidates(self.rules, raws, [_features(self.rules, sobject, raw) for raw in raws])

    def _record(self, target: Person | NewLead, events: Sequence[CanonicalEvent]) -> MatchRecord:
        """The record as it is (an existing person) or as it will be created (a new Lead; the placeholder
        of a name or company no event carried is no name)."""
        if isinstance(target, Person):
            raw = dict(target.record)
            raw.update((name, value) for name, value in _carried(events).items() if not raw.get(name))
            return _features(self.rules, target.sobject, raw)
        return _features(self.rules, "Lead", new_lead_fields(target.identity, events))


def _carried(events: Sequence[CanonicalEvent]) -> dict[str, Any]:
    """What the events say of an existing person that the match reads besides the record: the
    法人番号 an MA or form sends (the newest event's; the record's own value wins when it has one)."""
    carried: dict[str, Any] = {}
    for event in sorted(events, key=lambda e: e.occurred_at):
        if event.fields.get(CORPORATE_NUMBER_FIELD):
            carried[CORPORATE_NUMBER_FIELD] = event.fields[CORPORATE_NUMBER_FIELD]
    return carried


def _features(rules: MatchRules, sobject: str, raw: Mapping[str, Any]) -> MatchRecord:
    """A record's match features (the placeholder of a name or company no event carried is no name)."""
    return rules.record(sobject, {k: v for k, v in raw.items() if v not in (PLACEHOLDER, None)})


class Candidates:
    """One query's records, normalised once and filed under the pair's blocking keys."""

    def __init__(self, rules: MatchRules, raws: list[dict[str, Any]], records: list[MatchRecord]) -> None:
        self.rules = rules
        self.raws = raws
        self.records = records
        self._indexes: dict[str, CandidateIndex] = {}

    def compare(self, pair: str, sobject: str, record: MatchRecord) -> list[Compared]:
        """``record`` compared with the candidates sharing one of its blocking keys."""
        matcher = self.rules.pair(pair) if self.raws else None
        if matcher is None:
            return []
        index = self._indexes.get(pair)
        if index is None:
            index = self._indexes[pair] = CandidateIndex(matcher, self.records, self.rules.max_block)
        return [
            Compared(pair, sobject, self.raws[i], matcher.compare(record, self.records[i]))
            for i in index.sharing(record)
        ]


def arrival_order(target: NewLead, events: Sequence[CanonicalEvent]) -> tuple[str, str]:
    """The order the batch's new people are compared in, and so which one is kept when two are one:
    the person whose earliest event happened first, then the lower identity key (deterministic
    whatever order the queue delivered the messages in)."""
    first = min((event.occurred_at for event in events), default=None)
    return (first.isoformat() if first else "", target.key)


class WithinBatch:
    """The batch's new Leads compared with each other (``lead_lead``, the same rules and outcomes as
    with existing records): each with the earlier ones still kept (not merged into another) that
    share a blocking key. A comparison's ``record`` is ``{"Id": "new:<identity key>"}``."""

    def __init__(self, rules: MatchRules, records: Sequence[MatchRecord]) -> None:
        self._matcher = rules.pair("lead_lead") if "lead_lead" in rules.pairs else None
        self._records = list(records)
        self._index = None
        if self._matcher is not None:
            self._index = CandidateIndex(self._matcher, self._records, rules.max_block)
        self._kept: dict[int, NewLead] = {}
        self._by_ref: dict[str, NewLead] = {}

    def compare(self, position: int, record: MatchRecord) -> list[Compared]:
        """``record`` (at ``position`` in arrival order) compared with the earlier kept new Leads."""
        if self._matcher is None or self._index is None:
            return []
        return [
            Compared(
                "lead_lead",
                "Lead",
                {"Id": target_ref(self._kept[i])},
                self._matcher.compare(record, self._records[i]),
            )
            for i in self._index.sharing(record)
            if i < position and i in self._kept
        ]

    def keep(self, position: int, target: NewLead) -> None:
        """``target`` stays a Lead of its own: later new Leads are compared with it."""
        self._kept[position] = target
        self._by_ref[target_ref(target)] = target

    def target(self, compared: Compared) -> NewLead | None:
        """The new Lead of this batch ``compared`` was made with (``None`` for an existing record)."""
        return self._by_ref.get(compared.record_id)


def _merged(targets: Sequence[Target], resolved: dict[str, Person | NewLead]) -> list[Target]:
    """The targets with matched new Leads replaced by their existing person, one target per person."""
    merged: dict[str, Target] = {}
    for target, events in targets:
        person = resolved.get(target_ref(target), target)
        ref = target_ref(person)
        if ref in merged:
            merged[ref][1].extend(events)
        else:
            merged[ref] = (person, list(events))
    return list(merged.values())
