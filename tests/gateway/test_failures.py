"""The classification table, pinned row by row: which Salesforce failures retry and which dead-letter."""

from __future__ import annotations

import pytest
from leadrelay.domain.errors import ErrorDetail
from leadrelay.domain.failures import (
    CLASSIFICATION_TABLE,
    Classification,
    ErrorCategory,
    ErrorClass,
    SalesforceCallError,
    classify,
    classify_all,
    http_status_code,
)

T, P = ErrorClass.TRANSIENT, ErrorClass.PERMANENT
C = ErrorCategory

EXPECTED: dict[str, tuple[ErrorClass, ErrorCategory]] = {
    "UNABLE_TO_LOCK_ROW": (T, C.RECORD_LOCK),
    "REQUEST_LIMIT_EXCEEDED": (T, C.API_LIMIT),
    "HTTP_429": (T, C.API_LIMIT),
    "SERVER_UNAVAILABLE": (T, C.UNAVAILABLE),
    "UNKNOWN_EXCEPTION": (T, C.UNAVAILABLE),
    "HTTP_500": (T, C.UNAVAILABLE),
    "HTTP_502": (T, C.UNAVAILABLE),
    "HTTP_503": (T, C.UNAVAILABLE),
    "HTTP_504": (T, C.UNAVAILABLE),
    "CONNECTION_ERROR": (T, C.UNAVAILABLE),
    "TIMEOUT": (T, C.TIMEOUT),
    "QUERY_TIMEOUT": (T, C.TIMEOUT),
    "OUT_OF_TIME": (T, C.TIMEOUT),
    "INVALID_SESSION_ID": (T, C.SESSION),
    "AUTH_FAILED": (T, C.SESSION),
    "MA_RATE_LIMITED": (T, C.API_LIMIT),
    "MA_UNAVAILABLE": (T, C.UNAVAILABLE),
    "MA_AUTH_FAILED": (T, C.SESSION),
    "FIELD_CUSTOM_VALIDATION_EXCEPTION": (P, C.VALIDATION),
    "FIELD_INTEGRITY_EXCEPTION": (P, C.VALIDATION),
    "FIELD_FILTER_VALIDATION_EXCEPTION": (P, C.VALIDATION),
    "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY": (P, C.VALIDATION),
    "CANNOT_EXECUTE_FLOW_TRIGGER": (P, C.VALIDATION),
    "INVALID_FIELD": (P, C.SCHEMA),
    "INVALID_FIELD_FOR_INSERT_UPDATE": (P, C.SCHEMA),
    "INVALID_TYPE": (P, C.SCHEMA),
    "NOT_FOUND": (P, C.SCHEMA),
    "MALFORMED_QUERY": (P, C.SCHEMA),
    "JSON_PARSER_ERROR": (P, C.SCHEMA),
    "REQUIRED_FIELD_MISSING": (P, C.DATA_QUALITY),
    "STRING_TOO_LONG": (P, C.DATA_QUALITY),
    "INVALID_EMAIL_ADDRESS": (P, C.DATA_QUALITY),
    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST": (P, C.DATA_QUALITY),
    "INVALID_TYPE_ON_FIELD_IN_RECORD": (P, C.DATA_QUALITY),
    "NUMBER_OUTSIDE_VALID_RANGE": (P, C.DATA_QUALITY),
    "MALFORMED_ID": (P, C.DATA_QUALITY),
    "DUPLICATE_VALUE": (P, C.DUPLICATE),
    "DUPLICATES_DETECTED": (P, C.DUPLICATE),
    "DUPLICATE_EXTERNAL_ID": (P, C.DUPLICATE),
    "ENTITY_IS_DELETED": (P, C.MISSING_RECORD),
    "INVALID_CROSS_REFERENCE_KEY": (P, C.MISSING_RECORD),
    "INVALID_ID_FIELD": (P, C.MISSING_RECORD),
    "ENTITY_IS_LOCKED": (P, C.ACCESS),
    "API_DISABLED_FOR_ORG": (P, C.ACCESS),
    "API_CURRENTLY_DISABLED": (P, C.ACCESS),
    "INVALID_EVENT": (P, C.INVALID_EVENT),
    "UNKNOWN_PERSON": (P, C.MISSING_RECORD),
    "MA_PERSON_NOT_FOUND": (P, C.MISSING_RECORD),
    "ACTIVITY_STORE_ERROR": (T, C.UNAVAILABLE),
    "ROUTING_STATE_ERROR": (T, C.UNAVAILABLE),
    "DECISION_LOG_ERROR": (T, C.UNAVAILABLE),
    "RULE_EVALUATION_ERROR": (P, C.UNKNOWN),
    "RESYNC_WINDOW_TOO_LARGE": (P, C.UNKNOWN),
}


