"""The routing step end to end: a lead that becomes an MQL gets its owner and the reason, in the same write.

The real pipeline against the local org (users, OutOfOffice records), the shipped rules (routing.json:
東日本 leads to a round-robin pool of 佐藤 and 鈴木), pool state in memory.
"""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

from leadrelay.domain.events import CanonicalEvent
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.localorg.samples import seed_fit_40_lead

from tests.pipeline.support import NOW, RULES, leads_by_email, make_pipeline, message, page_view

SATO, SUZUKI = "005RM0000000002YAA", "005RM0000000003YAA"
FALLBACK = SATO  # routing.json's fallback_owner


def becomes_mql(email: str) -> list[CanonicalEvent]:
    """Two pricing-page views and two seminars this week: engagement 70."""
    pricing = [page_view(email, minutes_ago=60 * n) for n in (1, 2)]
    seminars = [page_view(email, type="seminar_attended", url="", minutes_ago=60 * 24 * n) for n in (1, 2)]
    return [*pricing, *seminars]


def run(org: LocalOrg, *events: CanonicalEvent) -> Any:
    pipeline, _, sink = make_pipeline(org)
    report = pipeline.run([message(event) for event in events], remaining=lambda: 60.0)
    return pipeline, report, sink


def test_a_new_mql_goes_to_the_next_rep_of_its_pool_with_the_reason(local_org: LocalOrg) -> None:
    seed_fit_40_lead(local_org, "taro.yamada@sample-shoji.co.jp")

    run(local_org, *becomes_mql("taro.yamada@sample-shoji.co.jp"))

    lead = leads_by_email(local_org)["taro.yamada@sample-shoji.co.jp"]
    assert lead["LR_Lifecycle_Stage__c"] == "MQL"
    assert lead["OwnerId"] == SATO
    assert lead["LR_Routing_Reason__c"] == f"routing.east → pool inside_sales_east → {SATO}"


def test_two_mqls_of_one_batch_go_to_the_two_reps_in_turn(local_org: LocalOrg) -> None:
    for email in ("taro.yamada@sample-shoji.co.jp", "hanako.sato@mirai-seisakusho.co.jp"):
        seed_fit_40_lead(local_org, email)

    run(
        local_org,
        *becomes_mql("taro.yamada@sample-shoji.co.jp"),
        *becomes_mql("hanako.sato@mirai-seisakusho.co.jp"),
    )

    owners = {lead["OwnerId"] for lead in leads_by_email(local_org).values()}
    assert owners == {SATO, SUZUKI}


def test_a_rep_out_of_office_is_skipped_and_named_in_the_reason(local_org: LocalOrg) -> None:
    seed_fit_40_lead(local_org, "taro.yamada@sample-shoji.co.jp")
    local_org.insert(
        "OutOfOffice",
        {
            "UserId": SATO,
            "StartDate": (NOW - timedelta(days=1)).isoformat(),
            "EndDate": (NOW + timedelta(days=3)).isoformat(),
            "Message": "休暇中です",
        },
    )

    run(local_org, *becomes_mql("taro.yamada@sample-shoji.co.jp"))

    lead = leads_by_email(local_org)["taro.yamada@sample-shoji.co.jp"]
    assert lead["OwnerId"] == SUZUKI
    assert lead["LR_Routing_Reason__c"].endswith(f"→ {SUZUKI} (skipped {SATO} away)")


def test_an_inactive_rep_is_skipped(local_org: LocalOrg) -> None:
    seed_fit_40_lead(local_org, "taro.yamada@sample-shoji.co.jp")
    local_org.update("User", SATO, {"IsActive": False})

    run(local_org, *becomes_mql("taro.yamada@sample-shoji.co.jp"))

    lead = leads_by_email(local_org)["taro.yamada@sample-shoji.co.jp"]
    assert (lead["OwnerId"], lead["LR_Routing_Reason__c"].split("(")[-1]) == (
        SUZUKI,
        f"skipped {SATO} inactive)",
    )


