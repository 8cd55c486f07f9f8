"""The dead-letter envelope: everything ops needs to understand, fix and redrive one failed event.

A :class:`DeadLetter` wraps the original canonical event (or the raw body, when the event itself was
unreadable), the decision with its trace, the write that was attempted, the Salesforce error with its
class and category, the attempt count and failure times, the versions that produced it, the owner
responsible for that category of error (``rules/operations.json``, :class:`OperationsConfig`) and the
queue it is redriven to. The envelope is versioned: a breaking change bumps ``envelope_version``.

Messages the processor never wrapped — moved to the dead-letter queue by the ingest queue's redrive
policy after ``maxReceiveCount`` — are read as envelopes too (:func:`dead_letter_from_redrive_policy`).
"""

import hashlib
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Annotated, Any, Final, Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from leadrelay.domain.errors import ErrorDetail
from leadrelay.domain.events import CanonicalEvent
from leadrelay.domain.failures import Classification, ErrorCategory, ErrorClass
from leadrelay.domain.writes import WriteOp
from leadrelay.engine.decision import Decision
from leadrelay.engine.diagnostics import CheckContext, pointer
from leadrelay.engine.file_models import RuleFile, Strict

DEAD_LETTER_ENVELOPE_VERSION: Final = 1
REDRIVE_POLICY_CODE: Final = "MOVED_BY_REDRIVE_POLICY"
"""Error code of events the ingest queue's redrive policy moved (the processor kept failing them)."""
REDRIVE_POLICY_MESSAGE: Final = "moved by redrive policy"

OwnerName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]


class OwnerSpec(Strict):
    """One owner of dead letters: who they are and which error categories they fix."""

    label: str | None = None
    contact: str | None = None
    """Where to reach them (a channel, a mailing list); shown in the runbook and ``dlq show``."""
    categories: tuple[ErrorCategory, ...] = ()


class OperationsConfig(RuleFile):
    """``rules/operations.json``: which owner is responsible for which error category."""

    kind: Literal["operations"] = "operations"
    description: str | None = None
    owners: dict[OwnerName, OwnerSpec]
    default_owner: OwnerName
    """Owner of categories no owner lists."""

    def owner_for(self, category: ErrorCategory) -> str:
        """The owner responsible for ``category`` (the first that lists it, else ``default_owner``)."""
        return next(
            (name for name, spec in self.owners.items() if category in spec.categories), self.default_owner
        )


_C = ErrorCategory
DEFAULT_OPERATIONS: Final = OperationsConfig(
    owners={
        "salesforce_admin": OwnerSpec(
            label="Salesforce 管理者", categories=(_C.VALIDATION, _C.SCHEMA, _C.ACCESS)
        ),
        "marketing_ops": OwnerSpec(
            label="マーケティング運用", categories=(_C.DATA_QUALITY, _C.DUPLICATE, _C.MISSING_RECORD)
        ),
        "integration": OwnerSpec(
            label="連携担当 (情シス)",
            categories=(
                _C.RECORD_LOCK,
                _C.API_LIMIT,
                _C.UNAVAILABLE,
                _C.SESSION,
                _C.TIMEOUT,
                _C.INVALID_EVENT,
                _C.UNKNOWN,
            ),
        ),
    },
    default_owner="integration",
)
"""The owners used when no ``rules/operations.json`` is given (the same as the shipped file)."""


def check_operations(config: OperationsConfig) -> Iterator[tuple[str, str, bool]]:
    """Semantic problems as ``(JSON pointer, message, is_error)``: a category owned twice is an error,
    an unknown ``default_owner`` too; a category nobody lists (so it falls to the default) is a warning.
    """
    if config.default_owner not in config.owners:
        names = ", ".join(config.owners) or "none"
        yield pointer("default_owner"), f"{config.default_owner!r} is not a defined owner ({names})", True
    first: dict[ErrorCategory, str] = {}
    for name, spec in config.owners.items():
        for index, category in enumerate(spec.categories):
            if first.setdefault(category, name) != name or spec.categories.index(category) != index:
                message = f"category {category.value!r} is already owned by {first[category]}"
                yield pointer("owners", name, "categories", index), message, True
    for category in ErrorCategory:
        if category not in first:
            message = f"no owner lists {category.value!r}; it goes to {config.default_owner}"
            yield pointer("owners"), message, False


def check_operations_file(model: OperationsConfig, ctx: CheckContext) -> None:
    """The ``operations`` kind's checker for ``leadrelay rules validate`` (see :func:`check_operations`)."""
    for where, message, is_error in check_operations(model):
        (ctx.error if is_error else ctx.warning)(where, message)


class UnreadableEvent(BaseModel):
    """An ingest message that is not a canonical event: its body as received and why it was rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built by the first failure

    body: str
    error: str


def unreadable_event(body: str | bytes, error: str) -> UnreadableEvent:
    """Wrap an unparseable message body (bytes are decoded as UTF-8, bad bytes replaced)."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    return UnreadableEvent(body=text, error=error)


