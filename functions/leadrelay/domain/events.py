"""The canonical event: the one shape every source becomes before it reaches the ingest queue.

Salesforce Platform Events, Change Data Capture and MA webhooks are parsed into a
``CanonicalEvent`` at the edge; everything downstream (the processor, the dead-letter
envelope, ``leadrelay replay``) sees only this model. It is versioned: a breaking change
bumps ``schema_version`` and the processor keeps reading the old one until queues drain.
"""

import unicodedata
from enum import StrEnum
from typing import Any, Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

SALESFORCE_ID_PATTERN = r"^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$"
"""A 15- or 18-character Salesforce record id."""
MAX_EMAIL_LENGTH = 254
"""The longest e-mail address (RFC 5321's 256-character path less its angle brackets, RFC 3696)."""
MAX_MA_ID_LENGTH = 252
"""The longest MA id: ``ma#<id>`` must fit ``LR_External_Key__c`` (Text(255))."""
MAX_IDEMPOTENCY_KEY_BYTES = 512
"""The longest idempotency key, in UTF-8 bytes: with its time prefix it stays far inside DynamoDB's
1,024-byte sort key (the activity store) and SQS's message attributes."""


class EventKind(StrEnum):
    """Whether the event is something a person did, or a change to a CRM record."""

    ACTIVITY = "activity"
    RECORD_CHANGE = "record_change"


class ActivityType(StrEnum):
    """Marketing and sales activities that scoring rules count (``activities.types``)."""

    EMAIL_SENT = "email_sent"
    EMAIL_OPENED = "email_opened"
    EMAIL_CLICKED = "email_clicked"
    PAGE_VIEW = "page_view"
    FORM_SUBMITTED = "form_submitted"
    DOWNLOAD = "download"
    WEBINAR_REGISTERED = "webinar_registered"
    WEBINAR_ATTENDED = "webinar_attended"
    SEMINAR_ATTENDED = "seminar_attended"
    MEETING_BOOKED = "meeting_booked"
    OTHER = "other"


class RecordChangeType(StrEnum):
    """CRM record changes that matter to the hand-off (first-contact detection among them)."""

    LEAD_CREATED = "lead_created"
    LEAD_UPDATED = "lead_updated"
    CONTACT_CREATED = "contact_created"
    CONTACT_UPDATED = "contact_updated"
    OWNER_CHANGED = "owner_changed"
    STATUS_CHANGED = "status_changed"
    TASK_COMPLETED = "task_completed"
    EVENT_LOGGED = "event_logged"
    """An Event (a meeting, a call) logged about a person: first contact, as a completed Task is."""
    TASK_CHANGED = "task_changed"
    """A Task Salesforce could not describe (a CDC gap): the processor reads it and, when it is
    completed, applies it as ``task_completed`` about its ``WhoId``."""
    ACCOUNT_CHANGED = "account_changed"
    """An Account created, or its name, website or phone changed: the processor stamps its match keys
    (lead-to-account matching, docs/matching.md)."""
    RECORDS_CHANGED = "records_changed"
    """A re-sync window (``GAP_OVERFLOW``, wildcard ``recordIds``): the processor re-reads every
    record of ``entity`` modified in ``window`` and re-evaluates each."""


COMPLETED_TASK_STATUSES = frozenset({"Completed"})
"""The Task statuses that make a Task a first contact (``task_completed``), as Salesforce ships them."""


class EventSource(StrEnum):
    """Where an event came from."""

    SALESFORCE = "salesforce"
    HUBSPOT = "hubspot"
    MARKETO = "marketo"
    ACCOUNT_ENGAGEMENT = "account_engagement"
    GENERIC = "generic"


def normalise_email(value: str | None) -> str | None:
    """NFKC-normalise, trim and lower-case an e-mail address; ``None`` for blanks.

    Full-width input (``ＴＡＲＯ＠ｅｘａｍｐｌｅ．ｃｏ．ｊｐ``) becomes the ASCII address.
    """
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", value).strip().lower()
    return text or None


class Identity(BaseModel):
    """Who the event is about. At least one key is required."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    email: str | None = Field(default=None, max_length=MAX_EMAIL_LENGTH)
    salesforce_id: str | None = Field(default=None, pattern=SALESFORCE_ID_PATTERN)
    ma_id: str | None = Field(default=None, max_length=MAX_MA_ID_LENGTH)
    """The MA tool's own id for the person (HubSpot objectId, Marketo lead id...)."""
    scope: Literal["Lead", "Contact"] | None = None
    """A re-sync window's identity: the event is about the records of this object in its window, no
    one person (the processor turns it into one re-read event per record)."""

    @field_validator("email")
    @classmethod
    def _normalise_email(cls, value: str | None) -> str | None:
        return normalise_email(value)

    @model_validator(mode="after")
    def _at_least_one_key(self) -> Self:
        if not (self.email or self.salesforce_id or self.ma_id or self.scope):
            raise ValueError("identity needs at least one of email, salesforce_id, ma_id")
        return self

    @property
    def key(self) -> str:
        """The activity-store partition key: e-mail first, then Salesforce id, then MA id (a window's
        ``scope#Lead``)."""
        if self.scope and not (self.email or self.salesforce_id or self.ma_id):
            return f"scope#{self.scope}"
        if self.email:
            return f"email#{self.email}"
        if self.salesforce_id:
            return f"sf#{self.salesforce_id[:15]}"
        return f"ma#{self.ma_id}"


