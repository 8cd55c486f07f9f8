"""The shipped rules written by hand, the way a Salesforce developer would code them in Python.

This is the benchmark's yardstick: the same fit and engagement scores and the same lifecycle
stage as ``rules/scoring.json`` + ``rules/lifecycle.json``, without any engine. Keep it plain
and honest — if the rules change, change this too; never make it slower to flatter the engine.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import datetime
from typing import Any

DAY = 86400.0


def fold(text: str) -> str:
    """Full-width to ASCII, trimmed, case-insensitive (``ＣＥＯ`` → ``ceo``)."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


def words(*keywords: str) -> re.Pattern[str]:
    """A regex matching any keyword: Latin ones as whole words, Japanese ones anywhere."""
    parts = []
    for keyword in sorted(keywords, key=len, reverse=True):
        word = re.escape(fold(keyword))
        parts.append(word if not keyword.isascii() else rf"(?<![a-z0-9_]){word}(?![a-z0-9_])")
    return re.compile("|".join(parts))


CEO = words(
    "代表取締役", "社長", "ceo", "chief executive officer", "president", "founder", "co-founder", "創業者"
)
NOT_CEO = words("副社長", "支社長", "社長室", "vice president", "vice-president")
BOARD = words(
    "取締役", "副社長", "専務", "常務", "cto", "cfo", "coo", "cmo", "cio", "ciso", "cdo", "cro", "cpo",
    "chief", "vice president", "vice-president", "vp", "svp", "evp", "managing director",
)  # fmt: skip
OFFICER = words("執行役員", "executive officer")
DIRECTOR = words(
    "部長", "本部長", "事業部長", "局長", "支社長", "支店長", "工場長", "センター長",
    "director", "head of", "general manager",
)  # fmt: skip
MANAGER = words("課長", "室長", "グループ長", "マネージャー", "マネジャー", "manager")
STAFF_LEAD = words("係長", "主任", "主査", "リーダー", "team lead", "team leader", "tech lead", "supervisor")

TARGET_INDUSTRIES = {
    fold(name)
    for name in (
        "Manufacturing", "Technology", "Electronics", "Machinery", "Engineering", "Chemicals",
        "製造業", "製造", "情報通信業", "情報通信", "IT", "ソフトウェア",
    )
}  # fmt: skip
ADJACENT_INDUSTRIES = {
    fold(name)
    for name in (
        "Finance", "Banking", "Insurance", "Consulting", "Communications", "Telecommunications",
        "Transportation", "Shipping", "Energy", "金融業", "金融", "保険業", "保険", "コンサルティング",
        "運輸業", "物流", "卸売業",
    )
}  # fmt: skip

KANTO = words(
    "東京", "神奈川", "埼玉", "千葉", "茨城", "栃木", "群馬",
    "tokyo", "kanagawa", "saitama", "chiba", "ibaraki", "tochigi", "gunma",
)  # fmt: skip
KANSAI_CHUBU = words(
    "大阪", "京都", "兵庫", "奈良", "滋賀", "和歌山", "愛知", "静岡", "岐阜", "三重",
    "osaka", "kyoto", "hyogo", "nara", "shiga", "wakayama", "aichi", "shizuoka", "gifu", "mie",
)  # fmt: skip
OTHER_PREFECTURES = words(
    "北海道", "青森", "岩手", "宮城", "秋田", "山形", "福島", "新潟", "富山", "石川", "福井", "山梨", "長野",
    "鳥取", "島根", "岡山", "広島", "山口", "徳島", "香川", "愛媛", "高知",
    "福岡", "佐賀", "長崎", "熊本", "大分", "宮崎", "鹿児島", "沖縄",
    "hokkaido", "aomori", "iwate", "miyagi", "akita", "yamagata", "fukushima", "niigata", "toyama",
    "ishikawa", "fukui", "yamanashi", "nagano", "tottori", "shimane", "okayama", "hiroshima",
    "yamaguchi", "tokushima", "kagawa", "ehime", "kochi", "fukuoka", "saga", "nagasaki",
    "kumamoto", "oita", "miyazaki", "kagoshima", "okinawa",
)  # fmt: skip
JAPAN = {"japan", "jp", "jpn", "日本", "日本国"}

