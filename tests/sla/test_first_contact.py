"""First contact: a Task completed or an Event logged about a routed lead stops its first-contact clock.

End to end: the lead becomes an MQL and is routed by the processor (shipped rules, the local org through
the real gateway); the rep writes a Task or an Event in the local org, the org emits its change event,
Event Relay's envelope carries it to ingress (``parse_salesforce_event``) and the processor (same
activity store) writes the lead back. An org whose reps already record the first call in a Lead field of
their own names it in ``sla.json`` (``first_contact_fields``): the Lead's change event setting it is the
first contact too.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from leadrelay.adapters.activity_store import InMemoryActivityStore
from leadrelay.ingress.salesforce import parse_salesforce_event
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.localorg.samples import seed_fit_40_lead

from tests.ingress.builders import eventbridge
from tests.pipeline.support import NOW, RULES, make_pipeline, message
from tests.routing.test_routing_step import becomes_mql
from tests.sla.conftest import SATO

TOKYO = ZoneInfo("Asia/Tokyo")
TARO = "taro.yamada@sample-shoji.co.jp"


@pytest.fixture
def store() -> InMemoryActivityStore:
    """The processor's activity history, kept across the batches of a test."""
    return InMemoryActivityStore()


@pytest.fixture
def routed(local_org: LocalOrg, store: InMemoryActivityStore) -> str:
    """山田 太郎's Lead, an MQL routed to 佐藤 (the east pool's first rep): its SLA clock running."""
    lead_id = seed_fit_40_lead(local_org, TARO)
    pipeline, _, _ = make_pipeline(local_org, store=store)
    pipeline.run([message(event) for event in becomes_mql(TARO)], remaining=lambda: 60.0)
    record = lead(local_org, lead_id)
    assert (record["OwnerId"], record["LR_SLA_Status__c"]) == (SATO, "On Track")
    return lead_id


def relay(org: LocalOrg, entity: str, store: InMemoryActivityStore) -> None:
    """The org's last change event of ``entity`` through Event Relay, ingress and the processor."""
    change = org.change_events(entity)[-1]
    events = parse_salesforce_event(eventbridge(f"{entity}ChangeEvent", change), received_at=NOW).events
    assert events, "the change event yielded no canonical event"
    pipeline, _, _ = make_pipeline(org, store=store)
    pipeline.run([message(event) for event in events], remaining=lambda: 60.0)


def lead(org: LocalOrg, lead_id: str) -> dict[str, Any]:
    record = org.record("Lead", lead_id)
    assert record is not None
    return record


def test_a_meeting_logged_with_the_lead_meets_the_first_contact_sla(
    local_org: LocalOrg, routed: str, store: InMemoryActivityStore
) -> None:
    lead_id = routed
    meeting = datetime(2026, 11, 20, 17, 30, tzinfo=TOKYO)
    local_org.insert(
        "Event",
        {
            "Subject": "初回打ち合わせ (オンライン)",
            "WhoId": lead_id,
            "OwnerId": SATO,
            "StartDateTime": meeting.isoformat(),
            "EndDateTime": (meeting + timedelta(minutes=30)).isoformat(),
            "DurationInMinutes": 30,
        },
        user_id=SATO,
    )

    relay(local_org, "Event", store)

    record = lead(local_org, lead_id)
    assert record["LR_SLA_Status__c"] == "Met"
    assert record["LR_First_Contact_At__c"] is not None


def test_a_completed_call_task_meets_the_first_contact_sla(
    local_org: LocalOrg, routed: str, store: InMemoryActivityStore
) -> None:
    lead_id = routed
    task = {"Subject": "初回架電", "WhoId": lead_id, "OwnerId": SATO, "Status": "Completed"}
    local_org.insert("Task", task, user_id=SATO)

    relay(local_org, "Task", store)

    assert lead(local_org, lead_id)["LR_SLA_Status__c"] == "Met"


def test_a_late_contact_stops_the_clock_and_keeps_the_breach_on_record(
    local_org: LocalOrg, routed: str, store: InMemoryActivityStore
) -> None:
    lead_id = routed
    local_org.update("Lead", lead_id, {"LR_SLA_Status__c": "Breached"})  # as the SLA monitor writes it
    task = {"Subject": "初回架電 (遅延)", "WhoId": lead_id, "OwnerId": SATO, "Status": "Completed"}
    local_org.insert("Task", task, user_id=SATO)

    relay(local_org, "Task", store)

    record = lead(local_org, lead_id)
    assert record["LR_SLA_Status__c"] == "Breached"
    assert record["LR_First_Contact_At__c"] is not None


