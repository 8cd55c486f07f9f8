"""The org's objects and fields come from the project's Salesforce DX source (infra/salesforce)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from leadrelay_tools.localorg import LocalOrg
from leadrelay_tools.localorg.ids import checksum_suffix, normalize_id
from leadrelay_tools.localorg.metadata import MetadataError, load_schema
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceResourceNotFound

from tests.localorg.payloads import api

DX = Path(__file__).resolve().parents[2] / "infra" / "salesforce"
OBJECTS = DX / "force-app" / "main" / "default" / "objects"
NS = "{http://soap.sforce.com/2006/04/metadata}"
LEADRELAY_FIELDS = {
    "LR_Fit_Score__c": "Number",
    "LR_Engagement_Score__c": "Number",
    "LR_Lifecycle_Stage__c": "Picklist",
    "LR_Stage_Reason__c": "Text",
    "LR_MQL_At__c": "DateTime",
    "LR_Rules_Version__c": "Text",
    "LR_Routing_Reason__c": "Text",
    "LR_First_Touch_Source__c": "Text",
    "LR_First_Touch_Campaign__c": "Text",
    "LR_Last_Touch_Source__c": "Text",
    "LR_Last_Touch_Campaign__c": "Text",
    "LR_Sales_Active__c": "Checkbox",
    "LR_Score_Reasons__c": "LongTextArea",
    "LR_SLA_Due_At__c": "DateTime",
    "LR_SLA_Status__c": "Picklist",
    "LR_SLA_Started_At__c": "DateTime",
    "LR_SLA_Breached_At__c": "DateTime",
    "LR_SLA_Actions__c": "Text",
    "LR_First_Contact_At__c": "DateTime",
    "LR_External_Key__c": "Text",
    "LR_Budget_Confirmed__c": "Checkbox",
    "LR_Authority_Confirmed__c": "Checkbox",
    "LR_Need_Confirmed__c": "Checkbox",
    "LR_Timeline_Confirmed__c": "Checkbox",
    "LR_Opportunity_Stage__c": "Text",
    **dict.fromkeys(
        (
            "LR_Match_Email__c",
            "LR_Match_Phone__c",
            "LR_Match_Name__c",
            "LR_Match_Company__c",
            "LR_Match_Domain__c",
        ),
        "Text",
    ),
}
LEAD_ONLY_FIELDS = {
    "LR_Potential_Duplicate__c": "Text",
    "LR_Match_Score__c": "Number",
    "LR_Match_Reasons__c": "LongTextArea",
    "LR_Matched_Account__c": "Lookup",
    "LR_Matched_Account_Owner__c": "Lookup",
    "LR_Corporate_Number__c": "Text",
}
"""What the real-time match writes on a lead (issue 12): its potential duplicate and matched account."""


@pytest.mark.parametrize("sobject", ["Lead", "Contact"])
def test_dx_source_declares_leadrelay_fields_on_leads_and_contacts(sobject: str) -> None:
    declared = {}
    for path in (OBJECTS / sobject / "fields").glob("*.field-meta.xml"):
        root = ET.parse(path).getroot()  # noqa: S314 - our own repository file
        assert root.tag == f"{NS}CustomField", path
        assert root.findtext(f"{NS}fullName") == path.name.removesuffix(".field-meta.xml")
        declared[root.findtext(f"{NS}fullName")] = root.findtext(f"{NS}type")

    assert declared == {**LEADRELAY_FIELDS, **(LEAD_ONLY_FIELDS if sobject == "Lead" else {})}


def test_the_platform_event_is_high_volume_and_published_after_commit() -> None:
    root = ET.parse(OBJECTS / "Lead_Activity__e" / "Lead_Activity__e.object-meta.xml").getroot()  # noqa: S314
    fields = {
        p.name.removesuffix(".field-meta.xml") for p in (OBJECTS / "Lead_Activity__e" / "fields").iterdir()
    }

    assert root.findtext(f"{NS}eventType") == "HighVolume"
    assert root.findtext(f"{NS}publishBehavior") == "PublishAfterCommit"
    assert fields == {
        "Email__c",
        "Lead_Id__c",
        "MA_Id__c",
        "Activity_Type__c",
        "Occurred_At__c",
        "Url__c",
        "Asset__c",
        "Campaign__c",
        "Source__c",
        "Event_Key__c",
    }


def test_the_project_file_names_its_package_directory() -> None:
    project = json.loads((DX / "sfdx-project.json").read_text(encoding="utf-8"))

    assert project["packageDirectories"] == [{"path": "force-app", "default": True}]


def test_field_types_lengths_and_picklists_come_from_the_dx_source() -> None:
    lead = load_schema(DX).get("Lead")
    assert lead is not None

    stage, key, score = (
        lead.field("LR_Lifecycle_Stage__c"),
        lead.field("LR_External_Key__c"),
        lead.field("LR_Fit_Score__c"),
    )

    assert stage is not None
    assert key is not None
    assert score is not None
    assert stage.restricted
    assert "MQL" in stage.picklist
    assert (key.external_id, key.unique, key.length) == (True, True, 255)
    assert (score.type, score.precision, score.scale) == ("double", 3, 0)


def test_describe_lists_the_custom_fields(local_org_client: Salesforce) -> None:
    fields = {f["name"]: f for f in api(local_org_client, "Contact").describe()["fields"]}

    assert fields["LR_SLA_Status__c"]["picklistValues"][0]["value"] == "On Track"
    assert fields["LastName"]["nillable"] is False
    assert fields["CreatedDate"]["updateable"] is False


def test_a_field_added_to_the_dx_source_is_served(tmp_path: Path) -> None:
    fields = tmp_path / "force-app" / "main" / "default" / "objects" / "Lead" / "fields"
    fields.mkdir(parents=True)
    (tmp_path / "sfdx-project.json").write_text('{"packageDirectories": [{"path": "force-app"}]}')
    (fields / "Seminar__c.field-meta.xml").write_text(
        '<CustomField xmlns="http://soap.sforce.com/2006/04/metadata"><fullName>Seminar__c</fullName>'
        "<label>セミナー</label><length>40</length><type>Text</type></CustomField>"
    )

    with LocalOrg(metadata_dir=tmp_path) as org:
        lead_id = api(org.client(), "Lead").create(
            {"LastName": "山田", "Company": "A", "Seminar__c": "DX推進セミナー"}
        )["id"]
        assert org.record("Lead", lead_id)["Seminar__c"] == "DX推進セミナー"  # type: ignore[index]


def test_broken_dx_source_is_reported_with_the_file(tmp_path: Path) -> None:
    fields = tmp_path / "force-app" / "main" / "default" / "objects" / "Lead" / "fields"
    fields.mkdir(parents=True)
    (tmp_path / "sfdx-project.json").write_text('{"packageDirectories": [{"path": "force-app"}]}')
    (fields / "Broken__c.field-meta.xml").write_text("<CustomField>")

    with pytest.raises(MetadataError, match=r"Broken__c\.field-meta\.xml"):
        load_schema(tmp_path)


def test_ids_are_case_safe_like_salesforce() -> None:
    assert checksum_suffix("001A0000006Vm9r") == "IAC"  # Salesforce's documented example
    assert normalize_id("001A0000006Vm9r") == "001A0000006Vm9rIAC"
    assert normalize_id("001a0000006vm9riac") == "001A0000006Vm9rIAC"
    assert normalize_id("not-an-id") is None


def test_describe_answers_in_salesforces_shape(local_org_client: Salesforce) -> None:
    described = api(local_org_client, "Lead").describe()
    fields = {f["name"]: f for f in described["fields"]}

    assert (described["name"], described["keyPrefix"], described["custom"]) == ("Lead", "00Q", False)
    assert described["queryable"] is True
    assert described["urls"]["describe"].endswith("/sobjects/Lead/describe")
    assert (fields["LR_Fit_Score__c"]["custom"], fields["Company"]["custom"]) == (True, False)
    assert fields["OwnerId"]["relationshipName"] == "Owner"
    assert fields["OwnerId"]["referenceTo"] == ["User"]
    assert fields["Status"]["defaultValue"] == "Open - Not Contacted"
    status_values = {v["value"]: v["defaultValue"] for v in fields["Status"]["picklistValues"]}
    assert status_values["Open - Not Contacted"] is True


def test_describing_an_object_the_org_lacks_is_not_found(local_org_client: Salesforce) -> None:
    with pytest.raises(SalesforceResourceNotFound):
        api(local_org_client, "Seminar__c").describe()
