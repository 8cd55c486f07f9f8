"""Errors as data: where one happened and what it said, the same shape for every source."""

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class ErrorSource(StrEnum):
    """Which part of the world an error comes from."""

    SALESFORCE = "salesforce"
    """The org refused a write or a query (or could not be reached)."""
    ACTIVITY_STORE = "activity_store"
    """The activity history could not be written or read."""
    MA_DIRECTORY = "ma_directory"
    """The MA's API could not name the person an event refers to."""
    RULE_EVALUATION = "rule_evaluation"
    """The rule engine raised on the event."""
    ROUTING_STATE = "routing_state"
    """A routing pool's state could not be read or saved (or stayed contended)."""
    DECISION_LOG = "decision_log"
    """The decision log could not keep the batch's decisions."""
    EVENT = "event"
    """The event itself is unreadable or refers to nobody (it never reached Salesforce)."""


class DuplicateMatch(BaseModel):
    """A record a duplicate rule matched (from the error's ``duplicateResult.matchResults``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sobject: str
    record_id: str


class ErrorDetail(BaseModel):
    """One error: where it happened (:class:`ErrorSource`), its code and message.

    Salesforce's errors keep Salesforce's shape (``statusCode`` in collections, ``errorCode``
    elsewhere: ``status_code``); the other sources use leadrelay's codes (``ACTIVITY_STORE_ERROR``,
    ``RULE_EVALUATION_ERROR``, ``INVALID_EVENT``, ``MA_*``). Every code is classified by the one table
    in :mod:`leadrelay.domain.failures`.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    source: ErrorSource = ErrorSource.SALESFORCE
    """Where the error happened (envelopes written before sources existed are Salesforce's)."""
    status_code: str
    message: str = ""
    fields: tuple[str, ...] = ()
    http_status: int | None = None
    duplicate_rule: str | None = None
    """For ``DUPLICATES_DETECTED``: the duplicate rule that refused the save."""
    duplicates: tuple[DuplicateMatch, ...] = ()
    """For ``DUPLICATES_DETECTED``: the existing records it matched, in Salesforce's order."""
