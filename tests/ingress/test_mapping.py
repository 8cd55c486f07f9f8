"""Declarative mappings (rules/mappings/*.json): provider payloads → canonical events, precise complaints."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from leadrelay.adapters.mapping_files import MappingFilesError, load_mappings
from leadrelay.ingress.mapping import CompiledMapping, compile_mapping, map_payload
from leadrelay.ingress.mapping_model import MappingFile
from leadrelay.ingress.results import IngressError, NoticeKind

from tests.ingress.builders import EMAIL, NOW, RULES, generic_body, reference

MAPPINGS = load_mappings(RULES)


def _map(provider: str, payload: Any) -> Any:
    return map_payload(MAPPINGS[provider], payload, received_at=NOW)


def _rejected(provider: str, payload: Any) -> str:
    with pytest.raises(IngressError) as caught:
        _map(provider, payload)
    return str(caught.value)


def test_the_shipped_mappings_cover_hubspot_marketo_generic_and_account_engagement() -> None:
    assert sorted(MAPPINGS) == ["account_engagement", "generic", "hubspot", "marketo"]


def test_the_hubspot_reference_batch_maps_each_event_to_an_activity_of_the_contact() -> None:
    events = _map("hubspot", reference("hubspot_webhook_batch.json")).events

    assert [event.identity.ma_id for event in events] == ["1246965", "1246978"]
    assert events[0].idempotency_key == "hubspot:33:25:3816279340:1246965"
    assert events[0].occurred_at == datetime(2016, 5, 2, 19, 11, 47, 945000, tzinfo=UTC)
    assert events[0].attributes["property"] == "lifecyclestage"
    assert events[1].attributes["hubspot_event"] == "contact.creation"


def test_hubspot_engagement_property_changes_become_activity_types() -> None:
    change = {**reference("hubspot_webhook_batch.json")[0], "propertyName": "hs_email_last_open_date"}

    assert _map("hubspot", [change]).events[0].type == "email_opened"


def test_older_hubspot_payloads_naming_the_type_event_type_map_the_same() -> None:
    (old,) = [dict(reference("hubspot_webhook_batch.json")[1])]
    old["eventType"] = old.pop("subscriptionType")

    assert _map("hubspot", [old]).events[0].attributes["hubspot_event"] == "contact.creation"


def test_hubspot_events_about_other_objects_are_skipped_not_rejected() -> None:
    deal = {**reference("hubspot_webhook_batch.json")[1], "subscriptionType": "deal.creation"}

    result = _map("hubspot", [deal])

    assert result.events == ()
    assert result.notices[0].kind is NoticeKind.SKIPPED


def test_more_than_a_hundred_hubspot_events_are_rejected() -> None:
    batch = [reference("hubspot_webhook_batch.json")[0]] * 101

    assert _rejected("hubspot", batch) == "$: has 101 events; at most 100 per request"


def test_the_marketo_rendered_example_maps_with_its_trigger_as_type() -> None:
    (event,) = _map("marketo", reference("marketo_webhook_payload_template.json")["rendered_example"]).events

    assert event.type == "email_clicked"
    assert event.identity.salesforce_id == "0035f00000XyZabAAB"
    assert event.identity.ma_id == "318581"
    assert event.attributes["url"] == "https://www.example.com/webinar?utm_source=email"
    assert event.occurred_at == NOW
    assert event.idempotency_key == "marketo:318581:4512:Clicks Link in Email:2024-06-12 10:42:31"


def test_marketo_name_and_company_tokens_become_salesforce_fields() -> None:
    payload = {
        **reference("marketo_webhook_payload_template.json")["rendered_example"],
        "lastName": "山田",
        "firstName": "太郎",
        "company": "株式会社サンプル商事",
        "phone": "",
    }

    (event,) = _map("marketo", payload).events

    assert event.fields == {
        "LastName": "山田",
        "FirstName": "太郎",
        "Company": "株式会社サンプル商事",
        "Phone": "",
    }


def test_a_marketo_corporate_number_token_becomes_the_leads_corporate_number() -> None:
    payload = {
        **reference("marketo_webhook_payload_template.json")["rendered_example"],
        "corporateNumber": "4011001098993",
    }

    (event,) = _map("marketo", payload).events

    assert event.fields == {
        "LR_Corporate_Number__c": "4011001098993"
    }  # 法人番号: normalised by the processor


def test_a_generic_event_maps_its_attributes_and_fields() -> None:
    (event,) = _map("generic", json.loads(generic_body())).events

    assert event.idempotency_key == "generic:evt-2026-11-21-0000"
    assert event.type == "page_view"
    assert event.identity.email == EMAIL
    assert event.fields["Company"] == "株式会社サンプル商事"
    assert event.occurred_at == datetime(2026, 11, 21, 5, 10, tzinfo=UTC)


def test_account_engagement_uses_the_generic_format_under_its_own_source() -> None:
    (event,) = _map("account_engagement", json.loads(generic_body())).events

    assert event.source == "account_engagement"
    assert event.idempotency_key.startswith("account_engagement:")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": None}, "$.events[0].id: is required (the event's idempotency key) [idempotency_key]"),
        (
            {"type": "visit"},
            "$.events[0].type: found 'visit', which is not an activity type nor in type.values [type.path]",
        ),
        ({"occurred_at": True}, "$.events[0].occurred_at: expected a time, got boolean [occurred_at.path]"),
        ({"occurred_at": "21/11/2026"}, "$.events[0].occurred_at: is not an ISO-8601 time"),
        ({"occurred_at": 99_999_999_999}, "$.events[0].occurred_at: is not a plausible time"),
        ({"occurred_at": 10**30}, "$.events[0].occurred_at: is out of the range of times"),
        ({"email": None}, "$.events[0]: names nobody"),
        ({"salesforce_id": "lead-1"}, "$.events[0].salesforce_id: is not a Salesforce id"),
        ({"email": ["a@b.jp"]}, "$.events[0].email: expected a string, got array [identity.email]"),
        (
            {"attributes": "pricing"},
            "$.events[0].attributes: expected an object, got string [attributes_from]",
        ),
        (
            {"fields": {"Last Name": "山田"}},
            '$.events[0].fields["Last Name"]: is not a Salesforce field name',
        ),
        (
            {"fields": {"Company": {"name": "x"}}},
            "$.events[0].fields.Company: expected a text, number or boolean",
        ),
    ],
)
def test_a_generic_event_that_fails_the_mapping_is_rejected_naming_its_path(
    change: dict[str, Any], message: str
) -> None:
    payload = json.loads(generic_body(**change))

    assert message in _rejected("generic", payload)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"event": []}, "$.events: expected a list of events, got null [events]"),
        ({"events": [1]}, "$.events[0]: expected an object, got number"),
        ([], "$.events: expected a list of events, got null [events]"),
    ],
)
def test_a_generic_body_of_the_wrong_shape_is_rejected(payload: Any, message: str) -> None:
    assert _rejected("generic", payload) == message


def test_an_empty_event_list_maps_to_nothing() -> None:
    assert _map("generic", {"events": []}).events == ()


def _spec(**changes: Any) -> dict[str, Any]:
    return {**json.loads((RULES / "mappings" / "generic.json").read_text(encoding="utf-8")), **changes}


def test_an_admin_adds_a_salesforce_field_with_one_line() -> None:
    spec = _spec(fields={"LR_MA_Campaign__c": "attributes.campaign"})
    mapping: CompiledMapping = compile_mapping(MappingFile.model_validate(spec))
    payload = json.loads(generic_body(attributes={"campaign": "2026秋 ウェビナー"}))

    (event,) = map_payload(mapping, payload, received_at=NOW).events

    assert event.fields["LR_MA_Campaign__c"] == "2026秋 ウェビナー"


def _problems(tmp_path: Path, spec: dict[str, Any]) -> str:
    (tmp_path / "mappings").mkdir(exist_ok=True)
    (tmp_path / "mappings" / "broken.json").write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(MappingFilesError) as caught:
        load_mappings(tmp_path)
    return str(caught.value)


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        ({"idempotency_key": "events[?"}, "/idempotency_key"),
        ({"fields": {"Company": "a..b"}}, "/fields/Company"),
        ({"occurred_at": {"path": "t", "timezone": "Mars/Olympus"}}, "/occurred_at/timezone"),
        ({"type": {}}, "/type"),
        ({"identity": {}}, "/identity"),
        ({"provider": "Hub Spot"}, "/provider"),
        ({"signature": {"scheme": "hmac_md5"}}, "/signature/scheme"),
        ({"surprise": 1}, "/surprise"),
    ],
)
def test_a_broken_mapping_file_is_reported_by_file_and_pointer(
    tmp_path: Path, change: dict[str, Any], pointer: str
) -> None:
    assert f"broken.json:{pointer}:" in _problems(tmp_path, _spec(**change))


def test_two_files_mapping_the_same_provider_are_reported(tmp_path: Path) -> None:
    (tmp_path / "mappings").mkdir()
    (tmp_path / "mappings" / "a.json").write_text(json.dumps(_spec()), encoding="utf-8")

    assert "provider 'generic' is mapped twice" in _problems(tmp_path, _spec())


@pytest.mark.parametrize("timezone", ["Asia/Tokyo", "+09:00"])
def test_a_marketo_local_time_is_read_in_the_configured_time_zone(timezone: str) -> None:
    spec = json.loads((RULES / "mappings" / "marketo.json").read_text(encoding="utf-8"))
    spec["occurred_at"] = {"path": "sentAt", "timezone": timezone}
    mapping = compile_mapping(MappingFile.model_validate(spec))
    example = reference("marketo_webhook_payload_template.json")["rendered_example"]

    (event,) = map_payload(mapping, example, received_at=NOW).events

    assert event.occurred_at == datetime(2024, 6, 12, 1, 42, 31, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "fmt"),
    [(1763702220000, "epoch_millis"), (1763702220, "epoch_seconds"), ("1763702220000", "auto")],
)
def test_epoch_times_are_read_in_milliseconds_or_seconds(value: object, fmt: str) -> None:
    spec = _spec(occurred_at={"path": "occurred_at", "format": fmt})
    mapping = compile_mapping(MappingFile.model_validate(spec))

    (event,) = map_payload(mapping, json.loads(generic_body(occurred_at=value)), received_at=NOW).events

    assert event.occurred_at == datetime(2025, 11, 21, 5, 17, tzinfo=UTC)