def test_an_open_task_is_no_contact(local_org: LocalOrg, routed: str) -> None:
    lead_id = routed
    task = {"Subject": "初回架電の予定", "WhoId": lead_id, "OwnerId": SATO, "Status": "Not Started"}
    local_org.insert("Task", task, user_id=SATO)
    change = local_org.change_events("Task")[-1]

    result = parse_salesforce_event(eventbridge("TaskChangeEvent", change), received_at=NOW)

    assert result.events == ()
    assert lead(local_org, lead_id)["LR_SLA_Status__c"] == "On Track"


# --- first contact from a field the org already fills (sla.json first_contact_fields) ---------------

CALL_DATE = """<?xml version="1.0" encoding="UTF-8"?>
<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">
    <fullName>Initial_Call_At__c</fullName>
    <label>初回架電日時</label>
    <required>false</required>
    <type>DateTime</type>
</CustomField>
"""


@pytest.fixture
def calling_org(tmp_path: Path) -> Iterator[LocalOrg]:
    """An org whose inside sales already record 初回架電日時 (``Initial_Call_At__c``) on the Lead."""
    project = Path(__file__).resolve().parents[2] / "infra" / "salesforce"
    ignore = shutil.ignore_patterns("node_*")
    metadata = Path(shutil.copytree(project, tmp_path / "salesforce", ignore=ignore))
    fields = metadata / "force-app" / "main" / "default" / "objects" / "Lead" / "fields"
    (fields / "Initial_Call_At__c.field-meta.xml").write_text(CALL_DATE, encoding="utf-8")
    with LocalOrg(metadata_dir=metadata) as org:
        yield org


@pytest.fixture
def calling_rules(tmp_path: Path) -> Path:
    """The shipped rules, with sla.json naming the org's own first-contact field."""
    rules = Path(shutil.copytree(RULES, tmp_path / "rules"))
    sla = json.loads((rules / "sla.json").read_text(encoding="utf-8"))
    sla["first_contact_fields"] = ["Initial_Call_At__c"]
    (rules / "sla.json").write_text(json.dumps(sla, ensure_ascii=False), encoding="utf-8")
    return rules


def routed_mql(org: LocalOrg, rules: Path, store: InMemoryActivityStore) -> str:
    """太郎's Lead, made an MQL and routed by the pipeline: its first-contact clock running."""
    lead_id = seed_fit_40_lead(org, TARO)
    pipeline, _, _ = make_pipeline(org, store=store, rules=rules)
    pipeline.run([message(event) for event in becomes_mql(TARO)], remaining=lambda: 60.0)
    return lead_id


def rep_changes(
    org: LocalOrg, rules: Path, store: InMemoryActivityStore, lead_id: str, **fields: str
) -> None:
    """佐藤 edits the Lead; its change event goes through a fresh pipeline."""
    org.update("Lead", lead_id, fields, user_id=SATO)
    change = org.change_events("Lead")[-1]
    events = parse_salesforce_event(eventbridge("LeadChangeEvent", change), received_at=NOW).events
    make_pipeline(org, store=store, rules=rules)[0].run(
        [message(event) for event in events], remaining=lambda: 60.0
    )


def test_the_orgs_own_first_call_field_meets_the_first_contact_sla(
    calling_org: LocalOrg, calling_rules: Path, store: InMemoryActivityStore
) -> None:
    lead_id = routed_mql(calling_org, calling_rules, store)
    assert lead(calling_org, lead_id)["LR_SLA_Status__c"] == "On Track"
    called = datetime(2026, 11, 20, 17, 45, tzinfo=TOKYO)

    rep_changes(calling_org, calling_rules, store, lead_id, Initial_Call_At__c=called.isoformat())

    record = lead(calling_org, lead_id)
    assert record["LR_SLA_Status__c"] == "Met"
    assert datetime.fromisoformat(record["LR_First_Contact_At__c"].replace("+0000", "+00:00")) == called


def test_a_lead_change_that_leaves_the_field_empty_is_no_contact(
    calling_org: LocalOrg, calling_rules: Path, store: InMemoryActivityStore
) -> None:
    lead_id = routed_mql(calling_org, calling_rules, store)

    rep_changes(calling_org, calling_rules, store, lead_id, Phone="03-1234-5678")

    assert lead(calling_org, lead_id)["LR_SLA_Status__c"] == "On Track"
