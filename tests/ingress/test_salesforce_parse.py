"""Salesforce deliveries → canonical events: CDC for Lead/Contact/Task, Lead_Activity__e, envelopes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from leadrelay.domain.events import EventSource, parse_canonical_event
from leadrelay.ingress.results import IngressError, NoticeKind
from leadrelay.ingress.salesforce import SalesforceOptions, parse_salesforce_event

from tests.ingress.builders import (
    CONTACT_ID,
    EMAIL,
    LEAD_ID,
    NOW,
    NOW_MS,
    TASK_ID,
    change_event,
    lead_activity,
    reference,
    with_changes,
)

SALESFORCE_REFERENCES = [
    "eventbridge_event_relay_cdc_account_update.json",
    "eventbridge_appflow_salesforce_account_change_aws_doc.json",
    "salesforce_cdc_enriched_update_doc_example.json",
    "eventbridge_event_relay_platform_event.json",
]


@pytest.mark.parametrize("name", SALESFORCE_REFERENCES)
def test_every_reference_salesforce_event_is_recognised_and_reported_as_not_for_us(name: str) -> None:
    result = parse_salesforce_event(reference(name), received_at=NOW)

    assert result.events == ()
    assert [notice.kind for notice in result.notices] == [NoticeKind.NOT_PROCESSED]


def test_account_change_events_name_the_entity_and_records_in_the_report() -> None:
    result = parse_salesforce_event(
        reference("eventbridge_event_relay_cdc_account_update.json"), received_at=NOW
    )

    (notice,) = result.notices
    assert notice.event_name == "AccountChangeEvent"
    assert notice.record_ids == ("001RM000005a9tGYAQ",)
    # a Fax number:
    assert notice.reason == "Account update does not change its Name, Website, Phone or 法人番号"


def test_an_unknown_platform_event_is_reported_by_its_api_name() -> None:
    result = parse_salesforce_event(reference("eventbridge_event_relay_platform_event.json"), received_at=NOW)

    assert result.notices[0].reason == "platform event Lead_Score_Changed__e is not one leadrelay processes"


def test_a_lead_status_change_becomes_status_changed_keyed_by_transaction_and_sequence() -> None:
    (event,) = parse_salesforce_event(change_event(fields={"Status": "Working"}), received_at=NOW).events

    assert event.type == "status_changed"
    assert event.entity == "Lead"
    assert event.identity.salesforce_id == LEAD_ID
    assert event.idempotency_key == "0002c8e1-7f4b-43a2-9d51-0b7e2a9c6d13:1"
    assert event.fields == {"LastModifiedDate": "2026-11-21T05:16:58.000Z", "Status": "Working"}
    assert event.changed_fields == ("Status", "LastModifiedDate")
    assert event.occurred_at == datetime.fromtimestamp((NOW_MS - 2000) / 1000, UTC)
    assert event.source is EventSource.SALESFORCE


def test_owner_and_status_changed_together_give_two_events_with_distinct_keys() -> None:
    raw = change_event(
        changed=("OwnerId", "Status"), fields={"OwnerId": "0055f000009XyZaAAK", "Status": "Working"}
    )

    events = parse_salesforce_event(raw, received_at=NOW).events

    assert [event.type for event in events] == ["owner_changed", "status_changed"]
    assert len({event.idempotency_key for event in events}) == 2


def test_other_lead_updates_are_lead_updated_and_carry_the_email_when_sent() -> None:
    raw = change_event(
        changed=("Title",), fields={"Title": "営業部長", "Email": "Taro.Yamada@Sample-Shoji.co.jp"}
    )

    (event,) = parse_salesforce_event(raw, received_at=NOW).events

    assert event.type == "lead_updated"
    assert event.identity.email == EMAIL


def test_a_created_contact_is_contact_created_with_its_name_flattened() -> None:
    raw = change_event(
        "Contact",
        "CREATE",
        record_ids=(CONTACT_ID,),
        changed=(),
        fields={"Name": {"LastName": "山田", "FirstName": "太郎"}, "Email": EMAIL},
    )

    (event,) = parse_salesforce_event(raw, received_at=NOW).events

    assert event.type == "contact_created"
    assert event.fields["LastName"] == "山田"
    assert event.fields["FirstName"] == "太郎"
    assert "Name" not in event.fields


def test_one_change_to_several_records_gives_one_event_per_record() -> None:
    other = "00Q5f00000AbCdFEAV"
    events = parse_salesforce_event(change_event(record_ids=(LEAD_ID, other)), received_at=NOW).events

    assert [event.identity.salesforce_id for event in events] == [LEAD_ID, other]
    assert events[1].idempotency_key == f"0002c8e1-7f4b-43a2-9d51-0b7e2a9c6d13:1:{other}"


def test_nulled_fields_are_sent_as_none_and_diff_fields_are_left_out() -> None:
    raw = with_changes(
        change_event(changed=("Phone", "Description")), nulledFields=["Phone"], diffFields=["Description"]
    )
    raw["detail"]["payload"]["Description"] = "@@ -1 +1 @@"

    (event,) = parse_salesforce_event(raw, received_at=NOW).events

    assert event.fields["Phone"] is None
    assert "Description" not in event.fields


def test_a_completed_task_is_task_completed_about_its_who() -> None:
    raw = change_event(
        "Task",
        record_ids=(TASK_ID,),
        changed=("Status", "IsClosed"),
        fields={"Status": "Completed", "IsClosed": True, "WhoId": LEAD_ID, "Subject": "初回架電"},
    )

    (event,) = parse_salesforce_event(raw, received_at=NOW).events

    assert event.type == "task_completed"
    assert event.entity == "Task"
    assert event.identity.salesforce_id == LEAD_ID
    assert event.change is not None
    assert event.change.record_id == TASK_ID


def test_a_logged_event_is_event_logged_about_its_who_and_an_event_update_is_not() -> None:
    fields = {"WhoId": LEAD_ID, "Subject": "初回打ち合わせ", "DurationInMinutes": 30}
    created = change_event("Event", "CREATE", record_ids=("00URM0000000001AAA",), changed=(), fields=fields)
    updated = change_event("Event", record_ids=("00URM0000000001AAA",), changed=("Subject",), fields=fields)

    (event,) = parse_salesforce_event(created, received_at=NOW).events
    update = parse_salesforce_event(updated, received_at=NOW)

    assert (event.type, event.entity, event.identity.salesforce_id) == ("event_logged", "Event", LEAD_ID)
    assert update.events == ()
    assert [notice.kind for notice in update.notices] == [NoticeKind.NOT_PROCESSED]


def test_a_task_created_completed_counts_as_completed() -> None:
    raw = change_event(
        "Task",
        "CREATE",
        record_ids=(TASK_ID,),
        changed=(),
        fields={"Status": "Completed", "WhoId": CONTACT_ID},
    )

    (event,) = parse_salesforce_event(raw, received_at=NOW).events

    assert event.identity.salesforce_id == CONTACT_ID


@pytest.mark.parametrize(
    ("changed", "fields", "reason"),
    [
        (
            ("Subject",),
            {"Subject": "再架電", "Status": "Completed", "WhoId": LEAD_ID},
            "does not change Status",
        ),
        (("Status",), {"Status": "In Progress", "WhoId": LEAD_ID}, "does not complete the task"),
        (("Status",), {"Status": "Completed"}, "carries no WhoId"),
    ],
)
def test_task_changes_that_complete_nothing_are_reported(
    changed: tuple[str, ...], fields: dict[str, str], reason: str
) -> None:
    raw = change_event("Task", record_ids=(TASK_ID,), changed=changed, fields=fields)

    result = parse_salesforce_event(raw, received_at=NOW)

    assert result.events == ()
    assert reason in result.notices[0].reason


@pytest.mark.parametrize("change_type", ["GAP_CREATE", "GAP_UPDATE", "GAP_DELETE", "GAP_UNDELETE"])
def test_gap_events_are_reported_as_gaps(change_type: str) -> None:
    result = parse_salesforce_event(change_event(change_type=change_type), received_at=NOW)

    assert result.notices[0].kind is NoticeKind.GAP
    assert result.notices[0].record_ids == (LEAD_ID,)


@pytest.mark.parametrize(("entity", "wildcard"), [("Lead", "00Q*"), ("Contact", "003*")])
def test_a_field_type_conversion_with_wildcard_record_ids_is_reported_as_a_gap(
    entity: str, wildcard: str
) -> None:
    raw = change_event(entity, record_ids=(wildcard,), changed=(), fields={})

    result = parse_salesforce_event(raw, received_at=NOW)

    assert (result.notices[0].kind, result.notices[0].record_ids) == (NoticeKind.GAP, (wildcard,))
    assert f"recordIds {wildcard}" in result.notices[0].reason


@pytest.mark.parametrize(
    ("entity", "change_type", "record_ids"),
    [("Lead", "UPDATE", ("00Q*",)), ("Contact", "UPDATE", ("003*",)), ("Lead", "GAP_OVERFLOW", ())],
    ids=["lead-wildcard", "contact-wildcard", "lead-overflow"],
)
def test_a_wildcard_or_overflow_event_becomes_a_re_sync_window_around_its_commit_time(
    entity: str, change_type: str, record_ids: tuple[str, ...]
) -> None:
    raw = change_event(entity, change_type, record_ids=record_ids, changed=(), fields={})

    (event,) = parse_salesforce_event(raw, received_at=NOW).events

    commit = datetime.fromtimestamp((NOW_MS - 2000) / 1000, UTC)
    assert (event.type, event.entity, event.identity.scope) == ("records_changed", entity, entity)
    assert event.window is not None
    assert (event.window.since, event.window.until) == (
        commit - timedelta(minutes=10),
        commit + timedelta(minutes=10),
    )
    assert event.idempotency_key == "0002c8e1-7f4b-43a2-9d51-0b7e2a9c6d13:1"


def test_the_re_sync_margin_is_configurable() -> None:
    raw = change_event(change_type="GAP_OVERFLOW", record_ids=(), changed=(), fields={})
    options = SalesforceOptions(resync_margin=timedelta(minutes=2))

    (event,) = parse_salesforce_event(raw, options=options, received_at=NOW).events

    assert event.window is not None
    assert event.window.until - event.window.since == timedelta(minutes=4)


@pytest.mark.parametrize(("change_type", "record_ids"), [("UPDATE", ("00T*",)), ("GAP_OVERFLOW", ())])
def test_a_wildcard_or_overflow_on_tasks_stays_a_notice(
    change_type: str, record_ids: tuple[str, ...]
) -> None:
    raw = change_event("Task", change_type, record_ids=record_ids, changed=(), fields={})

    result = parse_salesforce_event(raw, received_at=NOW)

    assert result.events == ()
    assert result.notices[0].kind in (NoticeKind.GAP, NoticeKind.OVERFLOW)


@pytest.mark.parametrize("change_type", ["GAP_CREATE", "GAP_UPDATE", "GAP_UNDELETE"])
def test_a_gap_on_a_task_becomes_a_task_to_re_read(change_type: str) -> None:
    raw = change_event("Task", change_type, record_ids=(TASK_ID,), changed=(), fields={})

    result = parse_salesforce_event(raw, received_at=NOW)

    (event,) = result.events
    assert (event.type, event.entity, event.identity.salesforce_id) == ("task_changed", "Task", TASK_ID)
    assert result.notices[0].kind is NoticeKind.GAP


def test_a_gap_naming_several_records_keys_each_by_its_id() -> None:
    raw = change_event(
        change_type="GAP_UPDATE", record_ids=(LEAD_ID, "00Q5f00000AbCdFEAV"), changed=(), fields={}
    )

    keys = [event.idempotency_key for event in parse_salesforce_event(raw, received_at=NOW).events]

    assert keys == [
        f"0002c8e1-7f4b-43a2-9d51-0b7e2a9c6d13:1:{LEAD_ID}",
        "0002c8e1-7f4b-43a2-9d51-0b7e2a9c6d13:1:00Q5f00000AbCdFEAV",
    ]


@pytest.mark.parametrize(
    ("entity", "change_type", "record_id", "expected"),
    [
        ("Lead", "GAP_CREATE", LEAD_ID, "lead_updated"),
        ("Lead", "GAP_UPDATE", LEAD_ID, "lead_updated"),
        ("Lead", "GAP_UNDELETE", LEAD_ID, "lead_updated"),
        ("Contact", "GAP_UPDATE", CONTACT_ID, "contact_updated"),
    ],
)
def test_a_gap_on_a_named_lead_or_contact_becomes_a_re_read_event_about_that_record(
    entity: str, change_type: str, record_id: str, expected: str
) -> None:
    raw = change_event(entity, change_type, record_ids=(record_id,), changed=(), fields={})

    result = parse_salesforce_event(raw, received_at=NOW)

    (event,) = result.events
    assert (event.type, event.identity.salesforce_id, event.changed_fields) == (expected, record_id, ())
    assert event.change is not None
    assert event.change.change_type == change_type
    assert result.notices[0].kind is NoticeKind.GAP


def test_a_gap_delete_has_nothing_to_re_read_and_stays_a_notice() -> None:
    raw = change_event(change_type="GAP_DELETE", changed=(), fields={})

    assert parse_salesforce_event(raw, received_at=NOW).events == ()


def test_an_overflow_event_without_record_ids_is_reported_as_overflow() -> None:
    raw = with_changes(change_event(change_type="GAP_OVERFLOW"), recordIds=[], changedFields=[])

    assert parse_salesforce_event(raw, received_at=NOW).notices[0].kind is NoticeKind.OVERFLOW


def test_deletes_are_reported_not_processed() -> None:
    result = parse_salesforce_event(change_event(change_type="DELETE"), received_at=NOW)

    assert result.notices[0].reason == "DELETE on Lead is not processed"


def test_lead_activity_becomes_an_activity_keyed_by_event_uuid() -> None:
    (event,) = parse_salesforce_event(lead_activity(), received_at=NOW).events

    assert event.kind == "activity"
    assert event.type == "page_view"
    assert event.idempotency_key == "9e2b7c4a-1d3f-4e5a-8b6c-7d8e9f0a1b2c"
    assert event.source is EventSource.ACCOUNT_ENGAGEMENT
    assert event.identity.email == EMAIL
    assert event.identity.ma_id == "AE-88231"
    assert event.attributes["url"] == "https://www.sample-shoji.co.jp/pricing"
    assert event.attributes["campaign"] == "2026年11月 展示会フォロー"
    assert event.occurred_at == datetime(2026, 11, 21, 5, 10, tzinfo=UTC)


def test_the_publishers_event_key_wins_over_the_event_uuid() -> None:
    (event,) = parse_salesforce_event(lead_activity(Event_Key__c="ae-visit-771204"), received_at=NOW).events

    assert event.idempotency_key == "ae-visit-771204"


def test_an_activity_label_that_names_no_type_is_other_and_kept() -> None:
    (event,) = parse_salesforce_event(lead_activity(Activity_Type__c="展示会来場"), received_at=NOW).events

    assert event.type == "other"
    assert event.attributes["activity_label"] == "展示会来場"


def test_activity_labels_are_normalised() -> None:
    (event,) = parse_salesforce_event(
        lead_activity(Activity_Type__c="Webinar Attended"), received_at=NOW
    ).events

    assert event.type == "webinar_attended"


def test_the_appflow_shape_with_the_record_directly_in_detail_parses() -> None:
    raw = change_event(fields={"Status": "Working"})
    raw["detail"] = raw["detail"]["payload"]

    (event,) = parse_salesforce_event(raw, received_at=NOW).events

    assert event.type == "status_changed"


def test_a_payload_sent_as_a_json_string_parses() -> None:
    raw = change_event(fields={"Status": "Working"})
    raw["detail"]["payload"] = json.dumps(raw["detail"]["payload"])

    assert parse_salesforce_event(raw, received_at=NOW).events[0].type == "status_changed"


def test_a_streaming_message_from_a_capture_parses_by_its_channel() -> None:
    raw = {
        "channel": "/event/Lead_Activity__e",
        "data": {"payload": lead_activity()["detail"]["payload"], "event": {"replayId": 7}},
    }

    assert parse_salesforce_event(raw, received_at=NOW).events[0].type == "page_view"


def test_canonical_events_survive_the_queue_round_trip() -> None:
    (event,) = parse_salesforce_event(change_event(fields={"Status": "Working"}), received_at=NOW).events

    assert parse_canonical_event(event.model_dump_json()) == event


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda e: e.update(detail="nope"), "$.detail: expected an object, got string"),
        (
            lambda e: e["detail"]["payload"]["ChangeEventHeader"].update(changeType="MERGE"),
            "$.detail.payload.ChangeEventHeader.changeType: is not a change type",
        ),
        (
            lambda e: e["detail"]["payload"]["ChangeEventHeader"].update(recordIds="00Q5f00000AbCdEEAV"),
            "$.detail.payload.ChangeEventHeader.recordIds: expected an array of record ids, got string",
        ),
        (
            lambda e: e["detail"]["payload"]["ChangeEventHeader"].update(recordIds=["not-an-id"]),
            "$.detail.payload.ChangeEventHeader.recordIds[0]: is not a Salesforce id",
        ),
        (
            lambda e: e["detail"]["payload"]["ChangeEventHeader"].pop("transactionKey"),
            "$.detail.payload.ChangeEventHeader.transactionKey: is required",
        ),
        (
            lambda e: e["detail"]["payload"]["ChangeEventHeader"].update(sequenceNumber=True),
            "$.detail.payload.ChangeEventHeader.sequenceNumber: expected an integer, got boolean",
        ),
        (
            lambda e: e["detail"]["payload"]["ChangeEventHeader"].update(commitTimestamp="yesterday"),
            "$.detail.payload.ChangeEventHeader.commitTimestamp: expected epoch milliseconds, got string",
        ),
        (
            lambda e: e["detail"]["payload"]["ChangeEventHeader"].update(changedFields="Status"),
            "$.detail.payload.ChangeEventHeader.changedFields: expected an array of field names",
        ),
        (
            lambda e: e["detail"]["payload"].pop("ChangeEventHeader"),
            "$.detail.payload: a change event needs a ChangeEventHeader",
        ),
    ],
)
def test_unreadable_change_events_are_rejected_naming_the_json_path(mutate: object, message: str) -> None:
    raw = change_event()
    mutate(raw)  # type: ignore[operator]

    with pytest.raises(IngressError) as caught:
        parse_salesforce_event(raw, received_at=NOW)

    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"Activity_Type__c": None}, "$.detail.payload.Activity_Type__c: is required"),
        (
            {"Email__c": None, "MA_Id__c": None},
            "$.detail.payload: needs at least one of Email__c, Lead_Id__c, MA_Id__c",
        ),
        ({"Lead_Id__c": "lead-42"}, "$.detail.payload.Lead_Id__c: is not a Salesforce id"),
        ({"Occurred_At__c": "21/11/2026"}, "$.detail.payload.Occurred_At__c: is not an ISO-8601 time"),
        ({"Url__c": {"href": "x"}}, "$.detail.payload.Url__c: expected a string, got object"),
    ],
)
def test_unreadable_activity_events_are_rejected_naming_the_field(
    fields: dict[str, object], message: str
) -> None:
    with pytest.raises(IngressError) as caught:
        parse_salesforce_event(lead_activity(**fields), received_at=NOW)

    assert message in str(caught.value)


def test_an_event_that_is_neither_a_platform_nor_a_change_event_is_rejected_by_its_detail_type() -> None:
    raw = lead_activity()
    raw["detail-type"] = "Scheduled Event"

    with pytest.raises(IngressError) as caught:
        parse_salesforce_event(raw, received_at=NOW)

    assert str(caught.value).startswith(
        '$["detail-type"]: event "Scheduled Event" is neither a platform event'
    )


@pytest.mark.parametrize("raw", [[], "LeadChangeEvent", None, {"foo": 1}, {"data": {"payload": 3}}])
def test_things_that_are_not_salesforce_events_are_rejected_at_the_root(raw: object) -> None:
    with pytest.raises(IngressError) as caught:
        parse_salesforce_event(raw, received_at=NOW)

    assert str(caught.value).startswith("$")


def test_a_lone_surrogate_in_a_relayed_event_is_replaced_so_the_event_can_be_queued() -> None:
    envelope = lead_activity(Activity_Type__c="download", Asset__c="製造業DX白書 \ud83d")
    (event,) = parse_salesforce_event(envelope).events
    assert "\ud83d" not in event.model_dump_json()


def test_a_corporate_number_typed_into_an_account_alone_becomes_account_changed() -> None:
    """The 法人番号 is a match key people enter: the Account must be re-keyed when it alone changes."""
    typed = change_event(
        "Account",
        record_ids=("001RM000005a9tGYAQ",),
        changed=("LR_Corporate_Number__c", "LastModifiedDate"),
        fields={"LR_Corporate_Number__c": "4011-0010-98993"},
    )

    (event,) = parse_salesforce_event(typed, received_at=NOW).events

    assert (event.type, event.identity.salesforce_id) == ("account_changed", "001RM000005a9tGYAQ")


def test_an_account_renamed_by_a_person_becomes_account_changed_about_the_account() -> None:
    renamed = change_event(
        "Account",
        record_ids=("001RM000005a9tGYAQ",),
        changed=("Name", "LastModifiedDate"),
        fields={"Name": "株式会社サンプル商事"},
    )

    (event,) = parse_salesforce_event(renamed, received_at=NOW).events

    assert (event.type, event.entity, event.identity.salesforce_id) == (
        "account_changed",
        "Account",
        "001RM000005a9tGYAQ",
    )
    assert event.fields["Name"] == "株式会社サンプル商事"
