"""What went wrong on the wire, as ErrorDetail values the classification table understands."""

from __future__ import annotations

import requests
from leadrelay.adapters.salesforce.errors import error_from_exception, errors_from_response
from leadrelay.domain.errors import ErrorDetail
from leadrelay.domain.failures import ErrorCategory, classify


def test_a_salesforce_error_body_keeps_its_code_message_fields_and_status() -> None:
    body = [{"message": "Required fields are missing: [LastName]", "errorCode": "REQUIRED_FIELD_MISSING",
             "fields": ["LastName"]}]  # fmt: skip
    assert errors_from_response(400, body) == (
        ErrorDetail(
            status_code="REQUIRED_FIELD_MISSING",
            message="Required fields are missing: [LastName]",
            fields=("LastName",),
            http_status=400,
        ),
    )


def test_a_request_limit_body_is_an_api_limit_failure() -> None:
    body = [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
    (error,) = errors_from_response(403, body)
    assert classify(error).category is ErrorCategory.API_LIMIT


def test_a_body_that_is_not_salesforce_json_becomes_the_http_status() -> None:
    (error,) = errors_from_response(503, "<html>Service Unavailable</html>")
    assert (error.status_code, error.http_status) == ("HTTP_503", 503)


def test_a_timeout_becomes_the_timeout_code_without_the_url() -> None:
    url = "https://example.my.salesforce.com/services/data/v62.0/query/?q=taro.yamada%40sample-shoji.co.jp"
    error = error_from_exception(requests.ReadTimeout(f"Read timed out. (url={url})"))
    assert error.status_code == "TIMEOUT"
    assert "taro.yamada" not in error.message


def test_a_refused_connection_becomes_the_connection_error_code() -> None:
    assert error_from_exception(requests.ConnectionError("refused")).status_code == "CONNECTION_ERROR"


def test_a_connect_timeout_counts_as_a_timeout() -> None:
    assert error_from_exception(requests.ConnectTimeout("slow handshake")).status_code == "TIMEOUT"
