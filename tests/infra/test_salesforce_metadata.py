"""infra/salesforce: what an admin deploys for leadrelay covers every field, event and channel the code uses.

The fields come from the code, not from a list kept beside it: what the processor reads is
``PersonFields`` over the shipped rules (identity fields, every field ``ownership.json`` names, the
``lead.*`` fields the rules read, the fields the match rules compare) and the Account fields of
lead-to-account matching; what it writes is what ``ObjectOwnership.may_write`` allows (Leads
are created, Contacts only updated: ``domain.identity``). `make salesforce-check` converts the same source
with the real Salesforce CLI.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from leadrelay.domain.matching.keys import key_fields
from leadrelay.ingress import salesforce as salesforce_ingress
from leadrelay.pipeline.fields import PERSON_OBJECTS, PersonFields
from leadrelay.pipeline.matching import ACCOUNT_FIELDS, MATCH_READ_FIELDS
from leadrelay.rulefiles.bundle import load_rule_bundle
from leadrelay_tools.localorg.standard import standard_objects

from tests.infra.cfn import ROOT

PROJECT = ROOT / "infra" / "salesforce"
SOURCE = PROJECT / "force-app" / "main" / "default"
TEMPLATES = PROJECT / "templates"
NS = {"md": "http://soap.sforce.com/2006/04/metadata"}
PERMISSION_SET = SOURCE / "permissionsets" / "LeadRelay_Integration.permissionset-meta.xml"
CREATED: dict[str, bool] = {"Lead": True, "Contact": False}
"""Whether leadrelay creates records of the object (only Leads), which lets it set the MA's fields."""
ALWAYS_GRANTED = {"FirstName", "OwnerId"}
"""Standard fields without field-level security besides the read-only and required ones: name parts
and the owner follow the object permission."""
COMPOUND = {
    "Lead": dict.fromkeys(("Street", "City", "State", "PostalCode", "Country"), "Address"),
    "Contact": {
        f"Mailing{part}": "MailingAddress" for part in ("Street", "City", "State", "PostalCode", "Country")
    },
}
"""Address parts get their field permission through the compound address field."""


def _xml(path: Path) -> ET.Element:
    return ET.parse(path).getroot()  # noqa: S314 - the project's own metadata


def _text(node: ET.Element, tag: str) -> str:
    found = node.find(f"md:{tag}", NS)
    return (found.text or "").strip() if found is not None else ""


def _source_files(*folders: Path) -> Iterator[Path]:
    for folder in folders:
        yield from sorted(folder.rglob("*-meta.xml"))


@pytest.fixture(scope="module")
def permission_set() -> ET.Element:
    return _xml(PERMISSION_SET)


@pytest.fixture(scope="module")
def usage() -> dict[str, dict[str, bool]]:
    """Object → field → whether leadrelay writes it (``False``: reads only)."""
    bundle = load_rule_bundle(ROOT / "rules")
    fields = PersonFields(bundle.ownership, [*bundle.lead_fields, *MATCH_READ_FIELDS])
    used: dict[str, dict[str, bool]] = {}
    for sobject in PERSON_OBJECTS:
        ownership = bundle.ownership.for_object(sobject)
        assert ownership is not None
        used[sobject] = {
            name: ownership.may_write(name, creating=CREATED[sobject]) for name in fields[sobject]
        }
    task = bundle.ownership.for_object("Task")  # the routed owner's follow-up Task, upserted on its key
    assert task is not None
    used["Task"] = {name: True for name in task.leadrelay if name.endswith("__c")}
    used["Account"] = {name: name in key_fields("Account") for name in ACCOUNT_FIELDS}  # lead-to-account
    return used


def _custom_fields(sobject: str) -> set[str]:
    return {
        path.name.split(".")[0] for path in (SOURCE / "objects" / sobject / "fields").glob("*.field-meta.xml")
    }


