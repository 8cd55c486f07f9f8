"""The admin guide's walkthrough, end to end: a new kind of activity (HubSpot's booked meetings) is a
mapping line, a rule and a test case; it validates strictly, its tests pass, and a replayed HubSpot
delivery of it scores the lead in the local org."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from leadrelay_tools.cli.main import main
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.replay.local import local_environment

from tests.replay.conftest import RULES, ReplayRun
from tests.replay.support import HUBSPOT_CONTACT, RECEIVED, SEED, hubspot_request, known_hubspot_contact

MEETING_PROPERTY = "engagements_last_meeting_booked"
MEETING_RULE = {
    "id": "engagement.meeting_booked",
    "score": "engagement",
    "description": "商談予約 30点",
    "activities": {"types": ["meeting_booked"], "within": {"days": 60}},
    "points_per": 30,
    "cap": 30,
    "half_life": {"days": 30},
}
MEETING_CASE = {
    "name": "a booked meeting scores 30",
    "now": "2026-11-20T18:00:00+09:00",
    "lead": {"Title": "営業部長", "LR_Lifecycle_Stage__c": "Lead"},
    "activities": [{"type": "meeting_booked", "occurred_at": "2026-11-20T18:00:00+09:00"}],
    "expect": {"points": {"engagement.meeting_booked": 30}, "scores": {"engagement": 30}},
}


def _edit(path: Path, change: Any) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")


def _add_meeting_booked(rules: Path) -> None:
    """The three edits of docs/rules-admin.md: mapping, rule, test."""
    key = f"contact.propertyChange:{MEETING_PROPERTY}"
    _edit(rules / "mappings" / "hubspot.json", lambda d: d["type"]["values"].update({key: "meeting_booked"}))
    _edit(rules / "scoring.json", lambda d: d["rules"].append(MEETING_RULE))
    _edit(rules / "tests" / "engagement.json", lambda d: d["cases"].append(MEETING_CASE))


def _meeting_booked(event_id: int) -> dict[str, Any]:
    occurred = int(RECEIVED.timestamp() * 1000) - 5000
    return {
        "objectId": HUBSPOT_CONTACT,
        "propertyName": MEETING_PROPERTY,
        "propertyValue": str(occurred),
        "changeSource": "MEETINGS",
        "eventId": event_id,
        "subscriptionId": 2210,
        "portalId": 7412093,
        "appId": 1160452,
        "occurredAt": occurred,
        "subscriptionType": "contact.propertyChange",
        "attemptNumber": 0,
    }


def test_a_new_activity_type_is_mapped_scored_tested_validated_and_replayed(
    local_org: LocalOrg, tmp_path: Path, secrets_file: Path
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    _add_meeting_booked(rules)

    assert main(["rules", "validate", "--strict", str(rules)]) == 0
    assert main(["rules", "test", str(rules)]) == 0
    with local_environment(rules_path=rules, secrets_file=secrets_file, seed=SEED, org=local_org) as env:
        lead_id = known_hubspot_contact(env.org)
        (row,) = ReplayRun(env, tmp_path).replay(hubspot_request([_meeting_booked(1)]))

    assert (row.event, row.outcome.value) == ("meeting_booked", "applied")
    lead = local_org.record("Lead", lead_id)
    assert lead is not None
    assert lead["LR_Engagement_Score__c"] > 0  # 30, faded by the days since the delivery
    assert "engagement.meeting_booked" in lead["LR_Score_Reasons__c"]
