"""CDC gap events are healed: the events function queues a re-read, the processor reads and re-scores."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from leadrelay.domain.events import CanonicalEvent, parse_canonical_event
from leadrelay.ingress.salesforce import parse_salesforce_event
from leadrelay.pipeline import Outcome
from leadrelay_tools.localorg import LocalOrg
from pydantic import ValidationError

from tests.ingress.builders import NOW, change_event
from tests.pipeline.support import make_pipeline, message


@pytest.mark.parametrize("change_type", ["GAP_CREATE", "GAP_UPDATE", "GAP_UNDELETE"])
def test_a_gap_on_a_lead_re_reads_it_from_the_org_and_re_scores_it(
    local_org: LocalOrg, change_type: str
) -> None:
    lead_id = local_org.insert(
        "Lead",
        {
            "LastName": "佐藤",
            "Company": "東都精機株式会社",
            "Email": "sato@toto-seiki.co.jp",
            "NumberOfEmployees": 1200,
        },
    )
    raw = change_event(change_type=change_type, record_ids=(lead_id,), changed=(), fields={})
    (event,) = parse_salesforce_event(raw, received_at=NOW).events
    pipeline, clock, _ = make_pipeline(local_org)

    report = pipeline.run([message(event)], remaining=clock.remaining)

    assert [r.outcome for r in report.results.values()] == [Outcome.APPLIED]
    lead = local_org.record("Lead", lead_id)
    assert lead is not None
    assert lead["LR_Fit_Score__c"] >= 20


def test_a_gap_on_a_lead_that_no_longer_exists_is_dead_lettered_with_its_reason(local_org: LocalOrg) -> None:
    raw = change_event(change_type="GAP_UPDATE", record_ids=("00Q000000000001AAA",), changed=(), fields={})
    (event,) = parse_salesforce_event(raw, received_at=NOW).events
    pipeline, clock, sink = make_pipeline(local_org)

    report = pipeline.run([message(event)], remaining=clock.remaining)

    assert [r.outcome for r in report.results.values()] == [Outcome.DEAD_LETTERED]
    assert sink.letters[0].category.value == "missing_record"


def _overflow(entity: str = "Lead") -> CanonicalEvent:
    raw = change_event(entity, "GAP_OVERFLOW", record_ids=(), changed=(), fields={})
    (event,) = parse_salesforce_event(raw, received_at=NOW).events
    return event


def test_a_window_with_no_record_modified_in_it_is_applied_with_nothing_to_do(local_org: LocalOrg) -> None:
    local_org.state.clock = lambda: datetime(2026, 11, 21, 9, 0, tzinfo=UTC)  # hours after the window
    local_org.insert("Lead", {"LastName": "佐藤", "Company": "東都精機株式会社"})
    pipeline, clock, _ = make_pipeline(local_org)

    report = pipeline.run([message(_overflow())], remaining=clock.remaining)

    assert [r.outcome for r in report.results.values()] == [Outcome.APPLIED]
    assert local_org.api_calls["collections_update"] == 0


def test_a_window_the_org_cannot_answer_now_comes_back(local_org: LocalOrg) -> None:
    local_org.faults.fail_next_requests("SERVER_UNAVAILABLE", count=20)
    pipeline, clock, _ = make_pipeline(local_org)

    report = pipeline.run([message(_overflow("Contact"))], remaining=clock.remaining)

    (result,) = report.results.values()
    assert (result.outcome, result.error_code) == (Outcome.RETRY, "SERVER_UNAVAILABLE")


def test_a_gap_on_a_task_that_no_longer_exists_is_applied_with_nothing_to_do(local_org: LocalOrg) -> None:
    raw = change_event("Task", "GAP_UPDATE", record_ids=("00T5f00000Qw3rTEAR",), changed=(), fields={})
    (event,) = parse_salesforce_event(raw, received_at=NOW).events
    pipeline, clock, sink = make_pipeline(local_org)

    report = pipeline.run([message(event)], remaining=clock.remaining)

    assert [r.outcome for r in report.results.values()] == [Outcome.APPLIED]
    assert sink.letters == []


def test_a_re_sync_event_without_its_window_is_not_a_canonical_event() -> None:
    body = _overflow().model_dump(mode="json")
    body["window"] = None

    with pytest.raises(ValidationError, match="a records_changed event needs a window"):
        parse_canonical_event(json.dumps(body))
