"""The replay file format: webhook requests and Salesforce deliveries, one per line."""

from __future__ import annotations

import base64
import json

import pytest
from leadrelay_tools.replay.invocation import http_api_event
from leadrelay_tools.replay.lines import BadLine, SalesforceLine, WebhookLine, parse_line

WHERE = "backfill.jsonl:7"


def _parse(document: object) -> object:
    return parse_line(json.dumps(document, ensure_ascii=False), where=WHERE)


def test_a_line_with_a_provider_is_a_webhook_request_posted_to_its_route() -> None:
    line = _parse({"provider": "marketo", "headers": {"X-Leadrelay-Secret": "s"}, "body": "{}"})
    assert isinstance(line, WebhookLine)
    assert (line.method, line.request_path) == ("POST", "/webhooks/marketo")


def test_a_json_body_is_sent_as_compact_utf8() -> None:
    line = _parse({"provider": "generic", "body": {"events": [{"company": "株式会社サンプル商事"}]}})
    assert isinstance(line, WebhookLine)
    assert line.raw_body() == '{"events":[{"company":"株式会社サンプル商事"}]}'.encode()


def test_a_body_that_is_not_utf8_travels_base64_encoded_as_api_gateway_sends_it() -> None:
    raw = "株式会社".encode("shift_jis")
    line = _parse({"provider": "generic", "body_base64": base64.b64encode(raw).decode()})
    assert isinstance(line, WebhookLine)
    event = http_api_event(line)
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == raw


def test_the_api_gateway_event_carries_host_path_query_and_lower_cased_headers() -> None:
    line = _parse(
        {
            "provider": "hubspot",
            "path": "/webhooks/hubspot?portal=7412093",
            "headers": {"Host": "hooks.example.jp"},
        }
    )
    assert isinstance(line, WebhookLine)
    event = http_api_event(line)
    assert (event["rawPath"], event["rawQueryString"]) == ("/webhooks/hubspot", "portal=7412093")
    assert event["requestContext"]["domainName"] == "hooks.example.jp"
    assert event["headers"] == {"host": "hooks.example.jp"}


def test_an_eventbridge_envelope_is_a_salesforce_delivery_received_at_its_time() -> None:
    line = _parse(
        {"detail-type": "LeadChangeEvent", "time": "2026-11-20T01:00:01Z", "detail": {"payload": {}}}
    )
    assert isinstance(line, SalesforceLine)
    assert line.label == "LeadChangeEvent"
    assert line.received_at is not None
    assert line.received_at.isoformat() == "2026-11-20T01:00:01+00:00"


def test_a_lambda_on_failure_record_replays_its_request_payload() -> None:
    envelope = {"detail-type": "Lead_Activity__e", "detail": {"payload": {"EventUuid": "e-1"}}}
    line = _parse(
        {"version": "1.0", "requestContext": {"condition": "RetriesExhausted"}, "requestPayload": envelope}
    )
    assert isinstance(line, SalesforceLine)
    assert line.envelope == envelope


def test_a_note_is_a_comment_and_never_reaches_the_functions() -> None:
    line = _parse({"_note": "HubSpot retry", "detail-type": "LeadChangeEvent", "detail": {}})
    assert isinstance(line, SalesforceLine)
    assert "_note" not in line.envelope


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{not json", "backfill.jsonl:7: not JSON"),
        ("[1, 2]", "backfill.jsonl:7: a line must be a JSON object, got list"),
        ('{"hello": "world"}', "backfill.jsonl:7: neither a webhook request"),
        ('{"provider": "HubSpot!"}', "backfill.jsonl:7: not a webhook request: provider:"),
        (
            '{"provider": "generic", "body": "{}", "body_base64": "e30="}',
            "give body or body_base64, not both",
        ),
        (
            '{"provider": "generic", "headers": {"X-Count": 3}}',
            "headers.X-Count: Input should be a valid string",
        ),
    ],
)
def test_a_bad_line_says_where_and_what(text: str, reason: str) -> None:
    line = parse_line(text, where=WHERE)
    assert isinstance(line, BadLine)
    assert reason in line.reason