def test_an_enterprise_lead_without_a_matched_account_goes_to_the_fallback_owner(local_org: LocalOrg) -> None:
    seed_fit_40_lead(
        local_org, "ichiro.suzuki@big-corp.co.jp", NumberOfEmployees=5000, Company="株式会社ビッグコーポ"
    )

    run(local_org, *becomes_mql("ichiro.suzuki@big-corp.co.jp"))

    lead = leads_by_email(local_org)["ichiro.suzuki@big-corp.co.jp"]
    assert lead["OwnerId"] == FALLBACK
    assert lead["LR_Routing_Reason__c"] == f"routing.enterprise → fallback (no matched account) → {FALLBACK}"


def test_a_lead_that_does_not_become_an_mql_keeps_its_owner(local_org: LocalOrg) -> None:
    seed_fit_40_lead(local_org, "taro.yamada@sample-shoji.co.jp")
    owner_before = leads_by_email(local_org)["taro.yamada@sample-shoji.co.jp"]["OwnerId"]

    run(local_org, page_view("taro.yamada@sample-shoji.co.jp"))

    lead = leads_by_email(local_org)["taro.yamada@sample-shoji.co.jp"]
    assert lead["LR_Lifecycle_Stage__c"] != "MQL"
    assert lead["OwnerId"] == owner_before
    assert lead.get("LR_Routing_Reason__c") is None


def test_routing_adds_two_queries_per_batch_however_many_leads_it_routes(
    local_org: LocalOrg, tmp_path: Path
) -> None:
    unrouted = shutil.copytree(RULES, tmp_path / "rules")
    (unrouted / "routing.json").unlink()
    first, second = ([f"lead{n}.{batch}@sample-shoji.co.jp" for n in range(4)] for batch in ("a", "b"))
    for email in (*first, *second):
        seed_fit_40_lead(local_org, email)

    def queries(rules: Path, emails: list[str]) -> int:
        before = local_org.api_calls["query"]
        pipeline, _, _ = make_pipeline(local_org, rules=rules)
        pipeline.run([message(e) for email in emails for e in becomes_mql(email)], remaining=lambda: 60.0)
        return local_org.api_calls["query"] - before

    assert queries(RULES, second) - queries(unrouted, first) == 2  # Users and OutOfOffice, once for all four


def test_the_hand_off_write_carries_first_and_last_touch_and_the_sales_active_flag(
    local_org: LocalOrg,
) -> None:
    seed_fit_40_lead(local_org, "taro.yamada@sample-shoji.co.jp")
    pricing_1, pricing_2, seminar_1, seminar_2 = becomes_mql("taro.yamada@sample-shoji.co.jp")
    first = seminar_2.model_copy(update={"attributes": {"campaign": "製造業DXセミナー 2026年11月"}})
    last = pricing_1.model_copy(
        update={
            "attributes": {
                "url": pricing_1.attributes["url"],
                "utm_source": "google",
                "utm_campaign": "brand",
            }
        }
    )

    run(local_org, first, seminar_1, pricing_2, last)

    lead = leads_by_email(local_org)["taro.yamada@sample-shoji.co.jp"]
    assert (lead["LR_First_Touch_Source__c"], lead["LR_First_Touch_Campaign__c"]) == (
        "hubspot",
        "製造業DXセミナー 2026年11月",
    )
    assert (lead["LR_Last_Touch_Source__c"], lead["LR_Last_Touch_Campaign__c"]) == ("google", "brand")
    assert lead["LR_Sales_Active__c"] is True


def test_the_new_owner_gets_a_task_due_at_the_first_contact_deadline(local_org: LocalOrg) -> None:
    lead_id = seed_fit_40_lead(local_org, "taro.yamada@sample-shoji.co.jp")

    run(local_org, *becomes_mql("taro.yamada@sample-shoji.co.jp"))

    (task,) = local_org.records("Task")
    assert (task["OwnerId"], task["WhoId"][:15], task["Status"]) == (SATO, lead_id[:15], "Not Started")
    assert task["ActivityDate"] == "2026-11-22"  # Friday 18:00 JST + 48 hours
    assert task["Subject"] == "MQL 初回コンタクト (期限 2026-11-22 18:00)"
    lead = leads_by_email(local_org)["taro.yamada@sample-shoji.co.jp"]
    assert lead["LR_SLA_Due_At__c"].startswith("2026-11-22T09:00:00")
    assert lead["LR_SLA_Status__c"] == "On Track"


