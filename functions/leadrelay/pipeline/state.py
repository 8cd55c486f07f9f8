"""The one typed state a batch carries through the pipeline's steps.

Each step reads what the steps before it produced and adds its own: parsed events, the events still
being worked on (enriched from the MA), the people they resolve to, their activity histories, the
decisions and write intents, the write plan — and, for any event that failed on the way, its
:class:`~leadrelay.pipeline.writing.Failure`. Settling turns the state into one outcome per message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from leadrelay.domain.errors import ErrorDetail
from leadrelay.domain.events import CanonicalEvent
from leadrelay.domain.identity import NewLead, Person
from leadrelay.domain.owners import Routed
from leadrelay.domain.writeplan import WriteIntent
from leadrelay.domain.writes import WriteOp, WriteResult
from leadrelay.engine.decision import Decision, RuleHit
from leadrelay.pipeline.messages import InboundMessage
from leadrelay.pipeline.recording import Target
from leadrelay.pipeline.writing import Failure


class BatchState:
    """One batch: its messages, and what each step has made of them so far."""

    def __init__(self, messages: Sequence[InboundMessage], now: datetime) -> None:
        self.now = now
        self.messages = list(messages)
        self.by_id = {m.message_id: m for m in self.messages}
        # parse
        self.events: dict[str, CanonicalEvent] = {}
        """Every readable event by idempotency key, as it arrived (dead letters keep this one)."""
        self.message_ids: dict[str, list[str]] = {}
        """The messages carrying each event (a redelivered copy shares its key)."""
        self.unreadable: dict[str, ErrorDetail] = {}
        """Messages whose body is not a canonical event, by message id."""
        # enrich → resolve → record → evaluate → plan → write
        self.working: dict[str, CanonicalEvent] = {}
        """The events still being applied (after enrichment: with the MA's e-mail filled in)."""
        self.not_found: dict[str, ErrorDetail] = {}
        """Why an MA-id-only event names nobody (the MA does not know the id), by key."""
        self.parents: dict[str, str] = {}
        """The re-sync window each re-read event was made from (``heal``), by the re-read's key: its
        failure is the window's."""
        self.targets: list[Target] = []
        self.histories: Mapping[str, list[dict[str, Any]]] = {}
        self.decisions: dict[str, Decision] = {}
        self.stamps: dict[str, dict[str, Any]] = {}
        """Fields the match step adds to each target's write (match keys, potential duplicate, matched
        account), by :func:`target_ref`."""
        self.batch_duplicates: dict[str, str] = {}
        """A new Lead that is a **candidate** duplicate of another new Lead of the batch → that Lead's
        ref (:func:`target_ref`): its potential-duplicate id is written once both are created."""
        self.match_hits: dict[str, list[RuleHit]] = {}
        """The match step's comparisons per target (:func:`target_ref`), added to its decisions' trace."""
        self.intents: list[WriteIntent] = []
        self.plan: list[WriteOp] = []
        self.writes: dict[str, WriteOp] = {}
        """The write that carries out each event (for its dead letter)."""
        self.routed: dict[str, Routed] = {}
        """Where routing sent each event's lead, by event key."""
        self.follow_ups: list[WriteIntent] = []
        """The owners' follow-up Tasks, written after the leads (a Lead created in this batch has its
        id only then: ``WhoId`` is filled in by ``write follow-ups``)."""
        self.follow_up_reasons: dict[str, tuple[str, str, datetime]] = {}
        """The owner's follow-up Task of each routed event's lead: the first-contact policy, its breach
        timer and the deadline the Task is due at (for the decision log)."""
        self.first_contacts: dict[str, float] = {}
        """Seconds from a lead's SLA clock start (its routing) to its first contact, by the key of the
        contact's event (for the ``TimeToFirstContact`` metric once the write is applied)."""
        self.written: dict[str, WriteResult] = {}
        """The successful result of each write, by op ref (a new Lead's id is here)."""
        self.failures: dict[str, Failure] = {}

    def add_event(self, message: InboundMessage, event: CanonicalEvent) -> None:
        """A message read as ``event`` (a second copy of an event joins the first)."""
        self.events.setdefault(event.idempotency_key, event)
        self.working.setdefault(event.idempotency_key, event)
        self.message_ids.setdefault(event.idempotency_key, []).append(message.message_id)

    def fail(self, key: str, failure: Failure) -> None:
        """Record the failure of one event (a permanent failure is never replaced by a transient one);
        a re-read made from a re-sync window fails the window."""
        key = self.parents.get(key, key)
        earlier = self.failures.get(key)
        if earlier is None or earlier.classification.transient:
            self.failures[key] = failure

    def fail_all(self, failure: Failure) -> None:
        """Every event of the batch failed the same way (a lookup failed)."""
        for key in self.events:
            self.fail(key, failure)

    def deliveries(self, key: str) -> int:
        """How often SQS has delivered the event (the most of the messages carrying it)."""
        return max(self.by_id[m].receive_count for m in self.message_ids[key])


def target_ref(target: Person | NewLead) -> str:
    """A target's key within a batch: the record id, or ``new:<identity key>`` for a Lead to create."""
    return target.record_id if isinstance(target, Person) else f"new:{target.key}"
