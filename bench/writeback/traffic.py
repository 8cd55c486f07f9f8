"""Deterministic MA traffic for the write-back benchmark: people, the records some already have, events."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from leadrelay.domain.events import ActivityType, CanonicalEvent, EventKind, EventSource, Identity
from leadrelay_tools.localorg import LocalOrg

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
SURNAMES = ("山田", "鈴木", "佐藤", "田中", "高橋", "伊藤", "渡辺", "中村", "小林", "加藤")
GIVEN = ("太郎", "花子", "一郎", "美咲", "健太", "由美")
COMPANIES = ("株式会社サンプル商事", "例示工業株式会社", "テスト電機株式会社", "見本物流株式会社")
TITLES = ("代表取締役", "営業部長", "マーケティング課長", "情報システム部 主任", "")
URLS = (
    "https://www.sample-saas.jp/pricing",
    "https://www.sample-saas.jp/products/relay",
    "https://www.sample-saas.jp/blog/ma-sfa",
    "https://www.sample-saas.jp/case-studies/seizo",
)
TYPES = (
    ActivityType.PAGE_VIEW,
    ActivityType.PAGE_VIEW,
    ActivityType.PAGE_VIEW,
    ActivityType.EMAIL_OPENED,
    ActivityType.EMAIL_CLICKED,
    ActivityType.DOWNLOAD,
    ActivityType.FORM_SUBMITTED,
    ActivityType.WEBINAR_ATTENDED,
)


@dataclass(frozen=True)
class Traffic:
    """The people (by e-mail), who is already a Lead or a Contact, and the events in arrival order."""

    people: tuple[str, ...]
    leads: tuple[str, ...]
    contacts: tuple[str, ...]
    events: tuple[CanonicalEvent, ...]


def email_of(index: int) -> str:
    return f"{SURNAMES[index % 10].encode('utf-8').hex()[:6]}.{index:05d}@example-{index % 13}.co.jp"


def make_traffic(events: int, people: int, *, seed: int = 20261120) -> Traffic:
    """``events`` activities by ``people`` people; a quarter of them are Leads and 5 % Contacts already."""
    rng = random.Random(seed)
    emails = tuple(email_of(i) for i in range(people))
    shuffled = list(emails)
    rng.shuffle(shuffled)
    leads, contacts = shuffled[: people // 4], shuffled[people // 4 : people // 4 + people // 20]
    made = []
    for n in range(events):
        person = rng.randrange(people)
        fields: dict[str, Any] = {}
        if rng.random() < 0.3:
            fields = {
                "Name": f"{SURNAMES[person % 10]} {GIVEN[person % 6]}",
                "Company": COMPANIES[person % 4],
                "LeadSource": "Web",
            }
        made.append(
            CanonicalEvent(
                idempotency_key=f"hubspot:{seed}:{n:06d}",
                kind=EventKind.ACTIVITY,
                type=rng.choice(TYPES).value,
                source=EventSource.HUBSPOT,
                occurred_at=NOW - timedelta(minutes=rng.randint(1, 60 * 24 * 14)),
                identity=Identity(email=emails[person]),
                attributes={"url": rng.choice(URLS)},
                fields=fields,
            )
        )
    return Traffic(emails, tuple(leads), tuple(contacts), tuple(made))


def seed_org(org: LocalOrg, traffic: Traffic) -> None:
    """The Leads and Contacts that exist before the events arrive (no API calls counted)."""
    for index, email in enumerate(traffic.leads):
        org.insert(
            "Lead",
            {
                "LastName": SURNAMES[index % 10],
                "Company": COMPANIES[index % 4],
                "Email": email,
                "Title": TITLES[index % 5],
                "NumberOfEmployees": 50 + 37 * index,
                "Industry": "Manufacturing",
                "State": "東京都",
            },
        )
    for index, email in enumerate(traffic.contacts):
        org.insert("Contact", {"LastName": SURNAMES[index % 10], "Email": email})
