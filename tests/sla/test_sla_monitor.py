"""The SLA monitor: reminds, records a breach, escalates to the manager — once, however often it runs.

End to end: the scheduled function's handler on its own graph (tests/sla/conftest.py), the local org
over HTTPS (its custom-notification action records what reps were told), the alert ledger in moto.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tests.sla.conftest import SATO, SUZUKI, Monitor, open_mql

TOKYO = ZoneInfo("Asia/Tokyo")
FRIDAY_EVENING = datetime(2026, 11, 20, 19, 0, tzinfo=TOKYO)
BREACH_TITLE = "SLA 違反: 対応期限を過ぎました"


def lead(monitor: Monitor, lead_id: str) -> dict[str, Any]:
    record = monitor.org.record("Lead", lead_id)
    assert record is not None
    return record


def told(monitor: Monitor) -> list[tuple[str, str, str | None]]:
    """(recipient, title, target) of every custom notification the org delivered."""
    return [(n.recipient_id, n.title, n.target_id) for n in monitor.org.notifications]


def test_a_lead_untouched_for_40_hours_gets_its_owner_a_reminder_and_stays_on_track(monitor: Monitor) -> None:
    lead_id = open_mql(monitor.org, FRIDAY_EVENING)

    counts = monitor.run(FRIDAY_EVENING + timedelta(hours=41))

    assert told(monitor) == [(SATO, "SLA リマインド: 初回対応の期限が近づいています", lead_id)]
    assert lead(monitor, lead_id)["LR_SLA_Status__c"] == "On Track"
    assert lead(monitor, lead_id)["LR_SLA_Actions__c"] == "sla.first_contact/remind"
    assert counts["actions_remind"] == 1


def test_a_lead_past_48_hours_is_breached_at_its_deadline_and_its_owner_told_once(monitor: Monitor) -> None:
    lead_id = open_mql(monitor.org, FRIDAY_EVENING)

    monitor.run(FRIDAY_EVENING + timedelta(hours=49))

    record = lead(monitor, lead_id)
    assert record["LR_SLA_Status__c"] == "Breached"
    assert record["LR_SLA_Breached_At__c"].startswith("2026-11-22T10:00:00")  # Sunday 19:00 JST
    assert record["LR_SLA_Actions__c"] == "sla.first_contact/breach sla.first_contact/remind"
    assert told(monitor) == [(SATO, BREACH_TITLE, lead_id)]  # the late reminder is folded into the breach


def test_at_72_hours_the_lead_is_escalated_and_the_owners_manager_alerted(monitor: Monitor) -> None:
    lead_id = open_mql(monitor.org, FRIDAY_EVENING)
    monitor.run(FRIDAY_EVENING + timedelta(hours=49))

    monitor.run(FRIDAY_EVENING + timedelta(hours=73))

    record = lead(monitor, lead_id)
    assert record["LR_SLA_Status__c"] == "Escalated"
    assert record["OwnerId"] == SATO  # the shipped rules alert the manager and leave the owner
    assert told(monitor)[-1] == (SUZUKI, "SLA エスカレーション: 部下の MQL が未対応です", lead_id)


def test_an_escalation_that_reassigns_gives_the_lead_to_the_manager(monitor: Monitor, tmp_path: Path) -> None:
    def reassign(sla: dict[str, Any]) -> None:
        sla["policies"][0]["timers"][2]["reassign"] = True

    reassigning = monitor.with_rules(tmp_path, reassign)
    lead_id = open_mql(monitor.org, FRIDAY_EVENING)

    reassigning.run(FRIDAY_EVENING + timedelta(hours=73))

    assert lead(monitor, lead_id)["OwnerId"] == SUZUKI
    assert lead(monitor, lead_id)["LR_SLA_Status__c"] == "Escalated"


def test_a_second_run_changes_nothing_and_tells_nobody_again(monitor: Monitor) -> None:
    lead_id = open_mql(monitor.org, FRIDAY_EVENING)
    later = FRIDAY_EVENING + timedelta(hours=73)
    monitor.run(later)
    before, calls = lead(monitor, lead_id), monitor.org.api_calls

    counts = monitor.run(later + timedelta(minutes=15))

    assert lead(monitor, lead_id)["LastModifiedDate"] == before["LastModifiedDate"]
    assert len(monitor.org.notifications) == 2  # the breach to 佐藤, the escalation to 鈴木
    assert counts["leads_written"] == 0
    assert monitor.org.api_calls["collections_update"] == calls["collections_update"]


def test_two_runs_at_once_send_each_alert_once(monitor: Monitor) -> None:
    for hours in (0, 1, 2):
        open_mql(
            monitor.org, FRIDAY_EVENING + timedelta(hours=hours), Email=f"lead{hours}@sample-shoji.co.jp"
        )
    now = FRIDAY_EVENING + timedelta(hours=50)
    runtimes = [monitor.runtime(now) for _ in range(2)]

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda runtime: runtime.monitor.run(now), runtimes))

    assert len(told(monitor)) == 3
    assert {title for _, title, _ in told(monitor)} == {BREACH_TITLE}


def test_a_lead_contacted_in_time_is_left_alone_by_the_first_contact_policy(monitor: Monitor) -> None:
    lead_id = open_mql(
        monitor.org,
        FRIDAY_EVENING,
        LR_SLA_Status__c="Met",
        LR_First_Contact_At__c=(FRIDAY_EVENING + timedelta(hours=3)).isoformat(),
    )

    monitor.run(FRIDAY_EVENING + timedelta(hours=73))

    assert lead(monitor, lead_id)["LR_SLA_Status__c"] == "Met"
    assert told(monitor) == []


def test_golden_week_moves_the_sql_decision_reminder_past_the_holidays(monitor: Monitor) -> None:
    # Tuesday 4/28; 4/29 昭和の日, 5/3-5/6 (5/6 振替休日): business days 4/30, 5/1, 5/7, 5/8 → 5/8 18:00.
    started = datetime(2026, 4, 28, 10, 0, tzinfo=TOKYO)
    contacted = {"LR_SLA_Status__c": "Met", "LR_First_Contact_At__c": started.isoformat()}
    lead_id = open_mql(monitor.org, started, **contacted)

    monitor.run(datetime(2026, 5, 8, 17, 0, tzinfo=TOKYO))
    assert told(monitor) == []

    monitor.run(datetime(2026, 5, 8, 18, 15, tzinfo=TOKYO))
    assert told(monitor) == [(SATO, "SLA リマインド: 初回対応の期限が近づいています", lead_id)]
    assert lead(monitor, lead_id)["LR_SLA_Actions__c"] == "sla.sql_decision/remind"


def test_the_new_year_closure_moves_the_sql_decision_breach_into_january(monitor: Monitor) -> None:
    # Friday 12/25; 12/28 is business day 1, 12/29-1/3 年末年始, then 1/4, 1/5, 1/6, 1/7 → breach 1/7 18:00.
    started = datetime(2026, 12, 25, 10, 0, tzinfo=TOKYO)
    lead_id = open_mql(
        monitor.org, started, LR_SLA_Status__c="Met", LR_First_Contact_At__c=started.isoformat()
    )

    monitor.run(datetime(2027, 1, 7, 17, 0, tzinfo=TOKYO))
    assert lead(monitor, lead_id)["LR_SLA_Status__c"] == "Met"

    monitor.run(datetime(2027, 1, 7, 18, 15, tzinfo=TOKYO))
    assert lead(monitor, lead_id)["LR_SLA_Status__c"] == "Breached"
    assert lead(monitor, lead_id)["LR_SLA_Breached_At__c"].startswith("2027-01-07T09:00:00")


def test_an_alert_salesforce_refuses_leaves_the_lead_for_the_next_run(monitor: Monitor) -> None:
    lead_id = open_mql(monitor.org, FRIDAY_EVENING)
    monitor.org.update("User", SATO, {"IsActive": False})  # an inactive user gets no notification

    counts = monitor.run(FRIDAY_EVENING + timedelta(hours=49))

    assert counts["delivery_failed"] == 1
    assert lead(monitor, lead_id)["LR_SLA_Status__c"] == "On Track"
    monitor.org.update("User", SATO, {"IsActive": True})
    monitor.run(FRIDAY_EVENING + timedelta(hours=49, minutes=15))
    assert told(monitor) == [(SATO, BREACH_TITLE, lead_id)]
    assert lead(monitor, lead_id)["LR_SLA_Status__c"] == "Breached"


def test_a_run_reads_once_per_policy_and_writes_once_per_200_changed_leads(monitor: Monitor) -> None:
    for n in range(201):
        open_mql(monitor.org, FRIDAY_EVENING, Email=f"lead{n}@sample-shoji.co.jp")
    monitor.org.state.calls.clear()

    counts = monitor.run(FRIDAY_EVENING + timedelta(hours=49))

    calls = monitor.org.api_calls
    assert counts["leads_written"] == 201
    assert calls["query"] <= 2 + 1  # the MQL leads and their owners (2 policies), the notification type
    assert calls["collections_update"] == 2


def test_breaches_past_the_reps_hourly_budget_reach_them_as_one_digest_once_the_hour_is_over(
    monitor: Monitor,
) -> None:
    budgeted = monitor.configured(alerts_per_rep_per_hour=1)
    for n in range(3):
        open_mql(monitor.org, FRIDAY_EVENING, Email=f"lead{n}@sample-shoji.co.jp")
    breached = FRIDAY_EVENING + timedelta(hours=50)

    first = budgeted.run(breached)
    same_hour = budgeted.run(breached + timedelta(minutes=15))
    after_the_hour = budgeted.run(breached + timedelta(hours=1, minutes=15))
    later = budgeted.run(breached + timedelta(hours=1, minutes=30))

    bodies = [n.body for n in monitor.org.notifications if n.recipient_id == SATO]
    assert (first["alerts_sent"], first["alerts_digested"]) == (1, 2)
    assert same_hour["digests_sent"] == 0
    assert (after_the_hour["digests_sent"], later["digests_sent"]) == (1, 0)
    assert len(bodies) == 2  # one breach on its own, then the hour's digest of the other two
    assert bodies[1].startswith("2 件の通知をまとめました")
