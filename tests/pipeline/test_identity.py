"""Identity resolution: which Lead or Contact an event is about (core/identity.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from leadrelay.domain.events import CanonicalEvent, EventKind, EventSource, Identity
from leadrelay.domain.identity import (
    PLACEHOLDER,
    NewLead,
    Person,
    PersonIndex,
    Unresolved,
    converted_contact_ids,
    fields_for,
    identity_from_key,
    lookups_for,
    new_lead_fields,
    split_name,
)

TARO = "taro.yamada@sample-shoji.co.jp"


def lead(record_id: str, email: str | None = TARO, **fields: Any) -> dict[str, Any]:
    return {"Id": record_id, "Email": email, "IsConverted": False, **fields}


def contact(record_id: str, email: str | None = TARO, **fields: Any) -> dict[str, Any]:
    return {"Id": record_id, "Email": email, **fields}


def resolved_id(index: PersonIndex, identity: Identity) -> str:
    person = index.resolve(identity)
    assert isinstance(person, Person), person
    return person.record_id


def test_an_explicit_lead_id_wins_over_the_email() -> None:
    index = PersonIndex([lead("00Q000000000001"), lead("00Q000000000002", "other@sample-shoji.co.jp")], [])
    identity = Identity(email=TARO, salesforce_id="00Q000000000002")
    assert resolved_id(index, identity) == "00Q000000000002"


def test_an_18_character_id_finds_the_record_read_with_its_15_character_form() -> None:
    index = PersonIndex([lead("00Q000000000001")], [])
    assert resolved_id(index, Identity(salesforce_id="00Q000000000001AAA")) == "00Q000000000001"


def test_a_converted_lead_id_leads_to_its_contact() -> None:
    converted = lead("00Q000000000001", IsConverted=True, ConvertedContactId="003000000000009")
    index = PersonIndex([converted], [contact("003000000000009")])
    person = index.resolve(Identity(salesforce_id="00Q000000000001"))
    assert isinstance(person, Person)
    assert (person.sobject, person.record_id) == ("Contact", "003000000000009")


def test_an_unknown_id_falls_back_to_the_email() -> None:
    index = PersonIndex([lead("00Q000000000001")], [])
    assert resolved_id(index, Identity(email=TARO, salesforce_id="00Q00000000000X")) == "00Q000000000001"


def test_a_contact_wins_over_an_unconverted_lead_with_the_same_email() -> None:
    index = PersonIndex([lead("00Q000000000001")], [contact("003000000000001")])
    assert resolved_id(index, Identity(email=TARO)) == "003000000000001"


def test_converted_leads_are_ignored_when_matching_by_email() -> None:
    index = PersonIndex([lead("00Q000000000001", IsConverted=True)], [])
    assert isinstance(index.resolve(Identity(email=TARO)), NewLead)


def test_emails_match_after_normalisation_on_both_sides() -> None:
    index = PersonIndex([lead("00Q000000000001", "Taro.Yamada@Sample-Shoji.co.jp")], [])
    full_width = Identity(email="ＴＡＲＯ．ＹＡＭＡＤＡ＠sample-shoji.co.jp")
    assert resolved_id(index, full_width) == "00Q000000000001"


def test_among_duplicate_leads_the_one_leadrelay_created_wins() -> None:
    ours = lead("00Q000000000009", LR_External_Key__c=f"email#{TARO}", LastModifiedDate="2026-01-01")
    newer = lead("00Q000000000001", LastModifiedDate="2026-11-01")
    assert resolved_id(PersonIndex([newer, ours], []), Identity(email=TARO)) == "00Q000000000009"


def test_among_duplicate_leads_the_most_recently_modified_wins_then_the_lowest_id() -> None:
    older = lead("00Q000000000001", LastModifiedDate="2026-01-01T00:00:00.000+0000")
    newer = lead("00Q000000000002", LastModifiedDate="2026-11-01T00:00:00.000+0000")
    twin = lead("00Q000000000003", LastModifiedDate="2026-11-01T00:00:00.000+0000")
    assert resolved_id(PersonIndex([twin, older, newer], []), Identity(email=TARO)) == "00Q000000000002"


def test_an_ma_id_finds_the_lead_created_under_its_external_key() -> None:
    index = PersonIndex([lead("00Q000000000001", None, LR_External_Key__c="ma#hs-501")], [])
    assert resolved_id(index, Identity(ma_id="hs-501")) == "00Q000000000001"


def test_an_ma_id_nobody_carries_is_unresolved_rather_than_a_nameless_lead() -> None:
    resolution = PersonIndex([], []).resolve(Identity(ma_id="hs-502"))
    assert isinstance(resolution, Unresolved)
    assert resolution.code == "UNKNOWN_PERSON"
    assert "hs-502" in resolution.reason


def test_an_unknown_email_becomes_a_new_lead_keyed_by_the_identity() -> None:
    resolution = PersonIndex([], []).resolve(Identity(email=TARO))
    assert resolution == NewLead(f"email#{TARO}", Identity(email=TARO))


def test_an_id_matching_nothing_without_email_cannot_be_resolved() -> None:
    resolution = PersonIndex([], []).resolve(Identity(salesforce_id="00Q000000000001"))
    assert isinstance(resolution, Unresolved)
    assert "00Q000000000001" in resolution.reason


def test_a_person_keeps_the_key_leadrelay_gave_it_else_its_email_key() -> None:
    assert Person("Lead", lead("00Q000000000001", LR_External_Key__c="ma#hs-501")).key == "ma#hs-501"
    assert Person("Lead", lead("00Q000000000001")).key == f"email#{TARO}"
    assert Person("Contact", contact("003000000000001", None)).key == "sf#003000000000001"


def test_lookups_split_ids_by_object_and_ask_external_keys_only_without_email() -> None:
    found = lookups_for(
        [
            Identity(email=TARO, salesforce_id="00Q000000000001"),
            Identity(salesforce_id="003000000000001"),
            Identity(email=TARO, ma_id="hs-1"),
            Identity(ma_id="hs-2"),
        ]
    )
    assert found.lead_ids == ("00Q000000000001",)
    assert found.contact_ids == ("003000000000001",)
    assert found.emails == (TARO,)
    assert found.external_keys == ("ma#hs-2",)


def test_converted_leads_name_the_contacts_to_read() -> None:
    leads = [lead("00Q1", IsConverted=True, ConvertedContactId="0031"), lead("00Q2")]
    assert converted_contact_ids(leads) == ("0031",)


def test_contact_queries_never_ask_for_lead_only_fields() -> None:
    assert "Company" not in fields_for("Contact", ["Company", "Title"])
    assert {"Company", "Title", "Id", "Email"} <= set(fields_for("Lead", ["Company", "Title"]))


@pytest.mark.parametrize(
    ("key", "identity"),
    [
        (f"email#{TARO}", Identity(email=TARO)),
        ("sf#00Q000000000001", Identity(salesforce_id="00Q000000000001")),
        ("ma#hs-501", Identity(ma_id="hs-501")),
    ],
)
def test_an_identity_key_reads_back_as_its_identity(key: str, identity: Identity) -> None:
    assert identity_from_key(key) == identity
    assert identity.key == key


def test_a_malformed_identity_key_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="phone#0312345678"):
        identity_from_key("phone#0312345678")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("山田 太郎", ("太郎", "山田")),
        ("山田\u3000太郎", ("太郎", "山田")),
        ("Taro Yamada", ("Taro", "Yamada")),
        ("山田", (None, "山田")),
    ],
)
def test_a_full_name_is_split_family_name_first_in_cjk(name: str, expected: tuple[str | None, str]) -> None:
    assert split_name(name) == expected


def _form(key: str, minute: int, **fields: Any) -> CanonicalEvent:
    return CanonicalEvent(
        idempotency_key=key,
        kind=EventKind.ACTIVITY,
        type="form_submitted",
        source=EventSource.HUBSPOT,
        occurred_at=datetime(2026, 11, 20, 9, minute, tzinfo=UTC),
        identity=Identity(email=TARO),
        fields=fields,
    )


def test_a_new_lead_takes_the_newest_mapped_value_of_each_field() -> None:
    events = [
        _form("e2", 5, Company="株式会社サンプル商事", Phone="03-1234-5678"),
        _form("e1", 1, Name="山田 太郎", Company="サンプル商事", LeadSource="Web"),
    ]
    fields = new_lead_fields(Identity(email=TARO), events)
    assert fields == {
        "LastName": "山田",
        "FirstName": "太郎",
        "Email": TARO,
        "Company": "株式会社サンプル商事",
        "Phone": "03-1234-5678",
        "LeadSource": "Web",
    }


def test_a_new_lead_without_name_or_company_gets_placeholders() -> None:
    fields = new_lead_fields(Identity(email=TARO), [_form("e1", 1)])
    assert fields == {"Email": TARO, "LastName": PLACEHOLDER, "Company": PLACEHOLDER}
