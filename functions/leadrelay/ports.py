"""The small interfaces between the core and the outside world.

Each port has a real adapter (``leadrelay.adapters``) and a local one (``leadrelay_tools`` and the
tests). The pipeline and the handlers depend only on these protocols; ``leadrelay.bootstrap`` chooses
the adapters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from msgspec import Struct

if TYPE_CHECKING:  # annotations only: the ingress functions import this module without the core's models
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from leadrelay.domain.alerts import Alert, Grant, HeldDigest
    from leadrelay.domain.deadletter import DeadLetter
    from leadrelay.domain.decision_log import DecisionEntry
    from leadrelay.domain.enrichment import MaPerson
    from leadrelay.domain.events import CanonicalEvent
    from leadrelay.domain.pools import PoolState
    from leadrelay.domain.queries import Filter
    from leadrelay.domain.writes import WriteOp, WriteResult
    from leadrelay.engine.decision import Decision


class SalesforceGateway(Protocol):
    """Everything leadrelay asks of Salesforce."""

    def find(
        self,
        sobject: str,
        field: str,
        values: Sequence[str],
        fields: Sequence[str],
        *,
        time_left: Callable[[], float] | None = None,
    ) -> list[dict[str, Any]]:
        """Records of ``sobject`` whose ``field`` is one of ``values`` (one escaped SOQL query per chunk).

        ``time_left()`` is the time (s) the caller may still spend: no request starts that could
        outlast it (``SalesforceCallError`` with ``OUT_OF_TIME`` instead).
        """
        ...

    def find_any(
        self,
        sobject: str,
        clauses: Sequence[Mapping[str, Sequence[str]]],
        fields: Sequence[str],
        *,
        time_left: Callable[[], float] | None = None,
    ) -> list[dict[str, Any]]:
        """Records of ``sobject`` that satisfy any clause, each once; a clause (field → values) holds
        when every one of its fields is one of its values (text compared case-insensitively). One
        escaped SOQL query (``OR`` over the clauses), more only when the values outgrow the URI limit."""
        ...

    def read(
        self,
        sobject: str,
        ids: Sequence[str],
        fields: Sequence[str],
        *,
        time_left: Callable[[], float] | None = None,
    ) -> list[dict[str, Any]]:
        """Records by id (the same query path as ``find`` on ``Id``)."""
        ...

    def modified_between(
        self,
        sobject: str,
        since: datetime,
        until: datetime,
        *,
        limit: int,
        time_left: Callable[[], float] | None = None,
    ) -> list[str]:
        """Ids of ``sobject`` records whose ``LastModifiedDate`` lies in ``[since, until]``, oldest first,
        at most ``limit`` (one escaped, bounded SOQL query; every page read)."""
        ...

    def select(
        self,
        sobject: str,
        fields: Sequence[str],
        where: Sequence[Filter],
        *,
        time_left: Callable[[], float] | None = None,
    ) -> list[dict[str, Any]]:
        """Records of ``sobject`` matching every filter, with ``Id`` and ``fields``: one escaped SOQL
        query, every page read (the SLA monitor's one query per policy)."""
        ...

    def write(self, ops: Sequence[WriteOp]) -> list[WriteResult]:
        """Create/update/upsert in sObject Collections of at most 200; one result per op, in order.

        Request-level failures (HTTP 5xx, timeouts, limits) are returned as failed results for
        every op of that request, so callers classify per record uniformly.
        """
        ...


class ActivityStore(Protocol):
    """Activity history per identity, for engagement scoring."""

    def record(self, events: Sequence[CanonicalEvent]) -> list[bool | Exception]:
        """Store activity events; ``True`` where new, ``False`` where already stored (redelivery), the
        error where that one event could not be stored (the others are stored all the same)."""
        ...

    def history(self, identity_keys: Sequence[str], *, since: datetime) -> Mapping[str, list[dict[str, Any]]]:
        """Activities per identity key since ``since``, as ``CanonicalEvent.activity_record()`` dicts."""
        ...

    def mark_applied(self, events: Sequence[CanonicalEvent], *, at: datetime) -> None:
        """Remember that these events were applied; raises if any could not be."""
        ...

    def applied(self, events: Sequence[CanonicalEvent]) -> set[str]:
        """The idempotency keys of ``events`` marked applied (a copy of an applied event is settled as
        applied)."""
        ...


class EventQueue(Protocol):
    """The ingest queue: canonical events in, durably."""

    def send(self, events: Sequence[CanonicalEvent]) -> None:
        """Enqueue all events or raise; partial batch failures are retried before raising."""
        ...


class MaDirectory(Protocol):
    """An MA's own record of people, asked by the MA's id (HubSpot contact id, Marketo lead id)."""

    def people(self, ma_ids: Sequence[str]) -> Mapping[str, MaPerson]:
        """The people the MA knows among ``ma_ids``, by id (ids it does not know are absent).

        One batched call per chunk the MA allows; raises ``MaDirectoryError`` when the lookup as a
        whole fails (rate limit, outage, refused credentials).
        """
        ...


class Rules(Protocol):
    """What the pipeline needs of a loaded rule set (``leadrelay.RuleSet``)."""

    @property
    def version(self) -> str:
        """The rule set's content hash."""
        ...

    def evaluate(self, context: Mapping[str, Any], *, now: datetime, trace: bool = False) -> Decision:
        """Scores, stage and transitions for one context."""
        ...


class PoolStates(Protocol):
    """Where routing pools keep their state: read a snapshot, save a successor only if still current."""

    def read(self, pool: str) -> PoolState:
        """The pool's current state (version 0 and empty when the pool has none yet)."""
        ...

    def save(self, pool: str, state: PoolState) -> bool:
        """Save ``state`` (version ``n + 1``) if the saved version is still ``n``; False if another
        invocation saved first (read again and choose again)."""
        ...


class DecisionLog(Protocol):
    """Where applied decisions are kept (S3 date partitions in AWS, a directory locally)."""

    def append(self, entries: Sequence[DecisionEntry], *, batch: str) -> None:
        """Store one batch's entries as one object; the same ``batch`` again replaces it. Raises
        ``DecisionLogError`` when they could not be stored."""
        ...


class DeadLetterSink(Protocol):
    """Where dead letters go (the dead-letter queue; a list in the demo)."""

    def send(self, letters: Sequence[DeadLetter]) -> None:
        """Deliver every letter durably, or raise."""
        ...


class EnqueueOutcome(Struct, frozen=True):
    """Idempotency keys enqueued now, and those already enqueued by an earlier delivery."""

    enqueued: tuple[str, ...] = ()
    duplicates: tuple[str, ...] = ()


class Enqueuer(Protocol):
    """Puts canonical events on the ingest queue (once each, when idempotency is configured)."""

    def enqueue(self, events: Sequence[CanonicalEvent]) -> EnqueueOutcome:
        """Enqueue, or raise ``EnqueueError`` / ``ConcurrentDeliveryError``."""
        ...

    def register_lambda_context(self, context: LambdaContext) -> None:
        """Bind the invocation (for in-progress expiry)."""
        ...


class AlertLedger(Protocol):
    """Which alerts were already sent: a claim per alert key, taken once (a DynamoDB conditional put);
    and each rep's hourly alert budget, shared by every invocation (conditional updates)."""

    def claim(self, key: str, *, at: datetime) -> bool:
        """Take ``key``; False when it was already taken (by an earlier or a concurrent run)."""
        ...

    def release(self, key: str) -> None:
        """Give ``key`` back (its alert could not be delivered: the next run tries again)."""
        ...

    def spend(self, alert: Alert, *, at: datetime, limit: int) -> Grant:
        """One more alert to its rep in the clock hour of ``at``: a single while fewer than ``limit`` were
        granted this hour, else ``HELD`` — the alert is kept for the hour's one digest."""
        ...

    def take_digests(self, *, now: datetime) -> list[HeldDigest]:
        """The held alerts of the hours that are over (up to a few hours back), per rep and hour, each
        taken once (by one run of several, concurrent or not)."""
        ...

    def restore_digest(self, digest: HeldDigest) -> None:
        """Give a taken digest back (it could not be delivered: the next run takes it again)."""
        ...


class Notifier(Protocol):
    """Delivers alerts to reps (Salesforce custom notifications, Slack)."""

    def notify(self, alerts: Sequence[Alert]) -> None:
        """Deliver every alert or raise ``NotificationError`` naming what failed."""
        ...
