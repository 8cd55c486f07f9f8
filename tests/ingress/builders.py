"""Realistic inbound events for the ingress tests: EventBridge envelopes, API Gateway v2 events, HMACs."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REFERENCE = Path(__file__).parent / "reference"
"""Copies of the shared reference payloads (shared/reference; README.md there says where each comes from)."""
SHARED_REFERENCE = Path("/work/shared/reference")
RULES = Path(__file__).resolve().parents[2] / "rules"
NOW = datetime(2026, 11, 21, 5, 17, tzinfo=UTC)
NOW_MS = int(NOW.timestamp() * 1000)
LEAD_ID = "00Q5f00000AbCdEEAV"
CONTACT_ID = "0035f00000XyZabAAB"
TASK_ID = "00T5f00000Qw3rTEAR"
INTEGRATION_USER = "0055f000007LrLyAAK"
SALES_REP = "0055f000005mc66AAA"
EMAIL = "taro.yamada@sample-shoji.co.jp"
API_DOMAIN = "a1b2c3d4e5.execute-api.ap-northeast-1.amazonaws.com"
FUNCTION_URL_ID = "3k2xtdwlq7vgl5ezgt7mqsplwe0ahkts"
FUNCTION_URL_DOMAIN = f"{FUNCTION_URL_ID}.lambda-url.ap-northeast-1.on.aws"
WEBHOOK_SECRETS = {
    "hubspot": "hs-app-secret-2f8c9d",
    "marketo": "mkto-shared-4b7e1a",
    "generic": "generic-hmac-9c2d5f",
    "account_engagement": "ae-hmac-7a1e3b",
}


def reference(name: str) -> Any:
    """A file of /work/shared/reference, parsed."""
    return json.loads((REFERENCE / name).read_text(encoding="utf-8"))


def eventbridge(detail_type: str, payload: dict[str, Any], *, event_id: str = "") -> dict[str, Any]:
    """An Event Relay delivery: the record under ``detail.payload``."""
    return {
        "version": "0",
        "id": event_id or "5c42b99e-c214-4a9c-8fbd-1a41e5faa44a",
        "detail-type": detail_type,
        "source": "aws.partner/salesforce.com/00D5f000005KcCnEAK/0YL5f000000CabWGAS",
        "account": "123456789012",
        "time": "2026-11-21T05:16:59Z",
        "region": "ap-northeast-1",
        "resources": [],
        "detail": {"payload": payload, "schemaId": "WsFvMM5T4XghRnIzNnyzBw", "id": event_id or "e-1"},
    }


def change_event(
    entity: str = "Lead",
    change_type: str = "UPDATE",
    *,
    record_ids: tuple[str, ...] = (LEAD_ID,),
    changed: tuple[str, ...] = ("Status", "LastModifiedDate"),
    fields: dict[str, Any] | None = None,
    origin: str = "com/salesforce/api/soap/61.0;client=SfdcInternalAPI/",
    commit_user: str = SALES_REP,
    transaction_key: str = "0002c8e1-7f4b-43a2-9d51-0b7e2a9c6d13",
    sequence: int = 1,
) -> dict[str, Any]:
    """A Change Data Capture event for ``entity`` relayed to EventBridge."""
    header = {
        "commitNumber": 166350908085,
        "commitUser": commit_user,
        "sequenceNumber": sequence,
        "entityName": entity,
        "changeType": change_type,
        "changedFields": list(changed),
        "nulledFields": [],
        "diffFields": [],
        "changeOrigin": origin,
        "transactionKey": transaction_key,
        "commitTimestamp": NOW_MS - 2000,
        "recordIds": list(record_ids),
    }
    payload = {"LastModifiedDate": "2026-11-21T05:16:58.000Z", **(fields or {}), "ChangeEventHeader": header}
    return eventbridge(f"{entity}ChangeEvent", payload)


def lead_activity(**fields: Any) -> dict[str, Any]:
    """A ``Lead_Activity__e`` platform event relayed to EventBridge."""
    payload = {
        "Email__c": EMAIL,
        "Lead_Id__c": None,
        "MA_Id__c": "AE-88231",
        "Activity_Type__c": "page_view",
        "Occurred_At__c": "2026-11-21T05:10:00.000Z",
        "Url__c": "https://www.sample-shoji.co.jp/pricing",
        "Asset__c": None,
        "Campaign__c": "2026年11月 展示会フォロー",
        "Source__c": "account_engagement",
        "Event_Key__c": None,
        "CreatedDate": "2026-11-21T05:10:01.120Z",
        "CreatedById": INTEGRATION_USER,
        "EventUuid": "9e2b7c4a-1d3f-4e5a-8b6c-7d8e9f0a1b2c",
        **fields,
    }
    return eventbridge("Lead_Activity__e", payload, event_id=str(payload["EventUuid"]))


def with_changes(event: dict[str, Any], **header: Any) -> dict[str, Any]:
    """A copy of a change event with header values replaced."""
    copied = copy.deepcopy(event)
    copied["detail"]["payload"]["ChangeEventHeader"].update(header)
    return copied


# --- webhooks --------------------------------------------------------------------------------------


def api_event(
    provider: str,
    body: bytes | str,
    headers: dict[str, str],
    *,
    base64_encoded: bool = False,
    method: str = "POST",
    query: str = "",
) -> dict[str, Any]:
    """An API Gateway HTTP API (payload v2) event for ``POST /webhooks/<provider>``."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    path = f"/webhooks/{provider}"
    return {
        "version": "2.0",
        "routeKey": "POST /webhooks/{provider}",
        "rawPath": path,
        "rawQueryString": query,
        "headers": {name.lower(): value for name, value in headers.items()},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "a1b2c3d4e5",
            "domainName": API_DOMAIN,
            "domainPrefix": "a1b2c3d4e5",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "54.174.31.10",
                "userAgent": "HubSpot Connect 2.0 (http://dev.hubspot.com/)",
            },
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "routeKey": "POST /webhooks/{provider}",
            "stage": "$default",
            "time": "21/Nov/2026:05:17:00 +0000",
            "timeEpoch": NOW_MS,
        },
        "pathParameters": {"provider": provider},
        "body": base64.b64encode(raw).decode() if base64_encoded else raw.decode("utf-8", "surrogateescape"),
        "isBase64Encoded": base64_encoded,
    }


