"""Single-record endpoints through the real client: create, read, update, upsert, delete and their errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from leadrelay_tools.localorg import LocalOrg
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceError, SalesforceResourceNotFound

from tests.localorg.payloads import api, content, reference

SINGLE = reference("salesforce_rest_single_record_errors")


def _error(call: Any, *args: Any) -> SalesforceError:
    with pytest.raises(SalesforceError) as caught:
        call(*args)
    return caught.value


def test_create_returns_an_18_character_lead_id(local_org_client: Salesforce, yamada: dict[str, Any]) -> None:
    created = api(local_org_client, "Lead").create(yamada)

    assert created["success"] is True
    assert created["errors"] == []
    assert created["id"].startswith("00Q")
    assert len(created["id"]) == 18


def test_create_fills_defaults_and_system_fields(
    local_org: LocalOrg, local_org_client: Salesforce, yamada: dict[str, Any]
) -> None:
    lead = api(local_org_client, "Lead").get(api(local_org_client, "Lead").create(yamada)["id"])

    assert lead["Status"] == "Open - Not Contacted"
    assert lead["LR_Budget_Confirmed__c"] is False
    assert lead["OwnerId"] == local_org.integration_user_id
    assert lead["CreatedById"] == local_org.integration_user_id
    assert lead["CreatedDate"].endswith("+0000")
    assert lead["Name"] == "山田 太郎"


def test_get_accepts_a_fifteen_character_id_and_a_field_list(
    local_org: LocalOrg, local_org_client: Salesforce, yamada: dict[str, Any]
) -> None:
    lead_id = local_org.insert("Lead", yamada)

    lead = api(local_org_client, "Lead").get(lead_id[:15], params={"fields": "Email,Company"})

    assert lead == {
        "attributes": {"type": "Lead", "url": f"/services/data/v62.0/sobjects/Lead/{lead_id}"},
        "Email": "taro.yamada@sample-shoji.co.jp",
        "Company": "株式会社サンプル商事",
    }


def test_update_answers_204_and_changes_only_the_given_fields(
    local_org: LocalOrg, local_org_client: Salesforce, yamada: dict[str, Any]
) -> None:
    lead_id = local_org.insert("Lead", yamada)

    status = api(local_org_client, "Lead").update(
        lead_id, {"LR_Fit_Score__c": 85, "LR_Lifecycle_Stage__c": "MQL"}
    )

    stored = local_org.record("Lead", lead_id)
    assert status == 204
    assert stored is not None
    assert (stored["LR_Fit_Score__c"], stored["LR_Lifecycle_Stage__c"], stored["Title"]) == (
        85.0,
        "MQL",
        "情報システム部 部長",
    )


def test_upsert_creates_then_updates_by_external_id(
    local_org: LocalOrg, local_org_client: Salesforce
) -> None:
    fields = {"LastName": "佐藤", "FirstName": "花子", "Company": "サンプル物産株式会社"}

    first = api(local_org_client, "Lead").upsert("LR_External_Key__c/lr-0001", fields, raw_response=True)
    second = api(local_org_client, "Lead").upsert(
        "LR_External_Key__c/lr-0001", {"Title": "課長"}, raw_response=True
    )

    assert first.status_code == 201
    assert first.json()["created"] is True
    assert second.status_code == 200
    assert second.json() == {"id": first.json()["id"], "success": True, "errors": [], "created": False}
    assert [r["Title"] for r in local_org.records("Lead")] == ["課長"]


def test_upsert_with_several_matches_answers_300_with_their_urls(tmp_path: Path) -> None:
    project = _project_with_non_unique_external_id(tmp_path)
    with LocalOrg(metadata_dir=project) as org:
        ids = [org.insert("Contact", {"LastName": name, "MA_Id__c": "ma-42"}) for name in ("山田", "佐藤")]

        error = _error(api(org.client(), "Contact").upsert, "MA_Id__c/ma-42", {"Title": "部長"})

    assert error.status == 300
    assert content(error) == [f"/services/data/v62.0/sobjects/Contact/{i}" for i in ids]
    assert len(content(error)) == len(SINGLE["http_300_external_id_multiple_matches"])


def _project_with_non_unique_external_id(root: Path) -> Path:
    fields = root / "force-app" / "main" / "default" / "objects" / "Contact" / "fields"
    fields.mkdir(parents=True)
    (root / "sfdx-project.json").write_text(
        '{"packageDirectories": [{"path": "force-app", "default": true}]}'
    )
    (fields / "MA_Id__c.field-meta.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">\n'
        "    <fullName>MA_Id__c</fullName><externalId>true</externalId><label>MA Id</label>\n"
        "    <length>64</length><type>Text</type><unique>false</unique>\n"
        "</CustomField>\n"
    )
    return root


def test_missing_required_field_matches_salesforce_error(local_org_client: Salesforce) -> None:
    error = _error(api(local_org_client, "Contact").create, {"FirstName": "太郎"})

    assert error.status == 400
    assert content(error) == SINGLE["http_400_required_field_missing"]


def test_unknown_field_matches_salesforce_error(local_org_client: Salesforce) -> None:
    error = _error(api(local_org_client, "Contact").create, {"LastName": "山田", "Foo__c": "x"})

    assert error.status == 400
    assert content(error) == SINGLE["http_400_invalid_field"]


def test_unknown_id_answers_404_not_found(local_org_client: Salesforce) -> None:
    error = _error(api(local_org_client, "Lead").get, "00QRM0000099999")

    assert isinstance(error, SalesforceResourceNotFound)
    assert content(error) == SINGLE["http_404_not_found"]


def test_updating_a_deleted_record_answers_entity_is_deleted(
    local_org: LocalOrg, local_org_client: Salesforce, yamada: dict[str, Any]
) -> None:
    lead_id = local_org.insert("Lead", yamada)
    assert api(local_org_client, "Lead").delete(lead_id) == 204

    error = _error(api(local_org_client, "Lead").update, lead_id, {"Title": "部長"})

    assert error.status == 404
    assert content(error) == [
        {"message": "entity is deleted", "errorCode": "ENTITY_IS_DELETED", "fields": []}
    ]


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"Title": "部長" * 65}, "STRING_TOO_LONG", "Title"),
        (
            {"LR_Lifecycle_Stage__c": "Hot"},
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
            "LR_Lifecycle_Stage__c",
        ),
        ({"LR_Fit_Score__c": "very high"}, "INVALID_TYPE_ON_FIELD_IN_RECORD", "LR_Fit_Score__c"),
        ({"LR_Fit_Score__c": 1000}, "NUMBER_OUTSIDE_VALID_RANGE", "LR_Fit_Score__c"),
        ({"LR_MQL_At__c": "yesterday"}, "INVALID_TYPE_ON_FIELD_IN_RECORD", "LR_MQL_At__c"),
        ({"Email": "not-an-address"}, "INVALID_EMAIL_ADDRESS", "Email"),
        ({"CreatedDate": "2024-04-01T00:00:00Z"}, "INVALID_FIELD_FOR_INSERT_UPDATE", "CreatedDate"),
        ({"LastName": None}, "REQUIRED_FIELD_MISSING", "LastName"),
        ({"OwnerId": "00QRM0000000001AAA"}, "FIELD_INTEGRITY_EXCEPTION", "OwnerId"),
        ({"OwnerId": "005RM0000009999AAA"}, "INVALID_CROSS_REFERENCE_KEY", "OwnerId"),
    ],
)
def test_bad_field_values_are_rejected_with_the_field_named(
    local_org: LocalOrg,
    local_org_client: Salesforce,
    yamada: dict[str, Any],
    fields: dict[str, Any],
    code: str,
    field: str,
) -> None:
    lead_id = local_org.insert("Lead", yamada)

    error = _error(api(local_org_client, "Lead").update, lead_id, fields)

    assert error.status == 400
    assert content(error)[0]["errorCode"] == code
    assert content(error)[0]["fields"] == [field]
    assert local_org.record("Lead", lead_id) == local_org.records("Lead")[0]  # unchanged, still there
    assert local_org.change_events("Lead")[-1]["ChangeEventHeader"]["changeType"] == "CREATE"


def test_duplicate_external_id_is_duplicate_value(local_org: LocalOrg, local_org_client: Salesforce) -> None:
    first = local_org.insert("Lead", {"LastName": "山田", "Company": "A", "LR_External_Key__c": "lr-1"})

    error = _error(
        api(local_org_client, "Lead").create,
        {"LastName": "佐藤", "Company": "B", "LR_External_Key__c": "LR-1"},
    )

    assert content(error)[0]["errorCode"] == "DUPLICATE_VALUE"
    assert first in content(error)[0]["message"]


def test_numbers_are_rounded_to_the_field_scale(local_org: LocalOrg, local_org_client: Salesforce) -> None:
    leads = api(local_org_client, "Lead")

    lead_id = leads.create({"LastName": "山田", "Company": "A", "LR_Fit_Score__c": "84.5"})["id"]

    assert leads.get(lead_id)["LR_Fit_Score__c"] == 85.0


def test_unknown_sobject_answers_404(local_org: LocalOrg) -> None:
    response = requests.post(
        f"{local_org.url}/services/data/v62.0/sobjects/Leed",
        json={"LastName": "山田"},
        headers={"Authorization": f"Bearer {local_org.session_id}"},
        verify=local_org.ca_file,
        timeout=5,
    )

    assert response.status_code == 404
    assert response.json()[0]["errorCode"] == "NOT_FOUND"
