"""The shipped rules written by hand, the way a Salesforce developer would code them in Python.

This is the benchmark's yardstick: the same fit and engagement scores and the same lifecycle
stage as ``rules/scoring.json`` + ``rules/lifecycle.json``, without any engine. Keep it plain
and honest — if the rules change, change this too; never make it slower to flatter the engine.

It is written as fast as a careful engineer would write it by hand: keyword sets and regexes are
compiled once, every text test is cached on the text it reads (titles, states, URLs and campaign
names repeat), a lead's activities are read in one pass that dispatches on the activity type and
parses each time once into integer epoch seconds, and each rule's decay factors are summed and
multiplied by its points once.
"""

from __future__ import annotations

import math
import unicodedata
from datetime import datetime
from functools import cache
from math import exp
from typing import Any

from bench.rules.vocabulary import (
    ADJACENT_INDUSTRIES,
    BOARD,
    CASE_STUDY,
    CEO,
    CLOSED_NOT_CONVERTED,
    CONSULTATION,
    DIRECTOR,
    JAPAN,
    KANSAI_CHUBU,
    KANTO,
    LOST,
    MANAGER,
    NOT_CEO,
    OFFICER,
    OTHER_PREFECTURES,
    PRICING_TITLE,
    PRICING_URL,
    PRODUCT_URL,
    STAFF_LEAD,
    STAGES,
    TARGET_INDUSTRIES,
    WON,
    fold,
)

DAY = 86400


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


@cache
def company_size_points(employees: Any) -> int:
    """企業規模: 1,000+ 20, 300+ 15, 100+ 10, 30+ 5, 1+ 2."""
    count = number(employees)
    if count is None:
        return 0
    if count >= 1000:
        return 20
    if count >= 300:
        return 15
    if count >= 100:
        return 10
    if count >= 30:
        return 5
    return 2 if count >= 1 else 0


@cache
def industry_points(value: Any) -> int:
    """業種: target 15, adjacent 8, any other 3."""
    industry = text(value)
    if not industry:
        return 0
    if industry in TARGET_INDUSTRIES:
        return 15
    if industry in ADJACENT_INDUSTRIES:
        return 8
    return 3


@cache
def title_points(value: Any) -> int:
    """役職: the first matching level wins (代表取締役 is not also 取締役)."""
    title = text(value)
    if not title:
        return 0
    if CEO.search(title) and not NOT_CEO.search(title):
        return 20
    for pattern, points in ((BOARD, 16), (OFFICER, 14), (DIRECTOR, 12), (MANAGER, 8), (STAFF_LEAD, 4)):
        if pattern.search(title):
            return points
    return 0


@cache
def region_points(state_value: Any, country_value: Any) -> int:
    """地域: 関東 5, 関西・中部 4, other prefectures 3, Japan otherwise 2."""
    state = text(state_value)
    if state:
        if KANTO.search(state):
            return 5
        if KANSAI_CHUBU.search(state):
            return 4
        if OTHER_PREFECTURES.search(state):
            return 3
    return 2 if text(country_value) in JAPAN else 0


def fit_score(lead: dict[str, Any]) -> int:
    """属性スコア: company size + industry + title + region, 0–60."""
    total = (
        company_size_points(lead.get("NumberOfEmployees"))
        + industry_points(lead.get("Industry"))
        + title_points(lead.get("Title"))
        + region_points(lead.get("State"), lead.get("Country"))
    )
    return min(max(total, 0), 60)


PRICING, PRODUCT, OTHER_PAGE = 0, 1, 2


@cache
def page_kind(url_value: Any, title_value: Any) -> int:
    """Which page-view rule a page feeds: pricing (URL or title), product, or any other page."""
    url = unicodedata.normalize("NFKC", url_value[:1000]) if isinstance(url_value, str) else ""
    title = text(title_value) or ""
    if PRICING_URL.search(url) or PRICING_TITLE.search(title):
        return PRICING
    return PRODUCT if PRODUCT_URL.search(url) else OTHER_PAGE


@cache
def is_case_study(asset: Any, asset_type: Any) -> bool:
    """導入事例: the asset type says so, or its name does."""
    return text(asset_type) == "case_study" or CASE_STUDY.search(text(asset) or "") is not None


@cache
def is_consultation(campaign: Any, event_format: Any) -> bool:
    """個別相談: the format says so, or the campaign's name does."""
    return text(event_format) == "consultation" or CONSULTATION.search(text(campaign) or "") is not None


def rate(half_life_days: int) -> float:
    """The exponent per second of age for a half-life: ``0.5 ** (age / h) == exp(age * rate)``."""
    return -math.log(2) / (half_life_days * DAY)


WEEK, FORTNIGHT, MONTH, SIX_WEEKS = rate(7), rate(14), rate(30), rate(45)
SCORED = frozenset(
    {"page_view", "email_opened", "email_clicked", "download", "seminar_attended", "webinar_attended"}
)
fromisoformat = datetime.fromisoformat


def engagement_score(activities: list[dict[str, Any]], now: int) -> int:
    """行動スコア: each activity decays by its rule's half-life, each rule is capped, 0–100."""
    pricing = product = page = case_study = download = consultation = seminar = webinar = 0.0
    click = opened = 0.0
    month, quarter = now - 30 * DAY, now - 90 * DAY
    for activity in activities:
        kind = activity.get("type")
        if kind not in SCORED:
            continue
        try:  # integer epoch seconds, parsed once
            when = int(fromisoformat(activity["occurred_at"]).timestamp())
        except (KeyError, TypeError, ValueError):
            continue
        if when < quarter or when > now:
            continue
        age = now - when
        if kind == "page_view":
            if when < month:
                continue
            page_type = page_kind(activity.get("url"), activity.get("title"))
            if page_type == PRICING:
                pricing += exp(age * WEEK)
            elif page_type == PRODUCT:
                product += exp(age * FORTNIGHT)
            else:
                page += exp(age * FORTNIGHT)
        elif kind == "email_opened":
            if when >= month:
                opened += exp(age * FORTNIGHT)
        elif kind == "email_clicked":
            if when >= month:
                click += exp(age * FORTNIGHT)
        elif kind == "download":
            if is_case_study(activity.get("asset"), activity.get("asset_type")):
                case_study += exp(age * MONTH)
            else:
                download += exp(age * MONTH)
        elif is_consultation(activity.get("campaign"), activity.get("format")):
            consultation += exp(age * SIX_WEEKS)
        elif kind == "seminar_attended":
            seminar += exp(age * SIX_WEEKS)
        else:
            webinar += exp(age * MONTH)
    total = (
        min(15 * pricing, 30)
        + min(5 * product, 15)
        + min(1 * page, 5)
        + min(20 * case_study, 40)
        + min(10 * download, 20)
        + min(25 * consultation, 50)
        + min(20 * seminar, 40)
        + min(15 * webinar, 30)
        + min(3 * click, 9)
        + min(1 * opened, 5)
    )
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
    engagement = engagement_score(context["activities"], int(now))
    return fit, engagement, lifecycle_stage(lead, fit, engagement)