def _no_field_permission(sobject: str) -> set[str]:
    """Standard fields a permission set cannot grant: system-maintained, required, name parts, owner."""
    (obj,) = [o for o in standard_objects() if o.name == sobject]
    return {
        f.name for f in obj.fields.values() if f.required or not (f.createable or f.updateable)
    } | ALWAYS_GRANTED


def _expected_field_permissions(usage: dict[str, dict[str, bool]]) -> dict[str, bool]:
    expected: dict[str, bool] = {}
    for sobject, fields in usage.items():
        for name, writes in fields.items():
            if name in _no_field_permission(sobject):
                continue
            granted = f"{sobject}.{COMPOUND.get(sobject, {}).get(name, name)}"
            expected[granted] = expected.get(granted, False) or writes
    return expected


def _granted_fields(permission_set: ET.Element) -> dict[str, bool]:
    grants: dict[str, bool] = {}
    for node in permission_set.findall("md:fieldPermissions", NS):
        assert _text(node, "readable") == "true", _text(node, "field")
        grants[_text(node, "field")] = _text(node, "editable") == "true"
    return grants


def _object_permission(permission_set: ET.Element, sobject: str) -> dict[str, str]:
    (node,) = [n for n in permission_set.findall("md:objectPermissions", NS) if _text(n, "object") == sobject]
    return {child.tag.split("}")[1]: (child.text or "") for child in node}


@pytest.mark.parametrize("path", list(_source_files(SOURCE, TEMPLATES)), ids=lambda p: p.name)
def test_every_metadata_file_is_well_formed_metadata_api_xml(path: Path) -> None:
    assert _xml(path).tag.startswith("{http://soap.sforce.com/2006/04/metadata}")


def test_every_custom_field_leadrelay_uses_is_defined_and_every_other_one_is_standard(
    usage: dict[str, dict[str, bool]],
) -> None:
    standard = {o.name: {f.name for f in o.fields.values()} for o in standard_objects()}
    undefined = {
        f"{sobject}.{name}"
        for sobject, fields in usage.items()
        for name in fields
        if name not in (_custom_fields(sobject) if name.endswith("__c") else standard[sobject])
    }
    assert undefined == set()


def test_the_permission_set_grants_edit_on_exactly_the_fields_leadrelay_writes_and_read_on_those_it_reads(
    usage: dict[str, dict[str, bool]], permission_set: ET.Element
) -> None:
    assert _granted_fields(permission_set) == _expected_field_permissions(usage)


def test_every_custom_field_on_leads_and_contacts_is_one_leadrelay_uses(
    usage: dict[str, dict[str, bool]],
) -> None:
    unused = {f"{o}.{name}" for o in PERSON_OBJECTS for name in _custom_fields(o) - set(usage[o])}
    assert unused == set()


def test_leadrelay_may_create_and_edit_leads_edit_contacts_and_delete_nothing(
    permission_set: ET.Element,
) -> None:
    lead, contact = (_object_permission(permission_set, o) for o in ("Lead", "Contact"))

    assert (lead["allowCreate"], lead["allowEdit"], lead["allowRead"]) == ("true", "true", "true")
    assert (contact["allowCreate"], contact["allowEdit"], contact["allowRead"]) == ("false", "true", "true")
    assert {lead["allowDelete"], contact["allowDelete"], lead["modifyAllRecords"]} == {"false"}


def test_lead_to_account_matching_reads_every_account_and_edits_only_their_match_keys(
    permission_set: ET.Element,
) -> None:
    account = _object_permission(permission_set, "Account")

    assert (account["allowRead"], account["viewAllRecords"], account["allowEdit"]) == ("true", "true", "true")
    assert (account["allowCreate"], account["allowDelete"], account["modifyAllRecords"]) == ("false",) * 3


def test_lookups_see_every_lead_and_contact_whoever_owns_it(permission_set: ET.Element) -> None:
    assert {_object_permission(permission_set, o)["viewAllRecords"] for o in PERSON_OBJECTS} == {"true"}