PRICING_URL = re.compile(r"/(pricing|price|plans|ryokin)(/|\?|#|$)")
PRODUCT_URL = re.compile(r"/(products?|features|solutions|services?)(/|\?|#|$)")
PRICING_TITLE = words("料金", "価格", "pricing")
CASE_STUDY = words("導入事例", "事例", "case study", "customer story")
CONSULTATION = words("個別相談", "consultation", "1on1")

CLOSED_NOT_CONVERTED = {fold("Closed - Not Converted"), "見送り"}
LOST = {fold("Closed Lost"), "失注"}
WON = {fold("Closed Won"), "受注"}
STAGES = ("Lead", "MQL", "SQL", "Opportunity", "Customer", "Nurture", "Recycled")


def text(value: Any) -> str | None:
    """A folded string, or None for anything that is not a string."""
    return fold(value) if isinstance(value, str) else None


def number(value: Any) -> float | None:
    """``NumberOfEmployees`` as a number: 350, "1,200" and "１５０" all work."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(unicodedata.normalize("NFKC", value).strip().replace(",", ""))
        except ValueError:
            return None
    return None


def company_size_points(employees: float | None) -> int:
    """企業規模: 1,000+ 20, 300+ 15, 100+ 10, 30+ 5, 1+ 2."""
    if employees is None:
        return 0
    if employees >= 1000:
        return 20
    if employees >= 300:
        return 15
    if employees >= 100:
        return 10
    if employees >= 30:
        return 5
    return 2 if employees >= 1 else 0


def industry_points(industry: str | None) -> int:
    """業種: target 15, adjacent 8, any other 3."""
    if industry is None or not industry:
        return 0
    if industry in TARGET_INDUSTRIES:
        return 15
    if industry in ADJACENT_INDUSTRIES:
        return 8
    return 3


def title_points(title: str | None) -> int:
    """役職: the first matching level wins (代表取締役 is not also 取締役)."""
    if not title:
        return 0
    if CEO.search(title) and not NOT_CEO.search(title):
        return 20
    for pattern, points in ((BOARD, 16), (OFFICER, 14), (DIRECTOR, 12), (MANAGER, 8), (STAFF_LEAD, 4)):
        if pattern.search(title):
            return points
    return 0


def region_points(state: str | None, country: str | None) -> int:
    """地域: 関東 5, 関西・中部 4, other prefectures 3, Japan otherwise 2."""
    if state:
        if KANTO.search(state):
            return 5
        if KANSAI_CHUBU.search(state):
            return 4
        if OTHER_PREFECTURES.search(state):
            return 3
    return 2 if country in JAPAN else 0


def fit_score(lead: dict[str, Any]) -> int:
    """属性スコア: company size + industry + title + region, 0–60."""
    total = (
        company_size_points(number(lead.get("NumberOfEmployees")))
        + industry_points(text(lead.get("Industry")))
        + title_points(text(lead.get("Title")))
        + region_points(text(lead.get("State")), text(lead.get("Country")))
    )
    return min(max(total, 0), 60)


def timestamp(value: Any) -> float | None:
    """Epoch seconds of an ISO-8601 string or aware datetime (None when unreadable)."""
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        return float(moment.timestamp()) if isinstance(moment, datetime) else None
    except ValueError:
        return None


def engagement_score(activities: list[dict[str, Any]], now: float) -> int:
    """行動スコア: each activity decays by its rule's half-life, each rule is capped, 0–100."""
    sums = dict.fromkeys(
        (
            "pricing",
            "product",
            "page",
            "case_study",
            "download",
            "consultation",
            "seminar",
            "webinar",
            "click",
            "open",
        ),
        0.0,
    )
    for activity in activities:
        kind = activity.get("type")
        when = timestamp(activity.get("occurred_at"))
        if when is None or when > now or not isinstance(kind, str):
            continue
        age_days = (now - when) / DAY
        if kind == "page_view" and age_days <= 30:
            url = activity.get("url")
            url = unicodedata.normalize("NFKC", url[:1000]) if isinstance(url, str) else ""
            title = text(activity.get("title")) or ""
            if PRICING_URL.search(url) or PRICING_TITLE.search(title):
                sums["pricing"] += 15 * 0.5 ** (age_days / 7)
            elif PRODUCT_URL.search(url):
                sums["product"] += 5 * 0.5 ** (age_days / 14)
            else:
                sums["page"] += 1 * 0.5 ** (age_days / 14)
        elif kind == "download" and age_days <= 90:
            asset = text(activity.get("asset")) or ""
            if text(activity.get("asset_type")) == "case_study" or CASE_STUDY.search(asset):
                sums["case_study"] += 20 * 0.5 ** (age_days / 30)
            else:
                sums["download"] += 10 * 0.5 ** (age_days / 30)
        elif kind in ("seminar_attended", "webinar_attended") and age_days <= 90:
            campaign = text(activity.get("campaign")) or ""
            if text(activity.get("format")) == "consultation" or CONSULTATION.search(campaign):
                sums["consultation"] += 25 * 0.5 ** (age_days / 45)
            elif kind == "seminar_attended":
                sums["seminar"] += 20 * 0.5 ** (age_days / 45)
            else:
                sums["webinar"] += 15 * 0.5 ** (age_days / 30)
        elif kind == "email_clicked" and age_days <= 30:
            sums["click"] += 3 * 0.5 ** (age_days / 14)
        elif kind == "email_opened" and age_days <= 30:
            sums["open"] += 1 * 0.5 ** (age_days / 14)
    caps = {"pricing": 30, "product": 15, "page": 5, "case_study": 40, "download": 20}
    caps |= {"consultation": 50, "seminar": 40, "webinar": 30, "click": 9, "open": 5}
    total = sum(min(value, caps[name]) for name, value in sums.items())
    return math.floor(round(min(max(total, 0.0), 100.0), 9) + 0.5)


