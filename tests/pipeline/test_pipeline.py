"""The pipeline, batch by batch, against the local org over HTTP with the real simple-salesforce gateway.

The tests of the batch's own bookkeeping (unreadable messages, a failing dead-letter queue or activity
store, one result per message) run on the in-memory gateway fake: Salesforce plays no part in them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pytest
from leadrelay.domain.events import CanonicalEvent
from leadrelay.domain.failures import ErrorCategory, ErrorClass
from leadrelay.domain.identity import PLACEHOLDER
from leadrelay.pipeline import Outcome, Pipeline
from leadrelay_tools.localorg import LocalOrg

from tests.pipeline.support import (
    HANAKO,
    TARO,
    BrokenSink,
    FakeClock,
    leads_by_email,
    make_pipeline,
    message,
    page_view,
)
from tests.plugins.fake_salesforce import InMemorySalesforce

LOCK = "unable to obtain exclusive access to this record"


def run(
    pipeline: Pipeline, clock: FakeClock, *events: CanonicalEvent, receive_count: int = 1
) -> dict[str, Any]:
    report = pipeline.run(
        [message(e, receive_count=receive_count) for e in events], remaining=clock.remaining
    )
    return {r.event_key: r.outcome for r in report.results.values()}


def warm(pipeline: Pipeline, clock: FakeClock, org: LocalOrg) -> int:
    """One batch so that the pipeline has learnt the org's fields; returns the API calls so far."""
    run(pipeline, clock, page_view("warm-up@sample-shoji.co.jp"))
    return org.api_calls.total


def test_an_unknown_email_creates_one_lead_with_the_mapped_fields_and_its_scores(local_org: LocalOrg) -> None:
    pipeline, clock, sink = make_pipeline(local_org)
    fields = {
        "Name": "山田 太郎",
        "Company": "株式会社サンプル商事",
        "Phone": "03-1234-5678",
        "LeadSource": "Web",
    }
    event = page_view(fields=fields)
    assert run(pipeline, clock, event) == {event.idempotency_key: Outcome.APPLIED}
    lead = leads_by_email(local_org)[TARO]
    assert (lead["LastName"], lead["FirstName"], lead["Company"]) == ("山田", "太郎", "株式会社サンプル商事")
    assert (lead["Phone"], lead["LeadSource"]) == ("03-1234-5678", "Web")
    assert lead["LR_External_Key__c"] == f"email#{TARO}"
    assert lead["LR_Engagement_Score__c"] > 0
    assert lead["LR_Lifecycle_Stage__c"] == "Lead"
    assert "engagement.pricing_page" in lead["LR_Score_Reasons__c"]
    assert lead["LR_Rules_Version__c"] == pipeline.rules.version
    assert sink.letters == []


def test_a_new_lead_gets_the_owner_its_event_names(local_org: LocalOrg) -> None:
    pipeline, clock, _ = make_pipeline(local_org)
    owner = local_org.sales_user_ids[0]
    run(pipeline, clock, page_view(fields={"Name": "山田 太郎", "OwnerId": owner}))
    assert leads_by_email(local_org)[TARO]["OwnerId"] == owner


def test_a_new_lead_without_name_or_company_gets_the_placeholders(local_org: LocalOrg) -> None:
    pipeline, clock, _ = make_pipeline(local_org)
    run(pipeline, clock, page_view())
    lead = leads_by_email(local_org)[TARO]
    assert (lead["LastName"], lead["Company"]) == (PLACEHOLDER, PLACEHOLDER)


def test_a_redelivered_event_neither_creates_a_second_lead_nor_counts_twice(local_org: LocalOrg) -> None:
    pipeline, clock, _ = make_pipeline(local_org)
    first, second = page_view(), page_view(minutes_ago=5)
    run(pipeline, clock, first)
    once = leads_by_email(local_org)[TARO]["LR_Engagement_Score__c"]
    assert run(pipeline, clock, first, receive_count=2) == {first.idempotency_key: Outcome.APPLIED}
    assert leads_by_email(local_org)[TARO]["LR_Engagement_Score__c"] == once
    run(pipeline, clock, second)
    assert leads_by_email(local_org)[TARO]["LR_Engagement_Score__c"] > once
    assert len(local_org.records("Lead")) == 1


def test_the_same_event_twice_in_one_batch_is_applied_once_for_both_messages(local_org: LocalOrg) -> None:
    pipeline, clock, _ = make_pipeline(local_org)
    event = page_view()
    report = pipeline.run([message(event), message(event)], remaining=clock.remaining)
    assert report.counts()[Outcome.APPLIED] == 2
    assert len(local_org.records("Lead")) == 1
    assert leads_by_email(local_org)[TARO]["LR_Engagement_Score__c"] == 15  # one pricing view, not two


