"""SLA policies: chained timers per stage, each action taken once, none after the clock stops."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from leadrelay.domain.calendar import BusinessCalendar
from leadrelay.domain.sla import Action, Clock, SlaFile, due_actions
from leadrelay.rulefiles.validate import validate_path

TOKYO = ZoneInfo("Asia/Tokyo")
RULES = Path(__file__).resolve().parents[2] / "rules"
POLICIES = {
    policy.id: policy for policy in SlaFile.model_validate_json((RULES / "sla.json").read_bytes()).policies
}
FIRST_CONTACT, SQL_DECISION = POLICIES["sla.first_contact"], POLICIES["sla.sql_decision"]
CALENDAR = BusinessCalendar()
FRIDAY_EVENING = datetime(2026, 11, 20, 19, tzinfo=TOKYO)  # an MQL on Friday evening


def due(
    policy: Any, now: datetime, *, taken: tuple[str, ...] = (), stopped: bool = False
) -> list[tuple[str, Action]]:
    clock = Clock(FRIDAY_EVENING, stopped=stopped, taken=taken)
    return [(action.timer_id, action.action) for action in due_actions(policy, clock, now, CALENDAR, TOKYO)]


def test_nothing_is_due_before_the_reminder() -> None:
    assert due(FIRST_CONTACT, FRIDAY_EVENING + timedelta(hours=39)) == []


def test_the_owner_is_reminded_eight_hours_before_the_48_hour_deadline() -> None:
    assert due(FIRST_CONTACT, FRIDAY_EVENING + timedelta(hours=40)) == [("remind", Action.REMIND)]


def test_at_72_hours_without_contact_the_breach_and_the_escalation_are_due_once() -> None:
    at_72 = FRIDAY_EVENING + timedelta(hours=72)
    assert due(FIRST_CONTACT, at_72, taken=("remind",)) == [
        ("breach", Action.BREACH),
        ("escalate", Action.ESCALATE),
    ]
    assert due(FIRST_CONTACT, at_72, taken=("remind", "breach", "escalate")) == []


def test_a_first_contact_stops_the_clock() -> None:
    assert due(FIRST_CONTACT, FRIDAY_EVENING + timedelta(hours=100), stopped=True) == []


def test_the_sql_decision_counts_business_days_past_the_weekend_and_a_holiday() -> None:
    # Friday 11-20 evening: 11-23 (勤労感謝の日) is skipped; the 5th business day is Monday 11-30.
    assert due(SQL_DECISION, datetime(2026, 11, 30, 17, 59, tzinfo=TOKYO), taken=("remind",)) == []
    assert due(SQL_DECISION, datetime(2026, 11, 30, 18, tzinfo=TOKYO), taken=("remind",)) == [
        ("breach", Action.BREACH)
    ]


def test_a_policy_on_a_stage_the_lifecycle_lacks_is_an_error(tmp_path: Path) -> None:
    for name in ("scoring.json", "lifecycle.json"):
        (tmp_path / name).write_text((RULES / name).read_text(encoding="utf-8"), encoding="utf-8")
    document = json.loads((RULES / "sla.json").read_text(encoding="utf-8"))
    document["policies"][0]["stage"] = "MQLL"
    document["policies"][1]["timers"][1]["id"] = "remind"
    (tmp_path / "sla.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    problems = [f"{d.pointer}: {d.message}" for d in validate_path(tmp_path) if d.file.endswith("sla.json")]
    assert problems == [
        "/policies/0/stage: undefined stage 'MQLL' (stages: Customer, Lead, MQL, Nurture, Opportunity, "
        "Recycled, SQL)",
        "/policies/1/timers/1/id: duplicate id 'remind' (also /policies/1/timers/0/id)",
    ]