def function_url_event(provider: str, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    """The same request through the webhook function's Lambda function URL (``WebhookFunctionUrl=enabled``):
    payload v2 as Lambda sends it — route ``$default``, no path parameters, the URL's own domain."""
    event = api_event(provider, body, headers)
    event.update(routeKey="$default", pathParameters=None, stageVariables=None)
    event["requestContext"].update(
        apiId=FUNCTION_URL_ID,
        domainName=FUNCTION_URL_DOMAIN,
        domainPrefix=FUNCTION_URL_ID,
        routeKey="$default",
        authentication=None,
    )
    return event


def hubspot_headers(
    body: bytes,
    *,
    secret: str = WEBHOOK_SECRETS["hubspot"],
    timestamp_ms: int = NOW_MS,
    domain: str = API_DOMAIN,
) -> dict[str, str]:
    """HubSpot v3 headers computed as HubSpot's documentation describes (independently of our code)."""
    uri = f"https://{domain}/webhooks/hubspot"
    source = b"POST" + uri.encode() + body + str(timestamp_ms).encode()
    signature = base64.b64encode(hmac.new(secret.encode(), source, hashlib.sha256).digest()).decode()
    return {
        "Content-Type": "application/json",
        "X-HubSpot-Signature-v3": signature,
        "X-HubSpot-Request-Timestamp": str(timestamp_ms),
    }


def generic_headers(
    body: bytes, *, secret: str = WEBHOOK_SECRETS["generic"], timestamp: int | None = None
) -> dict[str, str]:
    """The generic scheme: hex HMAC-SHA256 of ``<timestamp>.<body>``."""
    stamp = int(NOW.timestamp()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json; charset=utf-8",
        "X-Leadrelay-Timestamp": str(stamp),
        "X-Leadrelay-Signature": f"sha256={signature}",
    }


def marketo_headers(secret: str = WEBHOOK_SECRETS["marketo"]) -> dict[str, str]:
    """Marketo's custom headers (Webhooks Actions > Set Custom Header)."""
    return {"Content-Type": "application/json", "X-Leadrelay-Secret": secret}


def generic_body(count: int = 1, **overrides: Any) -> bytes:
    """A generic-format body with ``count`` page views by 山田 太郎."""
    events = [
        {
            "id": f"evt-2026-11-21-{index:04d}",
            "type": "page_view",
            "occurred_at": "2026-11-21T14:10:00+09:00",
            "email": EMAIL,
            "attributes": {"url": "https://www.sample-shoji.co.jp/pricing"},
            "fields": {"LastName": "山田", "FirstName": "太郎", "Company": "株式会社サンプル商事"},
            **overrides,
        }
        for index in range(count)
    ]
    return json.dumps({"events": events}, ensure_ascii=False).encode()


@dataclass
class FakeLambdaContext:
    """The attributes Powertools reads from a Lambda context."""

    function_name: str = "leadrelay-webhook"
    function_version: str = "$LATEST"
    invoked_function_arn: str = "arn:aws:lambda:ap-northeast-1:123456789012:function:leadrelay-webhook"
    memory_limit_in_mb: int = 512
    aws_request_id: str = "52fdfc07-2182-154f-163f-5f0f9a621d72"
    log_group_name: str = "/leadrelay/test/webhook"
    log_stream_name: str = "2026/11/21/[$LATEST]abcdef"

    def get_remaining_time_in_millis(self) -> int:
        """Plenty of time left."""
        return 10_000


def emitted_metrics(stdout: str) -> dict[str, float]:
    """Sum of each metric in the EMF lines Powertools printed."""
    totals: dict[str, float] = {}
    for line in stdout.splitlines():
        if not line.startswith("{") or '"_aws"' not in line:
            continue
        document = json.loads(line)
        for directive in document["_aws"]["CloudWatchMetrics"]:
            for metric in directive["Metrics"]:
                value = document[metric["Name"]]
                totals[metric["Name"]] = totals.get(metric["Name"], 0) + (
                    sum(value) if isinstance(value, list) else value
                )
    return totals