def test_every_row_of_the_table_is_pinned_by_this_test() -> None:
    assert set(CLASSIFICATION_TABLE) == set(EXPECTED)


@pytest.mark.parametrize(("code", "expected"), sorted(EXPECTED.items()))
def test_each_code_has_its_class_and_category(code: str, expected: tuple[ErrorClass, ErrorCategory]) -> None:
    assert classify(ErrorDetail(status_code=code, message="…")) == Classification(*expected)


@pytest.mark.parametrize(
    "code",
    [
        "INSUFFICIENT_ACCESS_OR_READONLY",
        "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY",
        "INSUFFICIENT_ACCESS_TO_INSIGHTSEXTERNALDATA",
    ],
)
def test_insufficient_access_codes_are_permanent_access_failures(code: str) -> None:
    assert classify(ErrorDetail(status_code=code)) == Classification(P, C.ACCESS)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY",
            "LeadTrigger: execution of AfterUpdate caused by: System.DmlException: Update failed. "
            "First exception on row 0 with id 00Q5g00000AbCdEEAV; first error: UNABLE_TO_LOCK_ROW, "
            "unable to obtain exclusive access to this record: []",
        ),
        (
            "CANNOT_EXECUTE_FLOW_TRIGGER",
            "We can't save this record because the “リード振り分け” process failed. "
            "UNABLE_TO_LOCK_ROW: unable to obtain exclusive access to this record or 1 records: "
            "00Q5g00000AbCdE",
        ),
    ],
    ids=["trigger", "flow"],
)
def test_a_lock_hidden_in_a_trigger_or_flow_error_is_a_transient_record_lock(code: str, message: str) -> None:
    assert classify(ErrorDetail(status_code=code, message=message)) == Classification(T, C.RECORD_LOCK)


def test_a_trigger_error_without_a_lock_stays_a_permanent_validation_failure() -> None:
    error = ErrorDetail(
        status_code="CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY",
        message="LeadTrigger: execution of BeforeUpdate caused by: 会社名は必須です",
    )
    assert classify(error) == Classification(P, C.VALIDATION)


def test_codes_are_matched_case_insensitively() -> None:
    assert classify(ErrorDetail(status_code="unable_to_lock_row")) == Classification(T, C.RECORD_LOCK)


def test_an_unknown_code_is_permanent_unknown() -> None:
    assert classify(ErrorDetail(status_code="SOMETHING_NEW", http_status=400)) == Classification(P, C.UNKNOWN)


def test_an_unknown_code_on_a_5xx_response_stays_transient() -> None:
    error = ErrorDetail(status_code="SOMETHING_NEW", http_status=503)
    assert classify(error) == Classification(T, C.UNAVAILABLE)


def test_an_unlisted_5xx_status_code_is_transient() -> None:
    assert classify(ErrorDetail(status_code=http_status_code(507), http_status=507)).transient


def test_http_status_codes_are_named_http_and_the_status() -> None:
    assert http_status_code(503) == "HTTP_503"


def test_a_record_with_a_lock_and_a_validation_error_is_permanent() -> None:
    errors = [
        ErrorDetail(status_code="UNABLE_TO_LOCK_ROW"),
        ErrorDetail(status_code="FIELD_CUSTOM_VALIDATION_EXCEPTION", message="Lead Grade must be A-D"),
    ]
    assert classify_all(errors) == Classification(P, C.VALIDATION)


def test_a_record_with_only_transient_errors_takes_the_first_category() -> None:
    errors = [ErrorDetail(status_code="REQUEST_LIMIT_EXCEEDED"), ErrorDetail(status_code="TIMEOUT")]
    assert classify_all(errors) == Classification(T, C.API_LIMIT)


def test_a_failure_without_errors_is_permanent_unknown() -> None:
    assert classify_all([]) == Classification(P, C.UNKNOWN)


def test_a_failed_call_names_the_operation_and_carries_its_classification() -> None:
    error = ErrorDetail(status_code="TIMEOUT", message="no answer in 10s")
    failure = SalesforceCallError("query Lead", error)
    assert str(failure) == "query Lead failed: TIMEOUT no answer in 10s"
    assert failure.classification == Classification(T, C.TIMEOUT)