def next_stage(stage: str, lead: dict[str, Any], fit: int, engagement: int) -> list[str]:
    """The stages the lead may move to from ``stage``, in the order the rules try them."""
    status = text(lead.get("Status"))
    opportunity_stage = text(lead.get("LR_Opportunity_Stage__c"))
    moves = []
    if stage in ("Lead", "Nurture", "Recycled"):
        if (
            fit >= 30
            and engagement >= 50
            and status not in CLOSED_NOT_CONVERTED
            and opportunity_stage not in LOST
        ):
            moves.append("MQL")
    elif stage == "MQL":
        bant = (
            "LR_Budget_Confirmed__c",
            "LR_Authority_Confirmed__c",
            "LR_Need_Confirmed__c",
            "LR_Timeline_Confirmed__c",
        )
        if sum(1 for field in bant if lead.get(field) is True) >= 2:
            moves.append("SQL")
    elif stage == "SQL":
        opportunity_id = lead.get("ConvertedOpportunityId")
        if opportunity_id is not None and (not isinstance(opportunity_id, str) or opportunity_id.strip()):
            moves.append("Opportunity")
    elif stage == "Opportunity":
        if opportunity_stage in WON:
            moves.append("Customer")
        if opportunity_stage in LOST:
            moves.append("Recycled")
    if stage in ("MQL", "SQL") and status in CLOSED_NOT_CONVERTED:
        moves.append("Recycled")
    if stage == "MQL" and engagement < 20:
        moves.append("Nurture")
    return moves


def lifecycle_stage(lead: dict[str, Any], fit: int, engagement: int) -> str:
    """Where the lead ends up: follow the first allowed move until none applies (no stage twice)."""
    current = lead.get("LR_Lifecycle_Stage__c")
    stage = current if current in STAGES else "Lead"
    visited = {stage}
    while True:
        moves = [move for move in next_stage(stage, lead, fit, engagement) if move not in visited]
        if not moves:
            return stage
        stage = moves[0]
        visited.add(stage)


def evaluate(context: dict[str, Any], now: float) -> tuple[int, int, str]:
    """``(fit, engagement, stage)`` for one lead at ``now`` (epoch seconds)."""
    lead = context["lead"]
    fit = fit_score(lead)
    engagement = engagement_score(context["activities"], now)
    return fit, engagement, lifecycle_stage(lead, fit, engagement)
