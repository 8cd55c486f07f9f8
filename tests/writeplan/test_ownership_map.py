"""rules/ownership.json: one owner per field, and Decisions written only to leadrelay's own fields."""

from __future__ import annotations

import pytest
from leadrelay.domain.ownership import FieldOwner, OwnershipIssue, OwnershipMap, check_ownership
from pydantic import ValidationError

from tests.writeplan.conftest import load_ownership_json


def test_the_shipped_map_is_consistent(ownership: OwnershipMap) -> None:
    assert check_ownership(ownership) == []


@pytest.mark.parametrize(
    ("field", "owner"),
    [
        ("LR_Fit_Score__c", FieldOwner.LEADRELAY),
        ("LR_SLA_Due_At__c", FieldOwner.LEADRELAY),
        ("Email", FieldOwner.MA),
        ("LeadSource", FieldOwner.MA),
        ("OwnerId", FieldOwner.PEOPLE),
        ("LR_Budget_Confirmed__c", FieldOwner.PEOPLE),
        ("email", FieldOwner.MA),
        ("AnnualRevenue", None),
    ],
)
def test_each_lead_field_has_its_source_of_truth(
    ownership: OwnershipMap, field: str, owner: FieldOwner
) -> None:
    lead = ownership.for_object("lead")
    assert lead is not None
    assert lead.owner_of(field) is owner


def test_a_field_owned_twice_is_reported_where_it_is_listed_again() -> None:
    data = load_ownership_json()
    data["objects"]["Contact"]["people"].append("Email")
    appended_at = len(data["objects"]["Contact"]["people"]) - 1

    issues = check_ownership(OwnershipMap.model_validate(data))

    assert issues == [
        OwnershipIssue(
            f"/objects/Contact/people/{appended_at}",
            "Contact.Email is owned twice (also at /objects/Contact/ma/2)",
        )
    ]


def test_a_decision_output_mapped_to_someone_elses_field_is_reported() -> None:
    data = load_ownership_json()
    data["outputs"]["stage"] = "Status"

    issues = check_ownership(OwnershipMap.model_validate(data))

    assert [issue.pointer for issue in issues] == ["/outputs/stage", "/outputs/stage"]
    assert issues[0].message == "Lead.Status is owned by people; leadrelay writes only fields it alone owns"
    assert issues[1].message == "Contact.Status is not in the map; leadrelay writes only fields it alone owns"


def test_two_outputs_into_one_field_are_reported() -> None:
    data = load_ownership_json()
    data["outputs"]["scores"]["engagement"] = "LR_Fit_Score__c"

    issues = check_ownership(OwnershipMap.model_validate(data))

    assert issues == [
        OwnershipIssue(
            "/outputs/scores/engagement", "LR_Fit_Score__c is already the target of /outputs/scores/fit"
        )
    ]


def test_write_once_and_external_id_fields_must_be_leadrelays() -> None:
    data = load_ownership_json()
    data["objects"]["Lead"]["write_once"].append("Email")
    data["objects"]["Lead"]["external_id_field"] = "Ma_Id__c"

    messages = {issue.pointer: issue.message for issue in check_ownership(OwnershipMap.model_validate(data))}

    rule = "leadrelay writes only fields it alone owns"
    assert messages == {
        "/objects/Lead/external_id_field": f"Lead.Ma_Id__c is not in the map; {rule}",
        "/objects/Lead/write_once/2": f"Lead.Email is owned by ma; {rule}",
    }


def test_unknown_keys_and_malformed_field_names_are_refused() -> None:
    data = load_ownership_json()
    data["objects"]["Lead"]["owners"] = ["OwnerId"]
    data["objects"]["Lead"]["ma"].append("Last Name")

    with pytest.raises(ValidationError) as error:
        OwnershipMap.model_validate(data)

    locations = {tuple(e["loc"]) for e in error.value.errors()}
    assert locations == {("objects", "Lead", "owners"), ("objects", "Lead", "ma", 6)}


def test_listed_fields_tell_a_reader_what_to_fetch(ownership: OwnershipMap) -> None:
    contact = ownership.for_object("Contact")
    assert contact is not None

    assert {"LR_Fit_Score__c", "Email", "OwnerId"} <= set(contact.listed_fields())