def test_an_existing_lead_is_updated_by_id_and_its_ma_fields_are_left_alone(local_org: LocalOrg) -> None:
    lead_id = local_org.insert("Lead", {"LastName": "山田", "Company": "サンプル商事", "Email": TARO})
    pipeline, clock, _ = make_pipeline(local_org)
    run(pipeline, clock, page_view(fields={"Company": "株式会社サンプル商事"}))
    lead = local_org.record("Lead", lead_id)
    assert lead is not None
    assert lead["Company"] == "サンプル商事"
    assert lead["LR_Engagement_Score__c"] == 15
    assert lead["LR_External_Key__c"] == f"email#{TARO}"  # first touched: its history key
    assert local_org.api_calls["collections_update"] == 1


def test_a_contact_with_the_email_wins_over_an_unconverted_lead(local_org: LocalOrg) -> None:
    lead_id = local_org.insert("Lead", {"LastName": "山田", "Company": "サンプル商事", "Email": TARO})
    contact_id = local_org.insert("Contact", {"LastName": "山田", "Email": TARO})
    pipeline, clock, _ = make_pipeline(local_org)
    run(pipeline, clock, page_view())
    assert local_org.record("Contact", contact_id)["LR_Engagement_Score__c"] == 15  # type: ignore[index]
    assert local_org.record("Lead", lead_id)["LR_Engagement_Score__c"] is None  # type: ignore[index]


def test_an_explicit_lead_id_wins_over_the_email(local_org: LocalOrg) -> None:
    by_email = local_org.insert("Lead", {"LastName": "山田", "Company": "サンプル商事", "Email": TARO})
    by_id = local_org.insert(
        "Lead", {"LastName": "山田", "Company": "サンプル商事", "Email": "t.yamada@old.jp"}
    )
    pipeline, clock, _ = make_pipeline(local_org)
    run(pipeline, clock, page_view(salesforce_id=by_id))
    assert local_org.record("Lead", by_id)["LR_Engagement_Score__c"] == 15  # type: ignore[index]
    assert local_org.record("Lead", by_email)["LR_Engagement_Score__c"] is None  # type: ignore[index]


def test_a_batch_asks_one_query_per_object_and_key_kind_and_writes_in_one_collection(
    local_org: LocalOrg,
) -> None:
    pipeline, clock, _ = make_pipeline(local_org)
    before = warm(pipeline, clock, local_org)
    people = [f"tanaka{i:03d}@example-kogyo.co.jp" for i in range(150)]
    run(pipeline, clock, *(page_view(p, minutes_ago=m) for p in people for m in (5, 50)))
    calls = local_org.api_calls
    # Lead by Email, Contact by Email; Lead, Contact and Account by match keys; one upsert collection
    assert calls.total - before == 6
    assert len(local_org.records("Lead")) == 151


def test_an_unreadable_message_is_dead_lettered_at_once_with_its_body(
    fake_salesforce: InMemorySalesforce,
) -> None:
    pipeline, clock, sink = make_pipeline(fake_salesforce)
    report = pipeline.run([message('{"kind": "activity", "type": "page_view"}')], remaining=clock.remaining)
    (result,) = report.results.values()
    assert (result.outcome, result.error_code) == (Outcome.DEAD_LETTERED, "INVALID_EVENT")
    (letter,) = sink.letters
    assert letter.unreadable is not None
    assert letter.unreadable.body == '{"kind": "activity", "type": "page_view"}'
    assert "idempotency_key: Field required" in letter.error.message
    assert (letter.category, letter.owner) == (ErrorCategory.INVALID_EVENT, "integration")


def test_a_permanent_record_error_is_dead_lettered_at_once_with_decision_and_write(
    local_org: LocalOrg,
) -> None:
    local_org.faults.target("Email", TARO)  # a validation rule rejects this lead
    pipeline, clock, sink = make_pipeline(local_org)
    ok, blocked = page_view(HANAKO), page_view(TARO)
    outcomes = run(pipeline, clock, ok, blocked)
    assert outcomes == {ok.idempotency_key: Outcome.APPLIED, blocked.idempotency_key: Outcome.DEAD_LETTERED}
    (letter,) = sink.letters
    assert letter.event == blocked
    assert (letter.error.status_code, letter.error_class) == (
        "FIELD_CUSTOM_VALIDATION_EXCEPTION",
        ErrorClass.PERMANENT,
    )
    assert (letter.category, letter.owner) == (ErrorCategory.VALIDATION, "salesforce_admin")
    assert letter.write is not None
    assert letter.write.external_id == f"email#{TARO}"
    assert letter.decision is not None
    assert letter.decision["trace"]
    assert (letter.attempts, letter.function_version) == (1, "7")
    assert clock.slept == []


def test_a_record_lock_is_retried_within_the_invocation_with_backoff(local_org: LocalOrg) -> None:
    local_org.faults.target("Email", TARO, "UNABLE_TO_LOCK_ROW", message=LOCK, times=2)
    pipeline, clock, sink = make_pipeline(local_org)
    event = page_view()
    assert run(pipeline, clock, event) == {event.idempotency_key: Outcome.APPLIED}
    assert len(clock.slept) == 2
    assert leads_by_email(local_org)[TARO]["LR_Engagement_Score__c"] == 15
    assert sink.letters == []