def test_a_redelivered_hand_off_never_makes_a_second_task(local_org: LocalOrg) -> None:
    seed_fit_40_lead(local_org, "taro.yamada@sample-shoji.co.jp")
    events = becomes_mql("taro.yamada@sample-shoji.co.jp")
    pipeline, _, _ = make_pipeline(local_org)
    for _ in range(2):  # the same messages again, as SQS redelivers them after a lost answer
        pipeline.run([message(event, receive_count=2) for event in events], remaining=lambda: 60.0)
        lead = leads_by_email(local_org)["taro.yamada@sample-shoji.co.jp"]
        local_org.update("Lead", lead["Id"], {"LR_Lifecycle_Stage__c": "Lead"})  # force the hand-off again

    assert len(local_org.records("Task")) == 1


def rejected_mql(org: LocalOrg) -> str:
    """An MQL that sales marked 見送り (not an SQL) while leadrelay's clock and flag were on."""
    return seed_fit_40_lead(
        org,
        "taro.yamada@sample-shoji.co.jp",
        LR_Lifecycle_Stage__c="MQL",
        Status="Closed - Not Converted",
        LR_Sales_Active__c=True,
        LR_SLA_Status__c="On Track",
        OwnerId=SATO,
    )


def test_a_lead_sales_rejects_returns_to_marketing_with_its_sla_closed(local_org: LocalOrg) -> None:
    rejected_mql(local_org)

    run(local_org, page_view("taro.yamada@sample-shoji.co.jp"))

    lead = leads_by_email(local_org)["taro.yamada@sample-shoji.co.jp"]
    assert (lead["LR_Lifecycle_Stage__c"], lead["LR_Stage_Reason__c"]) == ("Recycled", "SALES_REJECTED")
    assert (lead["LR_SLA_Status__c"], lead["LR_Sales_Active__c"]) == ("Closed", False)
    assert lead["OwnerId"] == SATO  # no recycling owner in the shipped rules: the owner is kept


def test_a_recycling_owner_takes_the_lead_back_when_the_rules_name_one(
    local_org: LocalOrg, tmp_path: Path
) -> None:
    rules = shutil.copytree(RULES, tmp_path / "rules")
    routing = json.loads((rules / "routing.json").read_text(encoding="utf-8"))
    routing["recycle_owner"] = SUZUKI  # e.g. the marketing nurture owner
    (rules / "routing.json").write_text(json.dumps(routing, ensure_ascii=False), encoding="utf-8")
    rejected_mql(local_org)

    pipeline, _, _ = make_pipeline(local_org, rules=rules)
    pipeline.run([message(page_view("taro.yamada@sample-shoji.co.jp"))], remaining=lambda: 60.0)

    assert leads_by_email(local_org)["taro.yamada@sample-shoji.co.jp"]["OwnerId"] == SUZUKI


def test_a_lead_created_in_the_routing_batch_gets_its_task_too(local_org: LocalOrg, tmp_path: Path) -> None:
    rules = Path(shutil.copytree(RULES, tmp_path / "rules"))
    ownership = json.loads((rules / "ownership.json").read_text(encoding="utf-8"))
    ownership["objects"]["Lead"]["ma"] += ["Title", "NumberOfEmployees", "State"]  # the MA's form fields
    (rules / "ownership.json").write_text(json.dumps(ownership, ensure_ascii=False), encoding="utf-8")
    form = {
        "LastName": "高橋",
        "FirstName": "健一",
        "Company": "株式会社みらい製作所",
        "Title": "営業本部長",
        "NumberOfEmployees": 350,
        "State": "東京都",
    }
    events = becomes_mql("kenichi.takahashi@mirai-seisakusho.co.jp")
    events[0] = events[0].model_copy(update={"fields": form})  # the MA form that brings the person in
    pipeline, _, _ = make_pipeline(local_org, rules=rules)

    pipeline.run([message(event) for event in events], remaining=lambda: 60.0)

    lead = leads_by_email(local_org)["kenichi.takahashi@mirai-seisakusho.co.jp"]
    (task,) = local_org.records("Task")
    assert lead["LR_Lifecycle_Stage__c"] == "MQL"
    assert (task["OwnerId"], task["WhoId"][:15]) == (lead["OwnerId"], lead["Id"][:15])
    assert task["Subject"] == "MQL 初回コンタクト (期限 2026-11-22 18:00)"
    assert lead["LR_SLA_Due_At__c"].startswith("2026-11-22T09:00:00")