class DeadLetter(BaseModel):
    """One event that could not be applied, with everything needed to fix and redrive it."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built by the first failure

    envelope_version: Literal[1] = DEAD_LETTER_ENVELOPE_VERSION
    id: str
    """Stable per event and record: the same failure dead-lettered twice has the same id."""
    origin: Literal["processor", "redrive_policy"] = "processor"
    event: CanonicalEvent | None = None
    unreadable: UnreadableEvent | None = None
    decision: dict[str, Any] | None = None
    """``Decision.to_dict()``, trace included when the processor evaluated with one."""
    write: WriteOp | None = None
    error: ErrorDetail
    other_errors: tuple[ErrorDetail, ...] = ()
    error_class: ErrorClass
    category: ErrorCategory
    attempts: int = Field(ge=1)
    first_failed_at: AwareDatetime
    last_failed_at: AwareDatetime
    ruleset_version: str | None = None
    function_version: str | None = None
    owner: str
    source_queue: str | None = None
    """The queue URL the original event is redriven to (the ingest queue)."""

    @model_validator(mode="after")
    def _one_original(self) -> Self:
        if (self.event is None) == (self.unreadable is None):
            raise ValueError("a dead letter carries either the canonical event or the unreadable body")
        return self

    @property
    def original_body(self) -> str:
        """The message body to put back on the source queue: the canonical event as it was received."""
        if self.event is not None:
            return self.event.model_dump_json()
        return self.unreadable.body if self.unreadable is not None else ""

    @property
    def record(self) -> str | None:
        """The Salesforce record concerned: record id, upsert key, or the event's identity."""
        if self.write is not None:
            return self.write.record_id or self.write.external_id or self.write.ref
        if self.event is None:
            return None
        identity, window = self.event.identity, self.event.window
        if window is not None:
            return f"{identity.scope} modified {window.since.isoformat()}..{window.until.isoformat()}"
        return identity.salesforce_id or identity.email or identity.ma_id

    def age(self, now: datetime) -> timedelta:
        """How long ago the event last failed."""
        return now - self.last_failed_at


def dead_letter_id(original: CanonicalEvent | UnreadableEvent, write: WriteOp | None = None) -> str:
    """``dl-`` and 24 hex digits of SHA-256 over the event key (or raw body) and the write's ref."""
    key = original.idempotency_key if isinstance(original, CanonicalEvent) else original.body
    digest = hashlib.sha256(f"{key}\n{write.ref if write else ''}".encode()).hexdigest()
    return f"dl-{digest[:24]}"


def dead_letter_for(
    original: CanonicalEvent | UnreadableEvent,
    *,
    error: ErrorDetail,
    classification: Classification,
    attempts: int,
    first_failed_at: datetime,
    now: datetime,
    operations: OperationsConfig,
    decision: Decision | None = None,
    write: WriteOp | None = None,
    other_errors: Sequence[ErrorDetail] = (),
    ruleset_version: str | None = None,
    function_version: str | None = None,
    source_queue: str | None = None,
) -> DeadLetter:
    """The envelope for one failed event (``now`` is the last failure; owner from ``operations``).

    ``ruleset_version`` defaults to the decision's.
    """
    return DeadLetter(
        id=dead_letter_id(original, write),
        event=original if isinstance(original, CanonicalEvent) else None,
        unreadable=original if isinstance(original, UnreadableEvent) else None,
        decision=decision.to_dict() if decision is not None else None,
        write=write,
        error=error,
        other_errors=tuple(other_errors),
        error_class=classification.error_class,
        category=classification.category,
        attempts=attempts,
        first_failed_at=first_failed_at,
        last_failed_at=now,
        ruleset_version=ruleset_version or (decision.ruleset_version if decision else None),
        function_version=function_version,
        owner=operations.owner_for(classification.category),
        source_queue=source_queue,
    )


def dead_letter_from_redrive_policy(
    original: CanonicalEvent | UnreadableEvent,
    *,
    moved_at: datetime,
    receive_count: int,
    operations: OperationsConfig,
    source_queue: str | None = None,
) -> DeadLetter:
    """The envelope of a message the ingest queue's redrive policy moved (the processor never wrapped it).

    Its error is :data:`REDRIVE_POLICY_CODE`, transient (the processor kept handing it back) in the
    ``unknown`` category — or ``invalid_event`` when the body is not a canonical event.
    """
    if isinstance(original, CanonicalEvent):
        category, message = ErrorCategory.UNKNOWN, REDRIVE_POLICY_MESSAGE
    else:
        category, message = ErrorCategory.INVALID_EVENT, f"{REDRIVE_POLICY_MESSAGE}; {original.error}"
    letter = dead_letter_for(
        original,
        error=ErrorDetail(status_code=REDRIVE_POLICY_CODE, message=message),
        classification=Classification(ErrorClass.TRANSIENT, category),
        attempts=max(receive_count, 1),
        first_failed_at=moved_at,
        now=moved_at,
        operations=operations,
        source_queue=source_queue,
    )
    return letter.model_copy(update={"origin": "redrive_policy"})
