"""plan_writes: only changed fields, only leadrelay's fields, no no-ops, one write per record."""

from __future__ import annotations

from typing import Any

import pytest
from leadrelay.domain.ownership import FieldOwner, OwnershipMap
from leadrelay.domain.writeplan import IgnoredField, SkippedWrite, SkipReason, WriteIntent, plan_writes
from leadrelay.domain.writes import WriteKind, WriteOp

from tests.writeplan.conftest import load_ownership_json

LEAD_ID = "00Q5j00000AbCdEFGH"
CONTACT_ID = "0035j00000XyZaBCDE"
SALESFORCE_LEAD = {
    "Id": LEAD_ID,
    "LastName": "山田",
    "FirstName": "太郎",
    "Email": "taro.yamada@sample-shoji.co.jp",
    "Company": "株式会社サンプル商事",
    "OwnerId": "0055j000001QwErTYU",
    "Status": "Open - Not Contacted",
    "LR_Fit_Score__c": 30.0,
    "LR_Engagement_Score__c": 45.0,
    "LR_Lifecycle_Stage__c": "Lead",
    "LR_Stage_Reason__c": None,
    "LR_MQL_At__c": None,
    "LR_Rules_Version__c": "3f2a9c41b7de",
    "LR_Budget_Confirmed__c": False,
}


def update(desired: dict[str, Any], *keys: str, current: dict[str, Any] | None = None) -> WriteIntent:
    return WriteIntent(
        sobject="Lead",
        record_id=LEAD_ID,
        current=SALESFORCE_LEAD if current is None else current,
        desired=desired,
        event_keys=keys or ("evt-1",),
    )


def only_op(ownership: OwnershipMap, *intents: WriteIntent) -> WriteOp:
    plan = plan_writes(intents, ownership)
    assert len(plan.ops) == 1, plan
    return plan.ops[0]


def test_an_update_writes_only_the_fields_that_changed(ownership: OwnershipMap) -> None:
    desired = {"LR_Fit_Score__c": 30, "LR_Engagement_Score__c": 55, "LR_Lifecycle_Stage__c": "MQL"}

    op = only_op(ownership, update(desired))

    assert op == WriteOp(
        ref=LEAD_ID,
        sobject="Lead",
        kind=WriteKind.UPDATE,
        record_id=LEAD_ID,
        fields={"LR_Engagement_Score__c": 55, "LR_Lifecycle_Stage__c": "MQL"},
        event_keys=("evt-1",),
    )


def test_a_decision_salesforce_already_holds_is_skipped(ownership: OwnershipMap) -> None:
    desired = {"LR_Fit_Score__c": 30, "LR_Lifecycle_Stage__c": "Lead", "LR_Stage_Reason__c": ""}

    plan = plan_writes([update(desired, "evt-1")], ownership)

    assert plan.ops == ()
    assert plan.skipped == (SkippedWrite(LEAD_ID, "Lead", ("evt-1",), SkipReason.NO_CHANGE),)


def test_fields_missing_from_the_read_count_as_empty(ownership: OwnershipMap) -> None:
    op = only_op(ownership, update({"LR_SLA_Status__c": "Open", "LR_Stage_Reason__c": None}))

    assert op.fields == {"LR_SLA_Status__c": "Open"}


def test_an_update_never_overwrites_the_ma_tools_fields(ownership: OwnershipMap) -> None:
    desired = {"Email": "t.yamada@sample-shoji.co.jp", "LR_Engagement_Score__c": 60}

    plan = plan_writes([update(desired)], ownership)

    assert plan.ops[0].fields == {"LR_Engagement_Score__c": 60}
    assert plan.ignored == (IgnoredField(LEAD_ID, "Lead", "Email", FieldOwner.MA),)


def test_an_update_of_only_fields_owned_by_others_is_skipped_as_not_owned(ownership: OwnershipMap) -> None:
    plan = plan_writes([update({"OwnerId": "0055j000002AsDfGHJ", "Company": "サンプル商事"})], ownership)

    assert plan.ops == ()
    assert plan.skipped[0].reason is SkipReason.NOT_OWNED
    assert {(f.field, f.owner) for f in plan.ignored} == {
        ("OwnerId", FieldOwner.PEOPLE),
        ("Company", FieldOwner.MA),
    }


