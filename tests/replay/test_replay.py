"""`leadrelay replay`: each captured delivery goes through the functions' code; each event gets an outcome."""

from __future__ import annotations

import json

import pytest
from leadrelay_tools.replay.verdicts import Row, Verdict

from tests.replay.conftest import ReplayRun
from tests.replay.support import (
    HANAKO,
    HUBSPOT_CONTACT,
    SEEDED_LEAD,
    TARO,
    download,
    generic_request,
    hubspot_click,
    hubspot_request,
    known_hubspot_contact,
    lead_change,
    signed_generic_body,
)


def _outcomes(rows: list[Row]) -> list[tuple[int, str]]:
    return [(row.line, row.outcome.value) for row in rows]


def test_a_signed_webhook_batch_is_applied_event_by_event(replay_run: ReplayRun) -> None:
    known_hubspot_contact(replay_run.org)
    rows = replay_run.replay(
        hubspot_request([hubspot_click(HUBSPOT_CONTACT, 1), hubspot_click(HUBSPOT_CONTACT, 2)])
    )
    assert _outcomes(rows) == [(1, "applied"), (1, "applied")]
    assert {row.event for row in rows} == {"email_clicked"}


def test_an_ma_id_nobody_carries_is_dead_lettered_instead_of_creating_a_nameless_lead(
    replay_run: ReplayRun,
) -> None:
    (row,) = replay_run.replay(hubspot_request([hubspot_click(5120378, 1)]))
    assert row.outcome.value == "dead_lettered"
    assert "UNKNOWN_PERSON" in row.reason
    assert all(lead["Company"] != "[不明]" for lead in replay_run.org.records("Lead"))


def test_an_activity_for_a_known_email_scores_that_lead(replay_run: ReplayRun) -> None:
    rows = replay_run.replay(generic_request([download("dl-0001", TARO)]))
    assert _outcomes(rows) == [(1, "applied")]
    lead = replay_run.org.record("Lead", SEEDED_LEAD)
    assert lead is not None
    assert lead["LR_Engagement_Score__c"] > 0


def test_an_activity_for_an_unknown_email_creates_one_lead(replay_run: ReplayRun) -> None:
    replay_run.replay(
        generic_request(
            [download("dl-0002", HANAKO, fields={"LastName": "佐藤", "Company": "株式会社みらい製作所"})]
        )
    )
    assert [lead["Email"] for lead in replay_run.org.records("Lead")] == [TARO, HANAKO]


def test_a_change_made_by_leadrelay_itself_is_dropped_with_its_reason(replay_run: ReplayRun) -> None:
    own = lead_change(
        commit_user="005RM0000000002YAA", origin="com/salesforce/api/rest/62.0;client=leadrelay"
    )
    (row,) = replay_run.replay(own)
    assert (row.outcome, row.event) == (Verdict.DROPPED, "own_change")
    assert "client=leadrelay" in row.reason


def test_a_sales_reps_status_change_is_applied_as_a_record_change(replay_run: ReplayRun) -> None:
    change = lead_change(
        commit_user="005RM0000000002YAA", origin="com/salesforce/api/soap/62.0;client=SfdcInternalAPI/"
    )
    (row,) = replay_run.replay(change)
    assert (row.outcome, row.event, row.source) == (Verdict.APPLIED, "status_changed", "LeadChangeEvent")


def test_the_same_delivery_twice_is_applied_once_and_then_a_duplicate(replay_run: ReplayRun) -> None:
    request = generic_request([download("dl-0003", TARO)])
    rows = replay_run.replay(request, request)
    assert _outcomes(rows) == [(1, "applied"), (2, "duplicate")]


def test_a_second_replay_of_the_same_file_finds_only_duplicates(replay_run: ReplayRun) -> None:
    request = generic_request([download("dl-0004", TARO)])
    replay_run.replay(request)
    assert _outcomes(replay_run.replay(request)) == [(1, "duplicate")]


def test_without_dedupe_a_backfill_reapplies_without_counting_an_activity_twice(
    replay_run: ReplayRun,
) -> None:
    request = generic_request([download("dl-0005", TARO)])
    replay_run.replay(request)
    score = replay_run.org.record("Lead", SEEDED_LEAD)["LR_Engagement_Score__c"]  # type: ignore[index]
    assert _outcomes(replay_run.replay(request, dedupe=False)) == [(1, "applied")]
    assert replay_run.org.record("Lead", SEEDED_LEAD)["LR_Engagement_Score__c"] == score  # type: ignore[index]


def test_a_wrong_signature_is_rejected_with_the_http_status_and_nothing_is_processed(
    replay_run: ReplayRun,
) -> None:
    (row,) = replay_run.replay(generic_request([download("dl-0006", HANAKO)], secret="not-the-secret"))
    assert row.outcome is Verdict.REJECTED
    assert row.reason.startswith("HTTP 401")
    assert len(replay_run.org.records("Lead")) == 1


