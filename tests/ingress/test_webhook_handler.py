"""POST /webhooks/<provider> in-process: 2xx only once events are queued, precise 4xx for mistakes."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from leadrelay.handlers import webhook
from leadrelay.handlers.webhook import handle

from tests.ingress.builders import (
    EMAIL,
    FUNCTION_URL_DOMAIN,
    NOW,
    NOW_MS,
    WEBHOOK_SECRETS,
    FakeLambdaContext,
    api_event,
    emitted_metrics,
    function_url_event,
    generic_body,
    generic_headers,
    hubspot_headers,
    marketo_headers,
    reference,
)
from tests.plugins.ingress import IngressAws

HUBSPOT_BODY = json.dumps(reference("hubspot_webhook_batch.json")).encode()
MARKETO_BODY = json.dumps(reference("marketo_webhook_payload_template.json")["rendered_example"]).encode()


def _post(aws: IngressAws, event: dict[str, Any], **runtime: Any) -> tuple[int, dict[str, Any]]:
    response = handle(event, FakeLambdaContext(), aws.webhook_runtime(**runtime))  # type: ignore[arg-type]
    return response["statusCode"], json.loads(response["body"])


def test_a_signed_hubspot_batch_is_queued_and_answered_200(ingress_aws: IngressAws) -> None:
    status, body = _post(ingress_aws, api_event("hubspot", HUBSPOT_BODY, hubspot_headers(HUBSPOT_BODY)))

    assert (status, body) == (200, {"accepted": 2, "duplicates": 0, "skipped": 0})
    assert sorted(e.identity.ma_id or "" for e in ingress_aws.queued_events()) == ["1246965", "1246978"]


def test_a_hubspot_retry_of_the_same_batch_is_accepted_but_queued_once(ingress_aws: IngressAws) -> None:
    _post(ingress_aws, api_event("hubspot", HUBSPOT_BODY, hubspot_headers(HUBSPOT_BODY)))
    retry = json.dumps([{**e, "attemptNumber": 1} for e in reference("hubspot_webhook_batch.json")]).encode()

    status, body = _post(
        ingress_aws, api_event("hubspot", retry, hubspot_headers(retry, timestamp_ms=NOW_MS - 1000))
    )

    assert (status, body["duplicates"]) == (200, 2)
    assert len(ingress_aws.queued_events()) == 2


def test_a_signed_hubspot_batch_through_the_function_url_is_queued(ingress_aws: IngressAws) -> None:
    headers = hubspot_headers(HUBSPOT_BODY, domain=FUNCTION_URL_DOMAIN)

    status, body = _post(ingress_aws, function_url_event("hubspot", HUBSPOT_BODY, headers))

    assert (status, body) == (200, {"accepted": 2, "duplicates": 0, "skipped": 0})
    assert len(ingress_aws.queued_events()) == 2


def test_a_function_url_request_to_another_path_is_not_found(ingress_aws: IngressAws) -> None:
    event = function_url_event("hubspot", HUBSPOT_BODY, hubspot_headers(HUBSPOT_BODY))
    event["rawPath"] = event["requestContext"]["http"]["path"] = "/"

    status, _ = _post(ingress_aws, event)

    assert status == 404
    assert ingress_aws.queued_events() == []


def test_a_marketo_webhook_with_its_shared_secret_is_queued(ingress_aws: IngressAws) -> None:
    status, _ = _post(ingress_aws, api_event("marketo", MARKETO_BODY, marketo_headers()))

    assert status == 200
    assert ingress_aws.queued_events()[0].type == "email_clicked"


def test_a_base64_encoded_generic_body_is_decoded_and_queued(ingress_aws: IngressAws) -> None:
    body = generic_body(3)

    status, answer = _post(
        ingress_aws, api_event("generic", body, generic_headers(body), base64_encoded=True)
    )

    assert (status, answer["accepted"]) == (200, 3)
    assert {e.identity.email for e in ingress_aws.queued_events()} == {EMAIL}


@pytest.mark.parametrize(
    ("provider", "body", "headers", "status", "message"),
    [
        (
            "sansan",
            b"{}",
            {"Content-Type": "application/json"},
            404,
            "no webhook provider of that name is configured",
        ),
        ("generic", b"{}", {"Content-Type": "text/plain"}, 415, "Content-Type must be application/json"),
        (
            "generic",
            b"{}",
            {"Content-Type": "application/json; charset=shift_jis"},
            415,
            "the body must be UTF-8",
        ),
        (
            "hubspot",
            HUBSPOT_BODY,
            {"Content-Type": "application/json"},
            401,
            "missing header X-HubSpot-Signature-v3",
        ),
        (
            "marketo",
            MARKETO_BODY,
            marketo_headers("guess"),
            401,
            "header X-Leadrelay-Secret does not hold the configured secret",
        ),
    ],
)
def test_callers_mistakes_get_the_status_and_reason_they_can_act_on(
    ingress_aws: IngressAws, provider: str, body: bytes, headers: dict[str, str], status: int, message: str
) -> None:
    answer = _post(ingress_aws, api_event(provider, body, headers))

    assert answer[0] == status
    assert message in answer[1]["message"]
    assert ingress_aws.queued_events() == []


def test_a_stale_replayed_hubspot_request_is_refused_401(ingress_aws: IngressAws) -> None:
    headers = hubspot_headers(HUBSPOT_BODY, timestamp_ms=NOW_MS - 3_600_000)

    status, body = _post(ingress_aws, api_event("hubspot", HUBSPOT_BODY, headers))

    assert status == 401
    assert "not within 5 minutes" in body["message"]


def test_malformed_json_is_refused_400_with_line_and_column(ingress_aws: IngressAws) -> None:
    body = b'{"events": [{"id": "evt-1",}]}'

    status, answer = _post(ingress_aws, api_event("generic", body, generic_headers(body)))

    assert status == 400
    assert answer["message"] == f"$: body is not valid JSON: {json_error(body)}"


def test_invalid_utf8_is_refused_400(ingress_aws: IngressAws) -> None:
    body = b'{"events": [{"id": "\xff\xfe"}]}'

    status, answer = _post(
        ingress_aws, api_event("generic", body, generic_headers(body), base64_encoded=True)
    )

    assert (status, answer["message"]) == (400, "$: body is not valid UTF-8 (byte 20)")


def test_a_payload_failing_the_mapping_is_refused_400_naming_the_field(ingress_aws: IngressAws) -> None:
    body = generic_body(2, type="visit")

    status, answer = _post(ingress_aws, api_event("generic", body, generic_headers(body)))

    assert status == 400
    assert answer["message"].startswith("$.events[0].type: found 'visit'")
    assert ingress_aws.queued_events() == []


def test_a_body_above_the_limit_is_refused_413_before_anything_else(ingress_aws: IngressAws) -> None:
    body = b'{"events": [' + b" " * 10_000_000 + b"]}"

    status, answer = _post(ingress_aws, api_event("generic", body, {"Content-Type": "application/json"}))

    assert status == 413
    assert answer["message"] == "body is 10000014 bytes; the limit is 1048576"


def test_when_the_queue_is_unavailable_the_provider_is_told_to_retry_with_503(
    ingress_aws: IngressAws,
) -> None:
    body = generic_body()
    ingress_aws.queues.sqs.delete_queue(QueueUrl=ingress_aws.queue_url)

    response = handle(
        api_event("generic", body, generic_headers(body)), FakeLambdaContext(), ingress_aws.webhook_runtime()
    )  # type: ignore[arg-type]

    assert response["statusCode"] == 503
    assert response["headers"]["Retry-After"] == "30"


def test_after_a_503_the_providers_retry_is_queued(ingress_aws: IngressAws) -> None:
    body = generic_body()
    sqs = ingress_aws.queues.sqs
    name = ingress_aws.queue_url.rsplit("/", 1)[-1]
    sqs.delete_queue(QueueUrl=ingress_aws.queue_url)
    handle(
        api_event("generic", body, generic_headers(body)), FakeLambdaContext(), ingress_aws.webhook_runtime()
    )  # type: ignore[arg-type]
    sqs.create_queue(QueueName=name)

    status, answer = _post(ingress_aws, api_event("generic", body, generic_headers(body)))

    assert (status, answer["accepted"]) == (200, 1)


def test_a_provider_without_a_configured_secret_is_503_not_401(ingress_aws: IngressAws) -> None:
    ingress_aws.secretsmanager.put_secret_value(
        SecretId="leadrelay/webhooks", SecretString=json.dumps({"hubspot": "x"})
    )
    body = generic_body()

    status, _ = _post(ingress_aws, api_event("generic", body, generic_headers(body)))

    assert status == 503


def test_secrets_signatures_and_personal_data_stay_out_of_logs_and_answers(
    ingress_aws: IngressAws, capsys: pytest.CaptureFixture[str], leadrelay_log: io.StringIO
) -> None:
    body = generic_body(email="hanako.suzuki@sample-shoji.co.jp")
    headers = generic_headers(body, secret="wrong-secret")

    status, answer = _post(ingress_aws, api_event("generic", body, headers))
    _post(ingress_aws, api_event("generic", body, generic_headers(body)))

    output = leadrelay_log.getvalue() + capsys.readouterr().out + json.dumps(answer)
    assert "webhook rejected" in output
    assert status == 401
    assert WEBHOOK_SECRETS["generic"] not in output
    assert "wrong-secret" not in output
    assert headers["X-Leadrelay-Signature"].removeprefix("sha256=") not in output
    assert "hanako.suzuki" not in output
    assert "山田" not in output


def test_requests_are_counted_by_outcome(ingress_aws: IngressAws, capsys: pytest.CaptureFixture[str]) -> None:
    body = generic_body(2)
    _post(ingress_aws, api_event("generic", body, generic_headers(body)))
    _post(ingress_aws, api_event("generic", body, generic_headers(body)))
    _post(ingress_aws, api_event("generic", body, {"Content-Type": "application/json"}))

    metrics = emitted_metrics(capsys.readouterr().out)

    assert metrics["WebhookEventsEnqueued"] == 2
    assert metrics["DuplicateEventsIgnored"] == 2
    assert metrics["WebhookRequestsRejected"] == 1


def test_the_lambda_entry_point_builds_its_runtime_from_the_environment(
    ingress_aws: IngressAws, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setenv("LEADRELAY_RULES_PATH", str(Path("rules").resolve()))
    monkeypatch.setenv("LEADRELAY_INGEST_QUEUE_URL", ingress_aws.queue_url)
    monkeypatch.setenv("LEADRELAY_IDEMPOTENCY_TABLE", "leadrelay-idempotency")
    monkeypatch.setenv("LEADRELAY_WEBHOOK_SECRET_NAME", "leadrelay/webhooks")
    webhook.default_runtime.cache_clear()
    body = json.dumps(reference("marketo_webhook_payload_template.json")["rendered_example"]).encode()

    try:
        response = webhook.handler(api_event("marketo", body, marketo_headers()), FakeLambdaContext())  # type: ignore[arg-type]
    finally:
        webhook.default_runtime.cache_clear()

    (queued,) = ingress_aws.queued_events()
    assert response["statusCode"] == 200
    assert queued.received_at is not None
    assert queued.received_at != NOW


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/webhooks/hubspot"), ("POST", "/hooks/hubspot"), ("POST", "/webhooks")]
)
def test_other_methods_and_paths_are_not_found(ingress_aws: IngressAws, method: str, path: str) -> None:
    event = api_event("hubspot", HUBSPOT_BODY, hubspot_headers(HUBSPOT_BODY), method=method)
    event["rawPath"] = event["requestContext"]["http"]["path"] = path

    response = handle(event, FakeLambdaContext(), ingress_aws.webhook_runtime())  # type: ignore[arg-type]

    assert response["statusCode"] == 404
    assert json.loads(response["body"]) == {
        "error": "unknown_route",
        "message": "only POST /webhooks/<provider> is served",
    }
    assert ingress_aws.queued_events() == []


def test_a_request_to_an_unknown_route_is_counted_as_rejected_with_its_path_logged_not_echoed(
    ingress_aws: IngressAws, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    event = function_url_event("hubspot", HUBSPOT_BODY, hubspot_headers(HUBSPOT_BODY))
    event["rawPath"] = event["requestContext"]["http"]["path"] = "/wp-login.php"

    response = handle(event, FakeLambdaContext(), ingress_aws.webhook_runtime())  # type: ignore[arg-type]

    assert "wp-login" not in response["body"]
    assert emitted_metrics(capsys.readouterr().out)["WebhookRequestsRejected"] == 1
    rejected = [vars(record) for record in caplog.records if record.getMessage() == "webhook rejected"]
    assert [(record["status"], record["path"]) for record in rejected] == [(404, "/wp-login.php")]


def json_error(text: bytes | str) -> str:
    """What this Python's json module says about ``text`` (its wording changed in 3.13)."""
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return f"{error.msg} at line {error.lineno} column {error.colno}"
    raise AssertionError("the text is valid JSON")