def test_fields_in_no_list_are_never_written(ownership: OwnershipMap) -> None:
    plan = plan_writes([update({"AnnualRevenue": 5_000_000, "LR_Fit_Score__c": 31})], ownership)

    assert plan.ops[0].fields == {"LR_Fit_Score__c": 31}
    assert plan.ignored == (IgnoredField(LEAD_ID, "Lead", "AnnualRevenue", None),)


def test_field_names_match_case_insensitively_and_are_sent_as_the_map_spells_them(
    ownership: OwnershipMap,
) -> None:
    op = only_op(ownership, update({"lr_fit_score__c": 31, "LR_ENGAGEMENT_SCORE__C": 45}))

    assert op.fields == {"LR_Fit_Score__c": 31}


def test_a_new_lead_is_upserted_by_its_external_key_with_the_ma_fields_of_the_event(
    ownership: OwnershipMap,
) -> None:
    intent = WriteIntent(
        sobject="Lead",
        external_key="email#taro.yamada@sample-shoji.co.jp",
        desired={
            "LastName": "山田",
            "FirstName": "太郎",
            "Email": "taro.yamada@sample-shoji.co.jp",
            "Company": "株式会社サンプル商事",
            "Phone": None,
            "LR_Fit_Score__c": 35,
            "LR_Budget_Confirmed__c": True,
            "OwnerId": "0055j000001QwErTYU",
        },
        event_keys=("hubspot-1042",),
    )

    plan = plan_writes([intent], ownership)

    assert plan.ops == (
        WriteOp(
            ref="email#taro.yamada@sample-shoji.co.jp",
            sobject="Lead",
            kind=WriteKind.UPSERT,
            external_id_field="LR_External_Key__c",
            external_id="email#taro.yamada@sample-shoji.co.jp",
            fields={
                "LastName": "山田",
                "FirstName": "太郎",
                "Email": "taro.yamada@sample-shoji.co.jp",
                "Company": "株式会社サンプル商事",
                "LR_Fit_Score__c": 35,
                "OwnerId": "0055j000001QwErTYU",
                "LR_External_Key__c": "email#taro.yamada@sample-shoji.co.jp",
            },
            event_keys=("hubspot-1042",),
        ),
    )
    assert {f.field for f in plan.ignored} == {"LR_Budget_Confirmed__c"}


def test_the_owner_named_by_an_event_is_set_on_create_but_never_changed_afterwards(
    ownership: OwnershipMap,
) -> None:
    intent = WriteIntent(
        sobject="Lead",
        record_id="00Q5g00000AbCdEAA1",
        current={"OwnerId": "0055j000001QwErTYU"},
        desired={"OwnerId": "0055j000009ZyXwVUT", "LR_Fit_Score__c": 35},
        event_keys=("marketo-77",),
    )

    (op,) = plan_writes([intent], ownership).ops

    assert op.fields == {"LR_Fit_Score__c": 35}


def test_an_object_without_an_external_id_field_gets_a_create(ownership: OwnershipMap) -> None:
    data = load_ownership_json()
    del data["objects"]["Lead"]["external_id_field"]
    intent = WriteIntent(
        sobject="Lead", external_key="ma-77", desired={"LastName": "佐藤"}, event_keys=("e",)
    )

    op = only_op(OwnershipMap.model_validate(data), intent)

    assert (op.kind, op.fields, op.ref) == (WriteKind.CREATE, {"LastName": "佐藤"}, "ma-77")


def test_an_object_outside_the_map_is_never_written(ownership: OwnershipMap) -> None:
    intent = WriteIntent(
        sobject="Account", record_id="0015j00000AaBbCcDD", desired={"Name": "x"}, event_keys=("e",)
    )

    plan = plan_writes([intent], ownership)

    assert plan.ops == ()
    assert plan.skipped[0].reason is SkipReason.NOT_OWNED


def test_several_decisions_for_one_lead_coalesce_into_one_write_with_all_event_keys(
    ownership: OwnershipMap,
) -> None:
    intents = [
        update({"LR_Engagement_Score__c": 48, "LR_Lifecycle_Stage__c": "Lead"}, "evt-1"),
        update({"LR_Engagement_Score__c": 52, "LR_Lifecycle_Stage__c": "MQL"}, "evt-2"),
        update({"LR_Engagement_Score__c": 55}, "evt-3"),
    ]

    op = only_op(ownership, *intents)

    assert op.fields == {"LR_Engagement_Score__c": 55, "LR_Lifecycle_Stage__c": "MQL"}
    assert op.event_keys == ("evt-1", "evt-2", "evt-3")