def test_a_hubspot_request_older_than_five_minutes_at_arrival_is_rejected(replay_run: ReplayRun) -> None:
    (row,) = replay_run.replay(hubspot_request([hubspot_click(5120377, 3)], age_minutes=6))
    assert row.outcome is Verdict.REJECTED
    assert row.reason.startswith("HTTP 401")


def test_an_old_capture_verifies_against_its_own_arrival_time(replay_run: ReplayRun) -> None:
    """A request received months ago replays: its signature's age is measured from ``received_at``."""
    known_hubspot_contact(replay_run.org)
    (row,) = replay_run.replay(hubspot_request([hubspot_click(HUBSPOT_CONTACT, 4)], age_minutes=1))
    assert row.outcome is Verdict.APPLIED


def test_an_unknown_provider_is_rejected(replay_run: ReplayRun) -> None:
    request = {
        **generic_request([download("dl-0007", TARO)]),
        "provider": "pardot",
        "path": "/webhooks/pardot",
    }
    (row,) = replay_run.replay(request)
    assert (row.outcome, row.reason[:8]) == (Verdict.REJECTED, "HTTP 404")


def test_an_unreadable_salesforce_event_is_rejected_naming_the_json_path(replay_run: ReplayRun) -> None:
    broken = lead_change(commit_user="005RM0000000002YAA", origin="")
    del broken["detail"]["payload"]["ChangeEventHeader"]
    (row,) = replay_run.replay(broken)
    assert row.outcome is Verdict.REJECTED
    assert "ChangeEventHeader" in row.reason


def test_a_broken_line_is_rejected_naming_file_and_line_and_the_rest_still_runs(
    replay_run: ReplayRun,
) -> None:
    rows = replay_run.replay('{"provider": "generic", ', generic_request([download("dl-0008", TARO)]))
    assert _outcomes(rows) == [(1, "rejected"), (2, "applied")]
    assert ".jsonl:1: not JSON" in rows[0].reason


def test_a_permanent_salesforce_error_is_dead_lettered_with_code_and_owner(replay_run: ReplayRun) -> None:
    replay_run.org.faults.target(
        "Email", TARO, "FIELD_CUSTOM_VALIDATION_EXCEPTION", message="Phone is required"
    )
    (row,) = replay_run.replay(generic_request([download("dl-0009", TARO)]))
    assert row.outcome is Verdict.DEAD_LETTERED
    assert row.reason.startswith("FIELD_CUSTOM_VALIDATION_EXCEPTION")
    assert "(owner: " in row.reason


def test_events_of_one_batch_see_records_created_by_an_earlier_batch(replay_run: ReplayRun) -> None:
    first = generic_request(
        [download("dl-0010", HANAKO, fields={"LastName": "佐藤", "Company": "株式会社みらい製作所"})]
    )
    second = generic_request([download("dl-0011", HANAKO)])
    rows = replay_run.replay(first, second, batch_size=1)
    assert _outcomes(rows) == [(1, "applied"), (2, "applied")]
    assert len(replay_run.org.records("Lead")) == 2


@pytest.mark.parametrize("levels", [40, 3000])
def test_a_line_nested_too_deeply_to_read_is_rejected_and_the_rest_still_runs(
    replay_run: ReplayRun, levels: int
) -> None:
    too_deep = '{"provider": "generic", "body": ' + "[" * levels + "]" * levels + "}"
    rows = replay_run.replay(too_deep, generic_request([download("dl-0011", TARO)]))
    assert _outcomes(rows) == [(1, "rejected"), (2, "applied")]
    assert ".jsonl:1: JSON nested too deeply to read" in rows[0].reason


def test_a_lone_surrogate_in_a_signed_body_is_replaced_and_applied(replay_run: ReplayRun) -> None:
    body = json.dumps({"events": [download("dl-0012", TARO, attributes={"asset": "白書 CUT"})]})
    (row,) = replay_run.replay(signed_generic_body(body.replace("CUT", "\\ud83d")))
    assert row.outcome is Verdict.APPLIED


def test_a_lone_surrogate_anywhere_in_a_line_never_stops_the_replay(replay_run: ReplayRun) -> None:
    unsigned = {"provider": "generic", "headers": {"Content-Type": "application/json"}, "body": ["\ud83d"]}
    change = lead_change(commit_user="005RM0000000003YAA", origin="", status="Working \ud83d")
    escaped = [json.dumps(line) for line in (unsigned, change)]  # the file holds \ud83d escapes
    rows = replay_run.replay(*escaped, generic_request([download("dl-0013", TARO)]))
    assert _outcomes(rows)[0] == (1, "rejected")
    assert _outcomes(rows)[-1] == (3, "applied")
