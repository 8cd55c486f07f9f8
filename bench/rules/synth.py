"""Deterministic synthetic leads for the rules benchmark: a realistic Japanese/English B2B mix.

``synthetic_leads(count, seed, now)`` always returns the same leads for the same arguments:
titles (Japanese, English, full-width), prefectures and US states, industries, company sizes
(numbers, numeric strings, missing), lifecycle stages with BANT check-boxes, and 0–30 activities
each within about 90 days before ``now``.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

# fmt: off
TITLES = [
    "代表取締役社長", "代表取締役", "社長", "CEO", "ＣＥＯ", "Founder & CEO", "取締役", "取締役 CTO",
    "専務取締役", "常務執行役員", "執行役員", "執行役員 営業本部長", "VP of Sales",
    "Vice President, Marketing", "CFO", "営業本部長", "事業部長", "情報システム部 部長",
    "マーケティング部長", "部長代理", "東日本支社長", "Director of IT", "Head of Marketing",
    "General Manager", "営業課長", "課長代理", "マーケティングマネージャー", "Marketing Manager",
    "Senior Product Manager", "係長", "主任", "ＩＴ推進室 主任", "Team Lead", "Supervisor", "担当", "営業",
    "エンジニア", "Software Engineer", "Analyst", "", None,
]
INDUSTRIES = [
    "Manufacturing", "Technology", "製造業", "情報通信業", "Electronics", "Finance", "金融業", "Consulting",
    "運輸業", "Retail", "小売業", "Healthcare", "Education", "建設業", "Government", None,
]
PREFECTURES = [
    "東京都", "東京都", "東京都", "神奈川県", "埼玉県", "千葉県", "大阪府", "大阪府", "京都府", "兵庫県",
    "愛知県", "静岡県", "北海道", "宮城県", "広島県", "福岡県", "沖縄県", "Tokyo", "Osaka", "Kanagawa",
    "Fukuoka", "", None,
]
US_STATES = ["CA", "NY", "WA", "TX", "Massachusetts"]
EMPLOYEES = [
    5, 12, 25, 29, 30, 45, 80, 99, 100, 150, 299, 300, 450, 800, 999, 1000, 2500, 12000, "1,200", "１５０",
    "350", None,
]
STAGES = ["Lead"] * 6 + ["MQL"] * 3 + ["SQL", "Opportunity", "Nurture", "Recycled", None]
STATUSES = ["Open - Not Contacted", "Working - Contacted", "Closed - Not Converted", "Closed - Converted"]
OPPORTUNITY_STAGES = [None, None, None, "Prospecting", "Closed Won", "Closed Lost"]
SITE = "https://www.leadrelay-demo.jp"
PAGES = [
    ("/pricing", "料金プラン"), ("/en/pricing", "Pricing"), ("/plans/", "Plans"),
    ("/products/scoring", "スコアリング機能"), ("/features", "Features"),
    ("/solutions/manufacturing", "製造業向け"), ("/blog/mql", "MQLとは"), ("/", "トップ"),
    ("/company", "会社概要"), ("/news/2026-11", "お知らせ"), ("/services/", "サービス"),
]
ASSETS = [
    ("導入事例: 製造業A社", "case_study"), ("Customer story: Fabrikam", None), ("物流業の事例集", None),
    ("ホワイトペーパー: MQL定義の作り方", "whitepaper"), ("MA導入チェックリスト", None),
    ("eBook: Lead scoring", "ebook"),
]
EVENTS = [
    ("seminar_attended", "大阪 MA活用セミナー", None),
    ("seminar_attended", "個別相談会 (東京)", "consultation"), ("seminar_attended", "個別相談会", None),
    ("webinar_attended", "MA×Salesforce連携ウェビナー", None),
    ("webinar_attended", "1on1 consultation", None), ("webinar_registered", "年末ウェビナー", None),
]
ACTIVITY_WEIGHTS = {
    "page_view": 40, "email_opened": 20, "email_clicked": 10, "download": 8, "event": 6,
    "form_submitted": 3, "meeting_booked": 1, "email_sent": 5,
}
# fmt: on


def _activity(rng: random.Random, now: datetime, index: int) -> dict[str, Any]:
    kind = rng.choices(list(ACTIVITY_WEIGHTS), weights=list(ACTIVITY_WEIGHTS.values()))[0]
    occurred = now - timedelta(seconds=rng.randint(60, 92 * 86400))
    record: dict[str, Any] = {"id": f"a{index}", "type": kind, "occurred_at": occurred.isoformat()}
    if kind == "page_view":
        path, title = rng.choice(PAGES)
        record.update(url=SITE + path, title=title)
    elif kind == "download":
        asset, asset_type = rng.choice(ASSETS)
        record["asset"] = asset
        if asset_type:
            record["asset_type"] = asset_type
    elif kind == "event":
        record["type"], record["campaign"], event_format = rng.choice(EVENTS)
        if event_format:
            record["format"] = event_format
    elif kind.startswith("email"):
        record["campaign"] = rng.choice(["11月ニュースレター", "Product update", "セミナーのご案内"])
    return record


def _lead(rng: random.Random, index: int) -> dict[str, Any]:
    overseas = rng.random() < 0.12
    lead: dict[str, Any] = {
        "Id": f"00Q5g{index:013d}",
        "Company": f"株式会社サンプル{index}",
        "Title": rng.choice(TITLES),
        "NumberOfEmployees": rng.choice(EMPLOYEES),
        "Industry": rng.choice(INDUSTRIES),
        "State": rng.choice(US_STATES) if overseas else rng.choice(PREFECTURES),
        "Country": "United States" if overseas else rng.choice(["Japan", "日本", "JP", None]),
        "Status": rng.choice(STATUSES),
        "LR_Lifecycle_Stage__c": rng.choice(STAGES),
        "LR_Opportunity_Stage__c": rng.choice(OPPORTUNITY_STAGES),
    }
    for field in ("Budget", "Authority", "Need", "Timeline"):
        lead[f"LR_{field}_Confirmed__c"] = rng.random() < 0.35
    if rng.random() < 0.15:
        lead["ConvertedOpportunityId"] = f"0065g{index:013d}"
    return {key: value for key, value in lead.items() if value is not None or rng.random() < 0.5}


def synthetic_leads(count: int, *, seed: int, now: datetime) -> list[dict[str, Any]]:
    """``count`` evaluation contexts (``{"lead", "activities"}``), the same for the same seed."""
    rng = random.Random(seed)
    contexts = []
    for index in range(count):
        lead = _lead(rng, index)
        activities = [_activity(rng, now, n) for n in range(rng.randint(0, 30))]
        activities.sort(key=lambda record: record["occurred_at"])
        contexts.append({"lead": lead, "activities": activities})
    return contexts
