"""Captured deliveries for the replay tests: signed webhook requests and Event Relay envelopes, as JSONL."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from leadrelay.ingress.signatures import generic_signature, hubspot_signature_v3
from leadrelay_tools.localorg import LocalOrg

JST = timezone(timedelta(hours=9))
RECEIVED = datetime(2026, 11, 20, 10, 0, tzinfo=JST)
HOST = "hooks.leadrelay-demo.jp"
SECRETS = {
    "hubspot": "test-hubspot-secret",
    "marketo": "test-marketo-secret",
    "generic": "test-generic-secret",
}
TARO = "taro.yamada@sample-shoji.co.jp"
HANAKO = "hanako.sato@mirai-seisakusho.co.jp"
HUBSPOT_CONTACT = 5120377
"""A HubSpot contact id; ``known_hubspot_contact`` gives the org a Lead that carries it."""
SEED = {
    "Lead": [
        {
            "LastName": "山田",
            "FirstName": "太郎",
            "Company": "株式会社サンプル商事",
            "Email": TARO,
            "Title": "営業本部長",
            "NumberOfEmployees": 350,
            "Status": "Open - Not Contacted",
        }
    ]
}
SEEDED_LEAD = "00QRM00000000012AA"
"""The id the local org gives the first Lead it creates."""
EVENTS_SOURCE = "aws.partner/salesforce.com/00D5g000004AbCdEAK/0YL5g0000008OdHGAU"


def hubspot_request(
    events: list[dict[str, Any]], *, secret: str = SECRETS["hubspot"], age_minutes: int = 0
) -> dict[str, Any]:
    """A HubSpot webhook batch signed with v3, sent ``age_minutes`` before it was received."""
    body = json.dumps(events, separators=(",", ":"))
    sent = int((RECEIVED - timedelta(minutes=age_minutes)).timestamp() * 1000)
    uri = f"https://{HOST}/webhooks/hubspot"
    signature = hubspot_signature_v3(secret, method="POST", uri=uri, body=body.encode(), timestamp=sent)
    return {
        "provider": "hubspot",
        "path": "/webhooks/hubspot",
        "headers": {
            "Host": HOST,
            "Content-Type": "application/json",
            "X-HubSpot-Signature-v3": signature,
            "X-HubSpot-Request-Timestamp": str(sent),
        },
        "body": body,
        "received_at": RECEIVED.isoformat(),
    }


def hubspot_click(object_id: int, event_id: int) -> dict[str, Any]:
    """A HubSpot ``contact.propertyChange`` of the last e-mail click date."""
    occurred = int(RECEIVED.timestamp() * 1000) - 5000
    return {
        "objectId": object_id,
        "propertyName": "hs_email_last_click_date",
        "propertyValue": str(occurred),
        "changeSource": "EMAIL",
        "eventId": event_id,
        "subscriptionId": 2202,
        "portalId": 7412093,
        "appId": 1160452,
        "occurredAt": occurred,
        "subscriptionType": "contact.propertyChange",
        "attemptNumber": 0,
    }


def generic_request(events: list[dict[str, Any]], *, secret: str = SECRETS["generic"]) -> dict[str, Any]:
    """A generic signed JSON webhook (HMAC-SHA256 of timestamp + '.' + body)."""
    return signed_generic_body(
        json.dumps({"events": events}, ensure_ascii=False, separators=(",", ":")), secret
    )


def signed_generic_body(body: str, secret: str = SECRETS["generic"]) -> dict[str, Any]:
    """A generic webhook request carrying exactly ``body``, signed."""
    timestamp = int(RECEIVED.timestamp())
    return {
        "provider": "generic",
        "headers": {
            "Host": HOST,
            "Content-Type": "application/json",
            "X-Leadrelay-Timestamp": str(timestamp),
            "X-Leadrelay-Signature": generic_signature(secret, timestamp, body.encode()),
        },
        "body": body,
        "received_at": RECEIVED.isoformat(),
    }


def download(event_id: str, email: str, **extra: Any) -> dict[str, Any]:
    """A generic webhook event: a white paper download."""
    return {
        "id": event_id,
        "type": "download",
        "occurred_at": "2026-11-20T00:55:00Z",
        "email": email,
        "attributes": {"asset": "製造業DX白書 2026"},
        **extra,
    }


def lead_change(
    *, commit_user: str, origin: str, status: str = "Working - Contacted", key: str = "0003f1a2-0001"
) -> dict[str, Any]:
    """A ``LeadChangeEvent`` on the seeded lead, relayed by Event Relay."""
    header = {
        "commitNumber": 1166350908091,
        "commitUser": commit_user,
        "sequenceNumber": 1,
        "entityName": "Lead",
        "changeType": "UPDATE",
        "changedFields": ["Status", "LastModifiedDate"],
        "changeOrigin": origin,
        "transactionKey": key,
        "commitTimestamp": int(RECEIVED.timestamp() * 1000),
        "recordIds": [SEEDED_LEAD],
    }
    return {
        "version": "0",
        "id": f"evt-{key}",
        "detail-type": "LeadChangeEvent",
        "source": EVENTS_SOURCE,
        "account": "123456789012",
        "time": "2026-11-20T01:00:01Z",
        "region": "ap-northeast-1",
        "resources": [],
        "detail": {"payload": {"Status": status, "ChangeEventHeader": header}},
    }


def write_jsonl(path: Path, *lines: dict[str, Any] | str) -> Path:
    """``lines`` as JSON Lines (a string is written as it is, for broken lines)."""
    text = "".join(
        (line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n" for line in lines
    )
    path.write_text(text, encoding="utf-8")
    return path


def known_hubspot_contact(org: LocalOrg) -> str:
    """Add the Lead that HUBSPOT_CONTACT is about (``LR_External_Key__c`` = ``ma#<id>``); its id."""
    return org.insert(
        "Lead",
        {
            "LastName": "伊藤",
            "FirstName": "美咲",
            "Company": "株式会社さくらソフトウェア",
            "Email": "misaki.ito@sakura-soft.co.jp",
            "LR_External_Key__c": f"ma#{HUBSPOT_CONTACT}",
        },
    )
