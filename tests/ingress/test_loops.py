"""No loops: leadrelay's own write-backs are recognised by origin, committing user, or owned fields only."""

from __future__ import annotations

import pytest
from leadrelay.domain.events import CanonicalEvent
from leadrelay.domain.matching.keys import KEY_FIELDS, NEVER_CLEARED
from leadrelay.ingress.loops import ENTERED_KEY_FIELDS, LoopGuard
from leadrelay.ingress.results import NoticeKind
from leadrelay.ingress.salesforce import parse_salesforce_event

from tests.ingress.builders import INTEGRATION_USER, NOW, change_event, lead_activity

GUARD = LoopGuard.build(
    client_name="leadrelay",
    integration_user_ids=[INTEGRATION_USER[:15]],
    owned_fields={"Lead": ["LR_Fit_Score__c", "LR_Engagement_Score__c", "LR_Lifecycle_Stage__c"]},
)


def _event(**kwargs: object) -> CanonicalEvent:
    return parse_salesforce_event(change_event(**kwargs), received_at=NOW).events[0]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "origin",
    [
        "com/salesforce/api/rest/61.0;client=leadrelay",
        "com/salesforce/api/rest/61.0;client=leadrelay/",
        "com/salesforce/api/rest/61.0;client=LeadRelay/1.4",
    ],
)
def test_a_change_made_through_the_api_as_client_leadrelay_is_ours(origin: str) -> None:
    assert GUARD.own_change_reason(_event(origin=origin)) == "changeOrigin names client=leadrelay"


@pytest.mark.parametrize(
    "origin",
    [
        "",
        "com/salesforce/api/soap/61.0;client=SfdcInternalAPI/",
        "com/salesforce/api/rest/61.0;client=leadrelay-sandbox",
    ],
)
def test_changes_from_people_and_other_clients_are_not_ours(origin: str) -> None:
    assert GUARD.own_change_reason(_event(origin=origin)) is None


def test_a_change_committed_by_the_integration_user_is_ours_in_either_id_form() -> None:
    assert (
        GUARD.own_change_reason(_event(commit_user=INTEGRATION_USER)) == "commitUser is the integration user"
    )


@pytest.mark.parametrize(
    "configured", [INTEGRATION_USER.lower(), INTEGRATION_USER.upper(), INTEGRATION_USER[:15]]
)
def test_an_18_character_integration_user_id_matches_in_any_case(configured: str) -> None:
    guard = LoopGuard.build(integration_user_ids=[configured])

    assert guard.own_change_reason(_event(commit_user=INTEGRATION_USER.lower())) == (
        "commitUser is the integration user"
    )


def test_a_15_character_id_differing_only_in_case_is_another_user() -> None:
    other_user = INTEGRATION_USER[:15].swapcase()

    assert GUARD.own_change_reason(_event(commit_user=other_user)) is None


def test_a_change_to_fields_leadrelay_owns_only_is_ours_system_fields_aside() -> None:
    event = _event(
        changed=("LR_Fit_Score__c", "lr_engagement_score__c", "LastModifiedDate", "SystemModstamp")
    )

    assert GUARD.own_change_reason(event) == "every changed field is owned by leadrelay"


def test_a_change_that_also_touches_a_field_people_own_is_not_ours() -> None:
    assert GUARD.own_change_reason(_event(changed=("LR_Fit_Score__c", "Status"))) is None


def test_a_person_typing_a_corporate_number_leadrelay_also_writes_is_not_taken_for_ours() -> None:
    """LR_Corporate_Number__c is leadrelay's on Account (it writes the number back normalised) but a
    person enters it: by its fields alone the change is a person's, so the Account is re-keyed."""
    guard = LoopGuard.build(owned_fields={"Account": ["LR_Match_Company__c", "LR_Corporate_Number__c"]})
    typed = _event(entity="Account", record_ids=("001RM000005a9tGYAQ",), changed=("LR_Corporate_Number__c",))

    assert guard.own_change_reason(typed) is None


def test_the_fields_people_also_enter_are_the_match_keys_never_cleared() -> None:
    assert {KEY_FIELDS[part] for part in NEVER_CLEARED} == ENTERED_KEY_FIELDS


def test_a_touch_that_changes_only_system_fields_is_not_taken_for_ours() -> None:
    assert GUARD.own_change_reason(_event(changed=("LastModifiedDate", "SystemModstamp"))) is None


def test_activities_are_never_dropped_as_own_changes() -> None:
    (activity,) = parse_salesforce_event(lead_activity(), received_at=NOW).events

    assert GUARD.own_change_reason(activity) is None


def test_partition_keeps_the_others_and_reports_each_dropped_change() -> None:
    ours = _event(origin="com/salesforce/api/rest/61.0;client=leadrelay")
    theirs = _event(transaction_key="0009ffee-0000-4000-8000-000000000001")

    kept, dropped = GUARD.partition([ours, theirs])

    assert kept == [theirs]
    assert [(notice.kind, notice.event_name) for notice in dropped] == [
        (NoticeKind.OWN_CHANGE, "LeadChangeEvent")
    ]
