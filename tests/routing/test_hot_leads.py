"""Hot leads: a lead hot enough is signalled to its owner at once, even before it is an MQL.

``rules/routing.json`` ``alerts.hot_lead`` ships the seeds' condition: engagement ≥ 80 and a product page
viewed in the last 7 days. The processor on the shipped rules against the local org (its custom
notifications record what each rep was told), the alert ledger in memory; the condition is validated
like every rule file, with ``FILE:JSON-POINTER`` messages.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from leadrelay.adapters.alert_ledger import InMemoryAlertLedger
from leadrelay.domain.events import CanonicalEvent
from leadrelay.rulefiles.validate import validate_path
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.localorg.samples import seed_fit_40_lead

from tests.pipeline.support import RULES, leads_by_email, page_view
from tests.sla.conftest import SUZUKI
from tests.sla.test_assignment_alerts import alerting_pipeline

TARO = "taro.yamada@sample-shoji.co.jp"
HOT = "ホットリード"


def engaged(email: str) -> list[CanonicalEvent]:
    """Two pricing-page views, two seminars and a webinar this week: engagement 83, no product page."""
    pricing = [page_view(email, minutes_ago=60 * n) for n in (1, 2)]
    seminars = [page_view(email, type="seminar_attended", url="", minutes_ago=60 * 24 * n) for n in (1, 2)]
    webinar = page_view(email, type="webinar_attended", url="", minutes_ago=60 * 24 * 3)
    return [*pricing, *seminars, webinar]


def product_page(email: str, minutes_ago: int = 5) -> CanonicalEvent:
    return page_view(email, url="https://www.sample-saas.jp/products/lead-scoring", minutes_ago=minutes_ago)


def small_company_lead(org: LocalOrg) -> str:
    """山田 at a 3-person company (fit 19: never an MQL), owned by 鈴木."""
    return seed_fit_40_lead(org, TARO, NumberOfEmployees=3, Industry=None, OwnerId=SUZUKI)


def test_a_product_page_view_on_top_of_engagement_80_alerts_the_owner_before_mql(local_org: LocalOrg) -> None:
    lead_id = small_company_lead(local_org)
    run = alerting_pipeline(local_org, InMemoryAlertLedger())

    run(engaged(TARO))
    assert local_org.notifications == []  # engagement 83, but no product page yet

    run([product_page(TARO)])

    (note,) = local_org.notifications
    assert (note.recipient_id, note.target_id) == (SUZUKI, lead_id)
    assert note.title == HOT
    assert note.body.startswith("山田 太郎 (株式会社サンプル商事): ホットリード: 行動スコア 80 以上")
    assert leads_by_email(local_org)[TARO]["LR_Lifecycle_Stage__c"] != "MQL"


def test_a_hot_lead_alerts_once_per_window_however_often_it_is_hot(local_org: LocalOrg) -> None:
    small_company_lead(local_org)
    ledger = InMemoryAlertLedger()
    alerting_pipeline(local_org, ledger)([*engaged(TARO), product_page(TARO, 30)])

    alerting_pipeline(local_org, ledger)([product_page(TARO, 20)])  # another invocation, still hot
    alerting_pipeline(local_org, ledger)([product_page(TARO, 10)])

    assert [note.title for note in local_org.notifications] == [HOT]


def test_a_lead_below_the_bar_alerts_nobody(local_org: LocalOrg) -> None:
    small_company_lead(local_org)

    alerting_pipeline(local_org, InMemoryAlertLedger())([*engaged(TARO)[:3], product_page(TARO)])

    assert local_org.notifications == []


def test_a_hot_lead_condition_is_validated_like_every_rule_file(tmp_path: Path) -> None:
    rules = Path(shutil.copytree(RULES, tmp_path / "rules"))
    document = json.loads((rules / "routing.json").read_text(encoding="utf-8"))
    document["alerts"]["hot_lead"]["when"]["all"][0]["field"] = "scores.engagment"
    (rules / "routing.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    messages = [f"{d.pointer}: {d.message}" for d in validate_path(rules) if d.file.endswith("routing.json")]

    assert len(messages) == 1
    assert messages[0].startswith("/alerts/hot_lead/when/all/0/field: ")
    assert "engagement" in messages[0]  # the suggestion