def test_a_lasting_lock_goes_back_to_the_queue_until_the_last_delivery(local_org: LocalOrg) -> None:
    local_org.faults.target("Email", TARO, "UNABLE_TO_LOCK_ROW", message=LOCK)
    pipeline, clock, sink = make_pipeline(local_org, max_receive_count=3)
    event = page_view()
    assert run(pipeline, clock, event, receive_count=2) == {event.idempotency_key: Outcome.RETRY}
    assert sink.letters == []
    assert run(pipeline, clock, event, receive_count=3) == {event.idempotency_key: Outcome.DEAD_LETTERED}
    (letter,) = sink.letters
    assert (letter.error_class, letter.category, letter.owner) == (
        ErrorClass.TRANSIENT,
        ErrorCategory.RECORD_LOCK,
        "integration",
    )
    assert letter.attempts > 3  # two earlier deliveries and this one's in-invocation attempts
    assert letter.first_failed_at < letter.last_failed_at


def test_without_time_left_a_transient_failure_is_handed_back_without_sleeping(local_org: LocalOrg) -> None:
    local_org.faults.target("Email", TARO, "UNABLE_TO_LOCK_ROW", message=LOCK)
    pipeline, clock, _ = make_pipeline(local_org, clock=FakeClock(budget=1.0))
    event = page_view()
    assert run(pipeline, clock, event) == {event.idempotency_key: Outcome.RETRY}
    assert clock.slept == []


def test_an_unavailable_org_during_lookup_is_retried_then_applied(local_org: LocalOrg) -> None:
    pipeline, clock, _ = make_pipeline(local_org)
    warm(pipeline, clock, local_org)
    local_org.faults.fail_next_requests("SERVER_UNAVAILABLE", 2)
    event = page_view()
    assert run(pipeline, clock, event) == {event.idempotency_key: Outcome.APPLIED}
    assert len(clock.slept) == 2


def test_when_the_lookup_keeps_failing_every_event_of_the_batch_comes_back(local_org: LocalOrg) -> None:
    pipeline, clock, sink = make_pipeline(local_org, clock=FakeClock(budget=3.0))
    local_org.faults.configure(unavailable_rate=1.0)
    events = [page_view(TARO), page_view(HANAKO)]
    assert set(run(pipeline, clock, *events).values()) == {Outcome.RETRY}
    assert sink.letters == []


def test_an_id_that_matches_no_record_is_dead_lettered_as_a_missing_record(local_org: LocalOrg) -> None:
    pipeline, clock, sink = make_pipeline(local_org)
    event = page_view(None, salesforce_id="00Q000000000001AAA")
    assert run(pipeline, clock, event) == {event.idempotency_key: Outcome.DEAD_LETTERED}
    (letter,) = sink.letters
    assert (letter.category, letter.owner) == (ErrorCategory.MISSING_RECORD, "marketing_ops")


def test_an_event_that_changes_nothing_needs_no_write(local_org: LocalOrg) -> None:
    pipeline, clock, _ = make_pipeline(local_org)
    event = page_view()
    run(pipeline, clock, event)
    writes = local_org.api_calls["collections_upsert"] + local_org.api_calls["collections_update"]
    assert run(pipeline, clock, event, receive_count=2) == {event.idempotency_key: Outcome.APPLIED}
    assert local_org.api_calls["collections_upsert"] + local_org.api_calls["collections_update"] == writes


def test_when_the_dead_letter_queue_fails_the_messages_stay_on_the_ingest_queue(
    fake_salesforce: InMemorySalesforce,
) -> None:
    pipeline, clock, _ = make_pipeline(fake_salesforce, sink=BrokenSink())
    report = pipeline.run([message("not json")], remaining=clock.remaining)
    assert [r.outcome for r in report.results.values()] == [Outcome.RETRY]


class BrokenStore:
    """An activity store whose table is unavailable."""

    def record(self, events: Sequence[CanonicalEvent]) -> list[bool | Exception]:
        raise ConnectionError("activity table unreachable")

    def history(self, identity_keys: Sequence[str], *, since: datetime) -> dict[str, list[dict[str, Any]]]:
        raise AssertionError("not reached")

    def mark_applied(self, events: Sequence[CanonicalEvent], *, at: datetime) -> None:
        raise ConnectionError("activity table unreachable")

    def applied(self, events: Sequence[CanonicalEvent]) -> set[str]:
        raise ConnectionError("activity table unreachable")


def test_when_the_activity_store_fails_the_events_come_back(fake_salesforce: InMemorySalesforce) -> None:
    pipeline, clock, _ = make_pipeline(fake_salesforce, store=BrokenStore())
    event = page_view()
    assert run(pipeline, clock, event) == {event.idempotency_key: Outcome.RETRY}
    assert fake_salesforce.records("Lead") == []


@pytest.mark.parametrize("count", [1, 3])
def test_every_message_gets_exactly_one_result(fake_salesforce: InMemorySalesforce, count: int) -> None:
    pipeline, clock, _ = make_pipeline(fake_salesforce)
    messages = [message(page_view(f"p{i}@example.jp")) for i in range(count)] + [message("{}")]
    report = pipeline.run(messages, remaining=clock.remaining)
    assert set(report.results) == {m.message_id for m in messages}