def test_changes_that_cancel_out_within_a_batch_need_no_write(ownership: OwnershipMap) -> None:
    intents = [update({"LR_Fit_Score__c": 40}, "evt-1"), update({"LR_Fit_Score__c": 30}, "evt-2")]

    plan = plan_writes(intents, ownership)

    assert plan.ops == ()
    assert plan.skipped == (SkippedWrite(LEAD_ID, "Lead", ("evt-1", "evt-2"), SkipReason.NO_CHANGE),)


def test_the_15_and_18_character_ids_of_one_lead_coalesce(ownership: OwnershipMap) -> None:
    intents = [update({"LR_Fit_Score__c": 40}, "evt-1"), update({"LR_Fit_Score__c": 41}, "evt-2")]
    short = WriteIntent("Lead", ("evt-3",), {"LR_Fit_Score__c": 42}, SALESFORCE_LEAD, record_id=LEAD_ID[:15])

    op = only_op(ownership, *intents, short)

    assert (op.fields, op.event_keys) == ({"LR_Fit_Score__c": 42}, ("evt-1", "evt-2", "evt-3"))


def test_a_redelivered_event_key_is_carried_once(ownership: OwnershipMap) -> None:
    op = only_op(
        ownership, update({"LR_Fit_Score__c": 40}, "evt-1"), update({"LR_Fit_Score__c": 40}, "evt-1")
    )

    assert op.event_keys == ("evt-1",)


def test_the_first_mql_time_is_kept_when_salesforce_has_one(ownership: OwnershipMap) -> None:
    current = {**SALESFORCE_LEAD, "LR_MQL_At__c": "2026-10-01T00:00:00.000+0000"}

    plan = plan_writes([update({"LR_MQL_At__c": "2026-11-21T05:17:00.000Z"}, current=current)], ownership)

    assert plan.ops == ()


def test_the_first_mql_time_of_a_batch_wins(ownership: OwnershipMap) -> None:
    intents = [
        update({"LR_MQL_At__c": "2026-11-21T05:17:00.000Z"}, "evt-1"),
        update({"LR_MQL_At__c": None}, "evt-2"),
        update({"LR_MQL_At__c": "2026-11-21T06:00:00.000Z"}, "evt-3"),
    ]

    assert only_op(ownership, *intents).fields == {"LR_MQL_At__c": "2026-11-21T05:17:00.000Z"}


def test_writes_keep_the_order_records_first_appear_in(ownership: OwnershipMap) -> None:
    contact = WriteIntent("Contact", ("evt-2",), {"LR_Fit_Score__c": 12}, {}, record_id=CONTACT_ID)
    intents = [update({"LR_Fit_Score__c": 40}, "evt-1"), contact, update({"LR_Fit_Score__c": 41}, "evt-3")]

    plan = plan_writes(intents, ownership)

    assert [(op.ref, op.event_keys) for op in plan.ops] == [
        (LEAD_ID, ("evt-1", "evt-3")),
        (CONTACT_ID, ("evt-2",)),
    ]


def test_a_lead_and_a_contact_sharing_an_external_key_get_distinct_refs(ownership: OwnershipMap) -> None:
    key = "email#hanako.suzuki@example-kogyo.co.jp"
    intents = [
        WriteIntent("Lead", ("evt-1",), {"LastName": "鈴木"}, external_key=key),
        WriteIntent("Contact", ("evt-2",), {"LastName": "鈴木"}, external_key=key),
    ]

    refs = [op.ref for op in plan_writes(intents, ownership).ops]

    assert refs == [f"Lead:{key}", f"Contact:{key}"]


def test_an_intent_without_a_record_id_or_external_key_is_refused() -> None:
    with pytest.raises(ValueError, match="Lead write intent needs record_id or external_key"):
        WriteIntent("Lead", ("evt-1",), {"LR_Fit_Score__c": 1})


def test_datetimes_are_written_as_salesforce_datetime_strings(ownership: OwnershipMap) -> None:
    from datetime import UTC, datetime

    op = only_op(ownership, update({"LR_SLA_Due_At__c": datetime(2026, 11, 23, 5, 17, tzinfo=UTC)}))

    assert op.fields == {"LR_SLA_Due_At__c": "2026-11-23T05:17:00.000Z"}
