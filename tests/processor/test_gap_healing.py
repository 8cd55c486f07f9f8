"""CDC gaps are healed end to end: Salesforce events handler → ingest queue (moto) → processor → local org.

Each gap kind Salesforce sends arrives at the events function as Event Relay would deliver it; the
processor Lambda then drains the queue against the local org. A record Salesforce could not describe
is read again and re-evaluated: its scores are written back, as for any change.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import pytest
from leadrelay.handlers.salesforce_events import handle
from leadrelay_tools.localorg import LocalOrg

from tests.ingress.builders import FakeLambdaContext, change_event, emitted_metrics, with_changes
from tests.plugins.dead_letters import Queues
from tests.plugins.ingress import IngressAws
from tests.processor.harness import EventSourceMapping, LambdaClock, dead_letters, handler_with

CONTEXT: Any = FakeLambdaContext(function_name="leadrelay-salesforce-events")
COMMIT = datetime(2026, 11, 21, 5, 16, 58, tzinfo=UTC)
"""When the transaction Salesforce could not describe committed (the events' ``commitTimestamp``)."""


def _at(org: LocalOrg, moment: datetime) -> None:
    """Set the org's clock: the writes that follow are stamped ``moment`` (``LastModifiedDate``)."""
    org.state.clock = lambda: moment


def _lead(org: LocalOrg, family_name: str, company: str, employees: int = 1200) -> str:
    return org.insert("Lead", {"LastName": family_name, "Company": company, "NumberOfEmployees": employees})


def _gap(entity: str, change_type: str, record_ids: tuple[str, ...], transaction: str) -> dict[str, Any]:
    """A gap, overflow or wildcard change event as Event Relay delivers it: a header and no fields."""
    raw = change_event(entity, change_type, record_ids=record_ids, changed=(), transaction_key=transaction)
    raw["detail"]["payload"] = {"ChangeEventHeader": raw["detail"]["payload"]["ChangeEventHeader"]}
    return with_changes(raw, commitTimestamp=int(COMMIT.timestamp() * 1000))


def _deliver(aws: IngressAws, queues: Queues, *events: dict[str, Any]) -> EventSourceMapping:
    """Each event through the Salesforce events function, then the processor (built from the environment
    the test set, its backoff advancing the Lambda clock) until the queue drains."""
    runtime = aws.salesforce_runtime()
    for raw in events:
        handle(raw, CONTEXT, runtime)
    clock = LambdaClock()
    mapping = EventSourceMapping(queues, handler_with(sleep=clock.sleep), clock)
    mapping.drain()
    return mapping


def _scored(org: LocalOrg, record_id: str, sobject: str = "Lead") -> bool:
    record = org.record(sobject, record_id)
    assert record is not None
    return record["LR_Fit_Score__c"] is not None


@pytest.mark.parametrize("change_type", ["GAP_CREATE", "GAP_UPDATE", "GAP_UNDELETE"])
def test_a_lead_gap_re_reads_the_lead_and_writes_its_scores(
    ingress_aws: IngressAws, processor: ModuleType, queues: Queues, local_org: LocalOrg, change_type: str
) -> None:
    lead_id = _lead(local_org, "佐藤", "東都精機株式会社")

    _deliver(ingress_aws, queues, _gap("Lead", change_type, (lead_id,), "tx-gap-lead"))

    assert _scored(local_org, lead_id)
    assert queues.counts() == (0, 0)


def test_a_contact_gap_re_reads_the_contact_and_writes_its_scores(
    ingress_aws: IngressAws, processor: ModuleType, queues: Queues, local_org: LocalOrg
) -> None:
    contact_id = local_org.insert("Contact", {"LastName": "鈴木", "Email": "ichiro.suzuki@toto-seiki.co.jp"})

    _deliver(ingress_aws, queues, _gap("Contact", "GAP_UPDATE", (contact_id,), "tx-gap-contact"))

    assert _scored(local_org, contact_id, "Contact")


def test_a_gap_delete_has_nothing_to_re_read_and_changes_nothing(
    ingress_aws: IngressAws, processor: ModuleType, queues: Queues, local_org: LocalOrg
) -> None:
    lead_id = _lead(local_org, "佐藤", "東都精機株式会社")

    _deliver(ingress_aws, queues, _gap("Lead", "GAP_DELETE", (lead_id,), "tx-gap-delete"))

    assert not _scored(local_org, lead_id)
    assert queues.counts() == (0, 0)


@pytest.mark.parametrize(
    ("change_type", "record_ids"),
    [("GAP_OVERFLOW", ()), ("UPDATE", ("00Q*",))],
    ids=["overflow", "wildcard-record-ids"],
)
def test_an_overflow_or_wildcard_re_evaluates_every_lead_modified_around_its_commit(
    ingress_aws: IngressAws,
    processor: ModuleType,
    queues: Queues,
    local_org: LocalOrg,
    change_type: str,
    record_ids: tuple[str, ...],
) -> None:
    _at(local_org, COMMIT - timedelta(hours=2))
    earlier = _lead(local_org, "古川", "北海物産株式会社")
    _at(local_org, COMMIT - timedelta(minutes=3))
    changed = [_lead(local_org, "山田", "株式会社サンプル商事"), _lead(local_org, "高橋", "浪速電機株式会社")]

    _deliver(ingress_aws, queues, _gap("Lead", change_type, record_ids, "tx-overflow"))

    assert [_scored(local_org, lead_id) for lead_id in changed] == [True, True]
    assert not _scored(local_org, earlier)
    assert queues.counts() == (0, 0)


def test_a_window_whose_re_read_fails_once_comes_back_and_every_lead_is_re_evaluated(
    ingress_aws: IngressAws, processor: ModuleType, queues: Queues, local_org: LocalOrg
) -> None:
    _at(local_org, COMMIT)
    leads = [_lead(local_org, "山田", "株式会社サンプル商事"), _lead(local_org, "中村", "浪速電機株式会社")]
    local_org.faults.target("Company", "浪速電機株式会社", "UNABLE_TO_LOCK_ROW", times=5)

    mapping = _deliver(ingress_aws, queues, _gap("Lead", "GAP_OVERFLOW", (), "tx-overflow-locked"))

    assert local_org.faults.injected["UNABLE_TO_LOCK_ROW"] == 5  # every attempt of the first delivery
    assert mapping.invocations == 2
    assert [_scored(local_org, lead_id) for lead_id in leads] == [True, True]
    assert queues.count(queues.dlq_url) == 0


def test_a_window_larger_than_allowed_is_dead_lettered_with_its_reason(
    ingress_aws: IngressAws,
    environment: dict[str, str],
    queues: Queues,
    local_org: LocalOrg,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LEADRELAY_RESYNC_MAX_RECORDS", "2")
    _at(local_org, COMMIT)
    for family_name in ("山田", "佐藤", "鈴木"):
        _lead(local_org, family_name, "株式会社サンプル商事")

    _deliver(ingress_aws, queues, _gap("Lead", "GAP_OVERFLOW", (), "tx-overflow-large"))

    (letter,) = dead_letters(queues)
    assert letter.error.status_code == "RESYNC_WINDOW_TOO_LARGE"
    assert "more than 2 Lead records were modified" in letter.error.message


def _task(org: LocalOrg, who_id: str, status: str) -> str:
    return org.insert("Task", {"Subject": "初回架電", "Status": status, "WhoId": who_id})


@pytest.mark.parametrize("change_type", ["GAP_CREATE", "GAP_UPDATE", "GAP_UNDELETE"])
def test_a_task_gap_on_a_completed_task_re_evaluates_the_person_it_is_about(
    ingress_aws: IngressAws, processor: ModuleType, queues: Queues, local_org: LocalOrg, change_type: str
) -> None:
    lead_id = _lead(local_org, "佐藤", "東都精機株式会社")
    task_id = _task(local_org, lead_id, "Completed")

    _deliver(ingress_aws, queues, _gap("Task", change_type, (task_id,), "tx-gap-task"))

    assert _scored(local_org, lead_id)
    assert queues.counts() == (0, 0)


def test_a_task_gap_on_an_open_task_is_applied_with_nothing_to_do(
    ingress_aws: IngressAws, processor: ModuleType, queues: Queues, local_org: LocalOrg
) -> None:
    lead_id = _lead(local_org, "佐藤", "東都精機株式会社")
    task_id = _task(local_org, lead_id, "In Progress")

    _deliver(ingress_aws, queues, _gap("Task", "GAP_UPDATE", (task_id,), "tx-gap-open-task"))

    assert not _scored(local_org, lead_id)
    assert queues.counts() == (0, 0)


@pytest.mark.parametrize(
    ("change_type", "record_ids"),
    [("GAP_DELETE", ("00T5f00000Qw3rTEAR",)), ("GAP_OVERFLOW", ()), ("UPDATE", ("00T*",))],
    ids=["gap-delete", "overflow", "wildcard-record-ids"],
)
def test_task_gaps_with_nothing_to_re_read_are_counted_and_queue_nothing(
    ingress_aws: IngressAws,
    processor: ModuleType,
    queues: Queues,
    local_org: LocalOrg,
    capsys: pytest.CaptureFixture[str],
    change_type: str,
    record_ids: tuple[str, ...],
) -> None:
    lead_id = _lead(local_org, "佐藤", "東都精機株式会社")
    _task(local_org, lead_id, "Completed")

    mapping = _deliver(ingress_aws, queues, _gap("Task", change_type, record_ids, "tx-task-notice"))

    metrics = emitted_metrics(capsys.readouterr().out)
    assert metrics.get("GapEventsReceived", 0) + metrics.get("OverflowEventsReceived", 0) == 1
    assert mapping.invocations == 0
    assert not _scored(local_org, lead_id)
