"""Error classification: the one table that says whether a Salesforce failure is worth retrying.

Every failure is an :class:`~leadrelay.domain.errors.ErrorDetail` with its source (Salesforce, the
activity store, an MA's API, rule evaluation, the event itself). :func:`classify`
turns it into a :class:`Classification`:

* **transient** — retrying the same write later can succeed (a record lock, the API limit, the org
  being unavailable, a timeout, a session that could not be re-established). The processor retries
  with backoff inside the invocation, then hands the event back to SQS; after ``maxReceiveCount``
  the queue's redrive policy moves it to the dead-letter queue.
* **permanent** — the same write will fail again until a person changes data, metadata or access
  (validation rules, unknown fields, duplicates, deleted records, bad values). It goes to the
  dead-letter queue at once.

The rules, in order:

1. A code listed in :data:`CLASSIFICATION_TABLE` gets that row.
2. A code starting with a prefix in :data:`PREFIX_TABLE` (``INSUFFICIENT_ACCESS_*``) gets that row.
3. An error whose *message* carries a record-lock error is transient/``record_lock`` — Apex triggers
   and flows wrap ``UNABLE_TO_LOCK_ROW`` in ``CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY`` or
   ``CANNOT_EXECUTE_FLOW_TRIGGER``, with the real cause only in the text.
4. Any other code with an HTTP status of 5xx is transient/``unavailable``.
5. Everything else is permanent/``unknown``: a person looks at it, nothing retries forever.

Request-level failures get synthetic codes from the gateway: :data:`TIMEOUT`, :data:`CONNECTION_ERROR`
and ``HTTP_<status>`` (:func:`http_status_code`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from types import MappingProxyType

from msgspec import Struct

from leadrelay.domain.enrichment import MA_AUTH_FAILED, MA_PERSON_NOT_FOUND, MA_RATE_LIMITED, MA_UNAVAILABLE
from leadrelay.domain.errors import ErrorDetail


class ErrorClass(StrEnum):
    """Whether a retry can help."""

    TRANSIENT = "transient"
    PERMANENT = "permanent"


class ErrorCategory(StrEnum):
    """What kind of failure it is; dead-letter owners are assigned per category."""

    RECORD_LOCK = "record_lock"
    API_LIMIT = "api_limit"
    UNAVAILABLE = "unavailable"
    SESSION = "session"
    TIMEOUT = "timeout"
    VALIDATION = "validation"
    SCHEMA = "schema"
    DATA_QUALITY = "data_quality"
    DUPLICATE = "duplicate"
    MISSING_RECORD = "missing_record"
    ACCESS = "access"
    INVALID_EVENT = "invalid_event"
    UNKNOWN = "unknown"


class Classification(Struct, frozen=True):
    """The class and category of one error."""

    error_class: ErrorClass
    category: ErrorCategory

    @property
    def transient(self) -> bool:
        """``True`` when a retry can succeed."""
        return self.error_class is ErrorClass.TRANSIENT


TIMEOUT = "TIMEOUT"
"""Synthetic code: the request to Salesforce (or its token endpoint) did not answer in time."""
CONNECTION_ERROR = "CONNECTION_ERROR"
"""Synthetic code: no connection to Salesforce (DNS, refused, reset, TLS)."""
AUTH_FAILED = "AUTH_FAILED"
"""Synthetic code: the OAuth token endpoint refused to issue a session."""
INVALID_EVENT = "INVALID_EVENT"
"""Synthetic code: the event itself could not be processed (never reached Salesforce)."""
OUT_OF_TIME = "OUT_OF_TIME"
"""Synthetic code: the invocation had no time left to finish a call, so it was not started (the
event goes back to the queue; a redelivery gets a fresh invocation)."""
UNKNOWN_PERSON = "UNKNOWN_PERSON"
"""Synthetic code: the event names a person by MA id only, and no Lead or Contact carries that id."""
ACTIVITY_STORE_ERROR = "ACTIVITY_STORE_ERROR"
"""The activity store could not be written or read (source ``activity_store``; transient)."""
ROUTING_STATE_ERROR = "ROUTING_STATE_ERROR"
"""A routing pool's state could not be read or saved, or other invocations kept saving first (source
``routing_state``; transient: the event comes back and is routed again)."""
DECISION_LOG_ERROR = "DECISION_LOG_ERROR"
"""The batch's decisions could not be appended to the decision log (source ``decision_log``;
transient: the event comes back, its writes are idempotent, and the log object is rewritten)."""
RULE_EVALUATION_ERROR = "RULE_EVALUATION_ERROR"
"""The rule engine raised on an event (source ``rule_evaluation``; permanent: the integration owner looks)."""
RESYNC_WINDOW_TOO_LARGE = "RESYNC_WINDOW_TOO_LARGE"
"""A re-sync window (an overflow or wildcard change event) holds more records than one invocation
re-reads (``LEADRELAY_RESYNC_MAX_RECORDS``; permanent: the integration owner re-evaluates them)."""


def http_status_code(status: int) -> str:
    """The synthetic code of a request-level HTTP failure without a Salesforce error body."""
    return f"HTTP_{status}"


def _t(category: ErrorCategory) -> Classification:
    return Classification(ErrorClass.TRANSIENT, category)


def _p(category: ErrorCategory) -> Classification:
    return Classification(ErrorClass.PERMANENT, category)


_C = ErrorCategory

CLASSIFICATION_TABLE: Mapping[str, Classification] = MappingProxyType(
    {
        # --- transient: the same write can succeed later -------------------------------------
        "UNABLE_TO_LOCK_ROW": _t(_C.RECORD_LOCK),  # another transaction holds the record
        "REQUEST_LIMIT_EXCEEDED": _t(_C.API_LIMIT),  # daily / concurrent API limit (HTTP 403)
        "HTTP_429": _t(_C.API_LIMIT),
        "SERVER_UNAVAILABLE": _t(_C.UNAVAILABLE),  # maintenance, instance refresh
        "UNKNOWN_EXCEPTION": _t(_C.UNAVAILABLE),  # Salesforce-internal error, usually passes
        "HTTP_500": _t(_C.UNAVAILABLE),
        "HTTP_502": _t(_C.UNAVAILABLE),
        "HTTP_503": _t(_C.UNAVAILABLE),
        "HTTP_504": _t(_C.UNAVAILABLE),
        CONNECTION_ERROR: _t(_C.UNAVAILABLE),
        TIMEOUT: _t(_C.TIMEOUT),
        OUT_OF_TIME: _t(_C.TIMEOUT),
        "QUERY_TIMEOUT": _t(_C.TIMEOUT),
        "INVALID_SESSION_ID": _t(_C.SESSION),  # reaches us only after the one re-login failed
        AUTH_FAILED: _t(_C.SESSION),  # token endpoint refused; retried until the redrive policy
        MA_RATE_LIMITED: _t(_C.API_LIMIT),  # the MA's lookup API: HubSpot 429, Marketo 606
        MA_UNAVAILABLE: _t(_C.UNAVAILABLE),
        MA_AUTH_FAILED: _t(_C.SESSION),
        ACTIVITY_STORE_ERROR: _t(_C.UNAVAILABLE),  # DynamoDB throttled or unreachable
        ROUTING_STATE_ERROR: _t(_C.UNAVAILABLE),  # DynamoDB unreachable, or the pool kept contended
        DECISION_LOG_ERROR: _t(_C.UNAVAILABLE),  # S3 (or the local directory) refused the batch's object
        # --- permanent: org rules reject the values -----------------------------------------
        "FIELD_CUSTOM_VALIDATION_EXCEPTION": _p(_C.VALIDATION),
        "FIELD_INTEGRITY_EXCEPTION": _p(_C.VALIDATION),
        "FIELD_FILTER_VALIDATION_EXCEPTION": _p(_C.VALIDATION),
        "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY": _p(_C.VALIDATION),  # trigger error (see rule 3)
        "CANNOT_EXECUTE_FLOW_TRIGGER": _p(_C.VALIDATION),  # flow error (see rule 3)
        # --- permanent: metadata does not match what we write --------------------------------
        "INVALID_FIELD": _p(_C.SCHEMA),
        "INVALID_FIELD_FOR_INSERT_UPDATE": _p(_C.SCHEMA),
        "INVALID_TYPE": _p(_C.SCHEMA),  # no such sObject
        "NOT_FOUND": _p(_C.SCHEMA),  # no such resource (e.g. external id field)
        "MALFORMED_QUERY": _p(_C.SCHEMA),
        "JSON_PARSER_ERROR": _p(_C.SCHEMA),
        # --- permanent: a value is malformed or missing --------------------------------------
        "REQUIRED_FIELD_MISSING": _p(_C.DATA_QUALITY),
        "STRING_TOO_LONG": _p(_C.DATA_QUALITY),
        "INVALID_EMAIL_ADDRESS": _p(_C.DATA_QUALITY),
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST": _p(_C.DATA_QUALITY),
        "INVALID_TYPE_ON_FIELD_IN_RECORD": _p(_C.DATA_QUALITY),
        "NUMBER_OUTSIDE_VALID_RANGE": _p(_C.DATA_QUALITY),
        "MALFORMED_ID": _p(_C.DATA_QUALITY),
        # --- permanent: the record exists twice ------------------------------------------------
        "DUPLICATE_VALUE": _p(_C.DUPLICATE),  # unique field
        "DUPLICATES_DETECTED": _p(_C.DUPLICATE),  # duplicate rule
        "DUPLICATE_EXTERNAL_ID": _p(_C.DUPLICATE),  # upsert key matches several records
        # --- permanent: the record is gone or the reference is wrong -------------------------
        "ENTITY_IS_DELETED": _p(_C.MISSING_RECORD),
        "INVALID_CROSS_REFERENCE_KEY": _p(_C.MISSING_RECORD),
        "INVALID_ID_FIELD": _p(_C.MISSING_RECORD),
        UNKNOWN_PERSON: _p(_C.MISSING_RECORD),  # fix the mapping so the MA sends an e-mail
        MA_PERSON_NOT_FOUND: _p(_C.MISSING_RECORD),  # the MA does not know the id (or has no e-mail)
        # --- permanent: the integration user may not do this ---------------------------------
        "ENTITY_IS_LOCKED": _p(_C.ACCESS),  # approval-process lock, not a row lock
        "API_DISABLED_FOR_ORG": _p(_C.ACCESS),
        "API_CURRENTLY_DISABLED": _p(_C.ACCESS),
        # --- permanent: the event never reached Salesforce -----------------------------------
        INVALID_EVENT: _p(_C.INVALID_EVENT),
        RULE_EVALUATION_ERROR: _p(_C.UNKNOWN),  # an engine bug: a person reads the trace
        RESYNC_WINDOW_TOO_LARGE: _p(_C.UNKNOWN),  # too many records to re-read in one invocation
    }
)
"""Classification per Salesforce ``statusCode``/``errorCode`` (and our synthetic codes)."""

PREFIX_TABLE: tuple[tuple[str, Classification], ...] = (("INSUFFICIENT_ACCESS", _p(_C.ACCESS)),)
"""Codes matched by prefix: ``INSUFFICIENT_ACCESS_OR_READONLY``, ``..._ON_CROSS_REFERENCE_ENTITY``, …"""

_LOCK_MARKERS = ("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record")
_UNKNOWN = _p(_C.UNKNOWN)


def classify(error: ErrorDetail) -> Classification:
    """Transient or permanent, and why (rules in the module docstring)."""
    code = error.status_code.upper()
    row = CLASSIFICATION_TABLE.get(code)
    if row is None:
        row = next((c for prefix, c in PREFIX_TABLE if code.startswith(prefix)), None)
    if row is not None and row.transient:
        return row
    if any(marker in error.message for marker in _LOCK_MARKERS):
        return CLASSIFICATION_TABLE["UNABLE_TO_LOCK_ROW"]
    if row is not None:
        return row
    if error.http_status is not None and error.http_status >= 500:
        return CLASSIFICATION_TABLE["HTTP_500"]
    return _UNKNOWN


class SalesforceCallError(Exception):
    """A whole call to Salesforce failed (a query, a read or the login), not one record of a write.

    Gateways raise it from reads; writes never raise it but return failed results instead.
    """

    def __init__(self, operation: str, error: ErrorDetail) -> None:
        super().__init__(f"{operation} failed: {error.status_code} {error.message}".rstrip())
        self.operation = operation
        self.error = error

    @property
    def classification(self) -> Classification:
        """The classification of the underlying error."""
        return classify(self.error)


class UnknownFieldError(SalesforceCallError):
    """A query named a field the org does not have (``INVALID_FIELD``: "No such column 'X'").

    The gateway recognises it, so callers act on :attr:`field` instead of reading messages.
    """

    def __init__(self, operation: str, error: ErrorDetail, *, field: str) -> None:
        super().__init__(operation, error)
        self.field = field


def classify_all(errors: Sequence[ErrorDetail]) -> Classification:
    """One classification for a failed record: permanent if any error is (a retry cannot fix it).

    The category is that of the first permanent error, else of the first error. A failure without
    errors is permanent/``unknown``.
    """
    if not errors:
        return _UNKNOWN
    classes = [classify(error) for error in errors]
    return next((c for c in classes if not c.transient), classes[0])