class ChangeHeader(BaseModel):
    """For Salesforce Change Data Capture: the ``ChangeEventHeader`` facts downstream code needs.

    ``change_origin`` and ``commit_user`` let loop detection recognise leadrelay's own write-backs;
    ``record_id`` is the changed record (for a Task: the Task, while ``identity`` is its ``WhoId``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    record_id: str | None = Field(default=None, pattern=SALESFORCE_ID_PATTERN)
    """``None`` for a re-sync window (an overflow event names no record, a wildcard all of them)."""
    change_type: str = Field(min_length=1, max_length=40)
    """``CREATE``, ``UPDATE``, ``DELETE``, ``UNDELETE`` or a gap type (``GAP_UPDATE``, ``GAP_OVERFLOW``)."""
    change_origin: str = ""
    """``com/salesforce/api/rest/61.0;client=leadrelay`` for an API write with a client name."""
    commit_user: str | None = None
    transaction_key: str | None = None
    sequence_number: int | None = None


class ResyncWindow(BaseModel):
    """The time window of a re-sync event: the records of its entity whose ``LastModifiedDate`` lies in
    ``[since, until]`` are read again and re-evaluated."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    since: AwareDatetime
    until: AwareDatetime

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.until < self.since:
            raise ValueError("until is before since")
        return self


class CanonicalEvent(BaseModel):
    """One inbound fact, whatever its source, in the shape the processor understands."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1] = 1
    idempotency_key: str = Field(min_length=1)
    """Stable across redeliveries: ``EventUuid`` for platform events, ``transactionKey:sequenceNumber``
    for CDC (``:<recordId>`` appended when one change names several records), ``<provider>:<event id>``
    for webhooks."""
    kind: EventKind
    type: str = Field(min_length=1, max_length=80)
    """An ``ActivityType`` for activities, a ``RecordChangeType`` for record changes."""
    source: EventSource
    occurred_at: AwareDatetime
    received_at: AwareDatetime | None = None
    identity: Identity
    attributes: dict[str, Any] = Field(default_factory=dict)
    """Activity details (``url``, ``asset``, ``campaign``...); rules read them as ``event.attributes``."""
    fields: dict[str, Any] = Field(default_factory=dict)
    """Salesforce field values carried by the event (mapped MA fields, CDC field values), by API name."""
    entity: Literal["Lead", "Contact", "Task", "Event", "Account"] | None = None
    """For record changes: the Salesforce object the change is on."""
    changed_fields: tuple[str, ...] = ()
    change: ChangeHeader | None = None
    """For record changes from Change Data Capture: the header facts (record id, origin, committing user)."""
    window: ResyncWindow | None = None
    """For ``records_changed`` (and only there): the window whose records the processor re-reads."""

    @field_validator("idempotency_key")
    @classmethod
    def _key_fits(cls, value: str) -> str:
        if len(value.encode("utf-8", "surrogatepass")) > MAX_IDEMPOTENCY_KEY_BYTES:
            raise ValueError(f"is longer than {MAX_IDEMPOTENCY_KEY_BYTES} bytes (UTF-8)")
        return value

    @model_validator(mode="after")
    def _type_matches_kind(self) -> Self:
        allowed = ActivityType if self.kind is EventKind.ACTIVITY else RecordChangeType
        if self.type not in allowed._value2member_map_:
            names = ", ".join(allowed._value2member_map_)
            raise ValueError(f"type {self.type!r} is not a {self.kind.value} type (one of: {names})")
        if (self.type == RecordChangeType.RECORDS_CHANGED) != (self.window is not None):
            raise ValueError("a records_changed event needs a window, and only it has one")
        if self.window is not None and (self.entity is None or self.entity != self.identity.scope):
            raise ValueError("a re-sync window's entity and identity.scope must name the same object")
        return self

    def activity_record(self) -> dict[str, Any]:
        """The activity as the rule engine's context sees it (``activities[*]``): its attributes, then
        ``id``, ``type``, ``occurred_at`` and ``source``, which no attribute of the same name shadows."""
        return {
            **self.attributes,
            "id": self.idempotency_key,
            "type": self.type,
            "occurred_at": self.occurred_at,
            "source": self.source.value,
        }


def parse_canonical_event(body: str | bytes) -> CanonicalEvent:
    """Parse an ingest-queue message body; raises ``pydantic.ValidationError`` with field paths."""
    return CanonicalEvent.model_validate_json(body)
