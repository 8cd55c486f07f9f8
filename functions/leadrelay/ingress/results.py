"""What ingress makes of one inbound delivery: canonical events, notices, or a rejection.

A :class:`IngressError` is the caller's mistake (or a message we cannot read) and names where it is,
as a JSON path into the payload (``$.detail.payload.ChangeEventHeader.changeType``). A
:class:`Notice` is a delivery we understood and deliberately did not turn into an event (a gap or
overflow event, an entity leadrelay does not process, one of our own write-backs): handlers log it
and count it in a metric, and it is never an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from msgspec import Struct, field

from leadrelay.domain.events import CanonicalEvent


class RejectionKind(StrEnum):
    """Why a delivery was refused; the webhook handler maps each to an HTTP status."""

    MALFORMED = "malformed"
    """Broken JSON or a payload that fails validation (HTTP 400)."""
    UNAUTHENTICATED = "unauthenticated"
    """A missing, wrong or stale signature or secret (HTTP 401)."""
    UNKNOWN_PROVIDER = "unknown_provider"
    """No mapping for the provider in the URL (HTTP 404)."""
    UNKNOWN_ROUTE = "unknown_route"
    """A method or path other than ``POST /webhooks/<provider>`` (HTTP 404)."""
    TOO_LARGE = "too_large"
    """The body is above the size limit (HTTP 413)."""
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    """The body is not JSON (HTTP 415)."""


class IngressError(Exception):
    """A refused delivery. ``str()`` is safe to return to the caller and to log: it names the place
    and the problem, never a secret, a signature or a personal value."""

    def __init__(self, reason: str, *, path: str = "", kind: RejectionKind = RejectionKind.MALFORMED) -> None:
        super().__init__(f"{path}: {reason}" if path else reason)
        self.reason = reason
        self.path = path
        self.kind = kind


class NoticeKind(StrEnum):
    """A delivery understood but not turned into an event."""

    GAP = "gap"
    """A CDC gap event (``GAP_CREATE`` …): Salesforce could not send the change itself."""
    OVERFLOW = "overflow"
    """``GAP_OVERFLOW``: a transaction changed too many records for one event each."""
    NOT_PROCESSED = "not_processed"
    """An event or entity leadrelay does not process (``AccountChangeEvent``, an unknown ``__e``)."""
    OWN_CHANGE = "own_change"
    """A change caused by leadrelay's own write-back (dropped to prevent loops)."""
    SKIPPED = "skipped"
    """A webhook event left out by its mapping's ``filter``."""


class Notice(Struct, frozen=True):
    """One delivery (or one record of it) that became no event, and why."""

    kind: NoticeKind
    reason: str
    event_name: str = ""
    """The Salesforce event (``AccountChangeEvent``, ``Lead_Activity__e``) or webhook provider."""
    record_ids: tuple[str, ...] = ()


class IngressResult(Struct, frozen=True):
    """Canonical events to enqueue and notices to log and count."""

    events: tuple[CanonicalEvent, ...] = ()
    notices: tuple[Notice, ...] = field(default=())

    @classmethod
    def of(cls, events: Sequence[CanonicalEvent] = (), notices: Sequence[Notice] = ()) -> IngressResult:
        """Build from any sequences."""
        return cls(tuple(events), tuple(notices))
