"""Fuzzed requests and deliveries: never a 5xx nor an unhandled exception; rejected ones queue nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from leadrelay.handlers.salesforce_events import UnreadableEventError
from leadrelay.handlers.salesforce_events import handle as handle_salesforce
from leadrelay.handlers.webhook import handle as handle_webhook

from tests.ingress.builders import (
    NOW,
    WEBHOOK_SECRETS,
    FakeLambdaContext,
    api_event,
    change_event,
    generic_body,
    generic_headers,
    hubspot_headers,
    lead_activity,
    marketo_headers,
)
from tests.plugins.ingress import IngressAws

pytestmark = pytest.mark.slow  # fuzzing: the slow tier

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CALLER_MISTAKES = {400, 401, 404, 413, 415}
CONTEXT: Any = FakeLambdaContext()
PROVIDERS = st.sampled_from(["hubspot", "marketo", "generic", "account_engagement", "sansan", "", "..%2F"])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
HEADER_NAMES = st.sampled_from(
    [
        "Content-Type",
        "X-HubSpot-Signature-v3",
        "X-HubSpot-Request-Timestamp",
        "X-HubSpot-Signature",
        "X-HubSpot-Signature-Version",
        "X-Leadrelay-Secret",
        "X-Leadrelay-Signature",
        "X-Leadrelay-Timestamp",
    ]
)
HEADERS = st.dictionaries(HEADER_NAMES, st.text(max_size=60), max_size=6)


def _queued(aws: IngressAws) -> int:
    return aws.queues.count(aws.queue_url)


def _post(aws: IngressAws, event: dict[str, Any]) -> tuple[int, int]:
    """Status of the request and how many messages it added to the queue."""
    before = _queued(aws)
    response = handle_webhook(event, CONTEXT, aws.webhook_runtime())
    assert isinstance(json.loads(response["body"]), dict)
    return response["statusCode"], _queued(aws) - before


@FUZZ
@given(provider=PROVIDERS, body=st.binary(max_size=400), headers=HEADERS, encoded=st.booleans())
def test_arbitrary_bodies_and_headers_are_refused_as_the_callers_mistake(
    ingress_aws: IngressAws, provider: str, body: bytes, headers: dict[str, str], encoded: bool
) -> None:
    status, added = _post(ingress_aws, api_event(provider, body, headers, base64_encoded=encoded))

    assert status in CALLER_MISTAKES
    assert added == 0


@FUZZ
@given(payload=JSON_VALUES)
def test_correctly_signed_arbitrary_json_is_queued_or_refused_400_never_more(
    ingress_aws: IngressAws, payload: Any
) -> None:
    body = json.dumps(payload).encode()

    status, added = _post(ingress_aws, api_event("generic", body, generic_headers(body)))

    assert status in {200, 400}
    assert added == 0 or status == 200


@FUZZ
@given(
    key=st.sampled_from(
        ["id", "type", "occurred_at", "email", "salesforce_id", "ma_id", "attributes", "fields"]
    ),
    value=JSON_VALUES,
)
def test_wrong_types_in_any_field_of_a_signed_generic_event_never_break_the_handler(
    ingress_aws: IngressAws, key: str, value: Any
) -> None:
    body = generic_body(2, **{key: value})

    status, added = _post(ingress_aws, api_event("generic", body, generic_headers(body)))

    assert (status, added) in {(400, 0), (200, 2), (200, 1), (200, 0)}  # (200, 0): seen in an earlier example


@FUZZ
@given(cut=st.integers(min_value=0, max_value=400))
def test_truncated_json_is_refused_400_and_queues_nothing(ingress_aws: IngressAws, cut: int) -> None:
    whole = generic_body(3)
    body = whole[: min(cut, len(whole) - 1)]

    event = api_event(
        "generic", body, generic_headers(body), base64_encoded=True
    )  # a cut may split a character

    assert _post(ingress_aws, event) == (400, 0)


@FUZZ
@given(garbage=st.binary(min_size=1, max_size=40).filter(lambda b: not _is_utf8(b)))
def test_invalid_utf8_is_refused_400(ingress_aws: IngressAws, garbage: bytes) -> None:
    body = b'{"events": [{"id": "' + garbage + b'"}]}'

    status, added = _post(ingress_aws, api_event("generic", body, generic_headers(body), base64_encoded=True))

    assert (status, added) == (400, 0)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@FUZZ
@given(seconds=st.integers(min_value=301, max_value=10**9) | st.integers(min_value=-(10**9), max_value=-301))
def test_replayed_or_future_timestamps_are_refused_401(ingress_aws: IngressAws, seconds: int) -> None:
    body = generic_body()
    stamp = int(NOW.timestamp()) - seconds

    assert _post(ingress_aws, api_event("generic", body, generic_headers(body, timestamp=stamp))) == (401, 0)


@FUZZ
@given(secret=st.text(min_size=1, max_size=40).filter(lambda s: s not in WEBHOOK_SECRETS.values()))
def test_wrong_secrets_are_refused_401_for_every_scheme(ingress_aws: IngressAws, secret: str) -> None:
    body = generic_body()
    hubspot = json.dumps(
        [{"objectId": 1, "eventId": 2, "occurredAt": 1, "subscriptionType": "contact.creation"}]
    ).encode()
    requests = [
        api_event("generic", body, generic_headers(body, secret=secret)),
        api_event("hubspot", hubspot, hubspot_headers(hubspot, secret=secret)),
        api_event("marketo", body, {**marketo_headers(), "X-Leadrelay-Secret": secret}),
    ]

    assert [_post(ingress_aws, request) for request in requests] == [(401, 0)] * 3


def test_a_ten_megabyte_body_is_refused_413_and_queues_nothing(ingress_aws: IngressAws) -> None:
    body = generic_body() + b" " * (10 * 1024 * 1024)

    assert _post(ingress_aws, api_event("generic", body, generic_headers(body), base64_encoded=True)) == (
        413,
        0,
    )


def _salesforce_outcome(aws: IngressAws, raw: Any) -> str:
    """``handled``, or the reason the delivery was refused (what the failure destination records)."""
    try:
        handle_salesforce(raw, CONTEXT, aws.salesforce_runtime())
    except UnreadableEventError as error:
        return str(error)
    return "handled"


HEADER_KEYS = st.sampled_from(
    [
        "entityName",
        "changeType",
        "recordIds",
        "changedFields",
        "changeOrigin",
        "commitUser",
        "transactionKey",
        "sequenceNumber",
        "commitTimestamp",
        "nulledFields",
        "diffFields",
    ]
)


@FUZZ
@given(key=HEADER_KEYS, value=JSON_VALUES)
def test_a_change_event_with_any_header_value_is_handled_or_rejected_with_a_reason(
    ingress_aws: IngressAws, key: str, value: Any
) -> None:
    raw = change_event(transaction_key=f"fuzz-{key}-{json.dumps(value)[:40]}")
    raw["detail"]["payload"]["ChangeEventHeader"][key] = value

    outcome = _salesforce_outcome(ingress_aws, raw)

    assert outcome == "handled" or outcome.startswith("$")


@FUZZ
@given(field=st.sampled_from(list(lead_activity()["detail"]["payload"])), value=JSON_VALUES)
def test_a_lead_activity_with_any_field_value_is_handled_or_rejected_with_a_reason(
    ingress_aws: IngressAws, field: str, value: Any
) -> None:
    raw = lead_activity(**{field: value})

    outcome = _salesforce_outcome(ingress_aws, raw)

    assert outcome == "handled" or outcome.startswith("$")


@FUZZ
@given(raw=JSON_VALUES)
def test_arbitrary_json_delivered_by_eventbridge_is_rejected_with_a_reason_not_a_crash(
    ingress_aws: IngressAws, raw: Any
) -> None:
    outcome = _salesforce_outcome(ingress_aws, raw)

    assert outcome == "handled" or outcome.startswith("$")