def test_the_permission_set_reads_the_platform_event_enables_the_api_and_lets_it_write_tasks(
    permission_set: ET.Element,
) -> None:
    event = _object_permission(permission_set, "Lead_Activity__e")
    user_permissions = {
        _text(n, "name")
        for n in permission_set.findall("md:userPermissions", NS)
        if _text(n, "enabled") == "true"
    }

    assert (event["allowRead"], event["allowCreate"]) == ("true", "false")
    assert user_permissions == {"ApiEnabled", "EditTask"}  # EditTask: the follow-up Task at a hand-off


def test_every_platform_event_field_the_ingress_reads_is_defined_on_lead_activity() -> None:
    read = set(
        re.findall(r"\"([A-Za-z0-9_]+__c)\"", Path(salesforce_ingress.__file__).read_text(encoding="utf-8"))
    )

    assert read
    assert read - _custom_fields("Lead_Activity__e") == set()


def _channel_members() -> dict[str, set[str]]:
    members: dict[str, set[str]] = {}
    for path in (SOURCE / "platformEventChannelMembers").glob("*.platformEventChannelMember-meta.xml"):
        node = _xml(path)
        members.setdefault(_text(node, "eventChannel"), set()).add(_text(node, "selectedEntity"))
    return members


def _channels() -> dict[str, str]:
    return {
        path.name.split(".")[0]: _text(_xml(path), "channelType")
        for path in (SOURCE / "platformEventChannels").glob("*.platformEventChannel-meta.xml")
    }


def test_the_channels_carry_what_the_stacks_event_rules_let_through(template: dict[str, Any]) -> None:
    resources = template["Resources"]

    assert _channels() == {"LeadRelay_Activities__chn": "event", "LeadRelay_Changes__chn": "data"}
    assert _channel_members() == {
        "LeadRelay_Activities__chn": set(
            resources["PlatformEventRule"]["Properties"]["EventPattern"]["detail-type"]
        ),
        "LeadRelay_Changes__chn": set(
            resources["ChangeEventRule"]["Properties"]["EventPattern"]["detail-type"]
        ),
    }


def test_the_named_credential_template_is_a_legacy_one_with_an_upper_case_region() -> None:
    (path,) = (TEMPLATES / "namedCredentials").glob("*.namedCredential-meta.xml")
    credential = _xml(path)

    assert _text(credential, "namedCredentialType") == "Legacy"
    assert re.fullmatch(r"arn:aws:[A-Z]{2}(-GOV)?-[A-Z]+-\d:\d{12}", _text(credential, "endpoint"))


def test_each_event_relay_template_relays_a_channel_of_the_source_through_the_named_credential() -> None:
    (credential,) = (TEMPLATES / "namedCredentials").glob("*.namedCredential-meta.xml")
    relays = [_xml(path) for path in sorted((TEMPLATES / "eventRelays").glob("*.eventRelay-meta.xml"))]

    assert sorted(_text(relay, "eventChannel") for relay in relays) == sorted(_channels())
    assert {_text(relay, "destinationResourceName") for relay in relays} == {
        f"callout:{credential.name.split('.')[0]}"
    }
    assert {_text(relay, "state") for relay in relays} == {"STOP"}


def test_change_events_are_enriched_with_the_fields_the_change_parser_needs() -> None:
    enriched = {
        _text(node, "selectedEntity"): {
            _text(field, "name") for field in node.findall("md:enrichedFields", NS)
        }
        for node in map(
            _xml, (SOURCE / "platformEventChannelMembers").glob("*.platformEventChannelMember-meta.xml")
        )
        if node.find("md:enrichedFields", NS) is not None
    }

    assert enriched == {
        "TaskChangeEvent": {"WhoId", "Status"},  # whom a completed task was about (salesforce_cdc)
        "EventChangeEvent": {"WhoId"},  # whom a logged meeting or call was with (first contact)
        "LeadChangeEvent": {"Email"},
        "ContactChangeEvent": {"Email"},
    }
