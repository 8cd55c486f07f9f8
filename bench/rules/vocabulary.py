"""The shipped rules' vocabularies for the hand-written reference: keyword regexes and value sets.

Compiled once at import, as a careful engineer would: each keyword list is one regex (Latin
keywords as whole words, Japanese ones anywhere), each value list a set of folded strings.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache


@cache
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
