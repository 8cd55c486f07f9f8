"""Deterministic webhook traffic for the ingress benchmark: HubSpot batches, Marketo clicks, generic batches.

``webhook_traffic(events, seed)`` returns signed requests (:class:`~leadrelay_tools.replay.lines.WebhookLine`,
the replay file's model) carrying ``events`` canonical events in total, about half from HubSpot (batches
of 25 contact property changes), a fifth from Marketo (one per request) and the rest from the generic
signed webhook (batches of 10), about a pool of people of whom ``known`` already exist as Leads.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from leadrelay.ingress.signatures import generic_signature, hubspot_signature_v3
from leadrelay_tools.replay.lines import WebhookLine

JST = timezone(timedelta(hours=9))
START = datetime(2026, 11, 20, 9, 0, tzinfo=JST)
HOST = "hooks.leadrelay-bench.jp"
SECRETS = {
    "hubspot": "bench-hubspot-secret",
    "marketo": "bench-marketo-secret",
    "generic": "bench-generic-secret",
}
SURNAMES = ["山田", "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村", "小林", "加藤"]
COMPANIES = [
    "株式会社サンプル商事",
    "株式会社みらい製作所",
    "北海道ロジスティクス株式会社",
    "さくらソフトウェア株式会社",
]
HUBSPOT_PROPERTIES = [
    ("hs_email_last_open_date", None),
    ("hs_email_last_click_date", None),
    ("hs_analytics_last_url", "https://www.leadrelay-demo.jp/pricing"),
    ("hs_analytics_last_url", "https://www.leadrelay-demo.jp/case-studies/manufacturing"),
    ("recent_conversion_event_name", "資料請求フォーム"),
]
MARKETO_ACTIVITIES = [
    "Clicks Link in Email",
    "Opens Email",
    "Visits Web Page",
    "Fills Out Form",
    "Attended Webinar",
]
GENERIC_TYPES = ["page_view", "download", "webinar_registered", "email_clicked", "meeting_booked"]


@dataclass(frozen=True)
class Person:
    """Someone the traffic is about: a HubSpot contact id and a Marketo lead id for the same e-mail."""

    number: int

    @property
    def hubspot_id(self) -> int:
        return 9_000_000 + self.number

    @property
    def email(self) -> str:
        return f"bench.person{self.number:05d}@example-{self.number % 97:02d}.co.jp"

    @property
    def surname(self) -> str:
        return SURNAMES[self.number % len(SURNAMES)]

    @property
    def company(self) -> str:
        return COMPANIES[self.number % len(COMPANIES)]


def people(count: int) -> list[Person]:
    """The pool of people, numbered from 1."""
    return [Person(number) for number in range(1, count + 1)]


def known_leads(pool: list[Person]) -> list[dict[str, Any]]:
    """Lead records (for seeding the org) of ``pool``."""
    return [
        {
            "LastName": p.surname,
            "FirstName": "太郎",
            "Company": p.company,
            "Email": p.email,
            "Status": "Open - Not Contacted",
            "LR_External_Key__c": f"ma#{p.hubspot_id}",  # as stamped when HubSpot's sync made the Lead
        }
        for p in pool
    ]


def webhook_traffic(events: int, pool: list[Person], known: list[Person], seed: int = 7) -> list[WebhookLine]:
    """Signed requests carrying ``events`` events in total, in arrival order.

    HubSpot app webhooks name a contact by its HubSpot id only, so they are about ``known`` people
    (whose Leads carry that id); Marketo and generic webhooks carry e-mails and reach anyone in ``pool``.
    """
    rng = random.Random(seed)
    lines: list[WebhookLine] = []
    sent, counter = 0, 0
    while sent < events:
        counter += 1
        at = START + timedelta(seconds=counter)
        roll = rng.random()
        if roll < 0.5:
            size = min(25, events - sent)
            lines.append(hubspot_request([rng.choice(known) for _ in range(size)], at, counter, rng))
        elif roll < 0.7:
            size = 1
            lines.append(marketo_request(rng.choice(pool), at, counter, rng))
        else:
            size = min(10, events - sent)
            lines.append(_generic([rng.choice(pool) for _ in range(size)], at, counter, rng))
        sent += size
    return lines


def hubspot_request(who: list[Person], at: datetime, counter: int, rng: random.Random) -> WebhookLine:
    """A signed HubSpot app webhook: one contact property change per person in ``who``."""
    millis = int(at.timestamp() * 1000)
    batch = []
    for i, person in enumerate(who):
        name, value = rng.choice(HUBSPOT_PROPERTIES)
        batch.append(
            {
                "objectId": person.hubspot_id,
                "propertyName": name,
                "propertyValue": value or str(millis - 1000),
                "changeSource": "ANALYTICS",
                "eventId": counter * 100 + i,
                "subscriptionId": 2202,
                "portalId": 7412093,
                "appId": 1160452,
                "occurredAt": millis - 1000,
                "subscriptionType": "contact.propertyChange",
                "attemptNumber": 0,
            }
        )
    body = json.dumps(batch, separators=(",", ":"))
    uri = f"https://{HOST}/webhooks/hubspot"
    signature = hubspot_signature_v3(
        SECRETS["hubspot"], method="POST", uri=uri, body=body.encode(), timestamp=millis
    )
    headers = {
        "Host": HOST,
        "Content-Type": "application/json",
        "X-HubSpot-Signature-v3": signature,
        "X-HubSpot-Request-Timestamp": str(millis),
    }
    return WebhookLine(provider="hubspot", headers=headers, body=body, received_at=at)


def marketo_request(person: Person, at: datetime, counter: int, rng: random.Random) -> WebhookLine:
    """A Marketo webhook (shared-secret header) for one activity of ``person``."""
    body = {
        "source": "marketo",
        "leadId": 300_000 + person.number,
        "email": person.email,
        "lastName": person.surname,
        "company": person.company,
        "campaign": "11月 製造業DXセミナー招待",
        "campaignRunId": counter,
        "triggerActivity": rng.choice(MARKETO_ACTIVITIES),
        "triggerWebPage": "https://www.leadrelay-demo.jp/seminar/2026-12-dx",
        "sentAt": at.strftime("%Y-%m-%d %H:%M:%S"),
    }
    headers = {"Host": HOST, "Content-Type": "application/json", "X-Leadrelay-Secret": SECRETS["marketo"]}
    return WebhookLine(
        provider="marketo", headers=headers, body=json.dumps(body, ensure_ascii=False), received_at=at
    )


def _generic(who: list[Person], at: datetime, counter: int, rng: random.Random) -> WebhookLine:
    events = [
        {
            "id": f"bench-{counter}-{i}",
            "type": rng.choice(GENERIC_TYPES),
            "occurred_at": (at - timedelta(seconds=5)).isoformat(),
            "email": person.email,
            "attributes": {"url": "https://www.leadrelay-demo.jp/pricing"},
            "fields": {"LastName": person.surname, "Company": person.company},
        }
        for i, person in enumerate(who)
    ]
    body = json.dumps({"events": events}, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = int(at.timestamp())
    headers = {
        "Host": HOST,
        "Content-Type": "application/json",
        "X-Leadrelay-Timestamp": str(timestamp),
        "X-Leadrelay-Signature": generic_signature(SECRETS["generic"], timestamp, body),
    }
    return WebhookLine(provider="generic", headers=headers, body=body.decode(), received_at=at)
