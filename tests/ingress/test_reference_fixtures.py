"""Every file in the shared reference set is read by ingress: parsed, mapped, or refused precisely."""

from __future__ import annotations

import pytest
from leadrelay.adapters.mapping_files import load_mappings
from leadrelay.ingress.mapping import map_payload
from leadrelay.ingress.results import IngressError
from leadrelay.ingress.salesforce import parse_salesforce_event

from tests.ingress.builders import NOW, REFERENCE, RULES, SHARED_REFERENCE, reference

MAPPINGS = load_mappings(RULES)
FILES = sorted(path.name for path in REFERENCE.glob("*.json"))
SALESFORCE_EVENTS = [name for name in FILES if name.startswith(("eventbridge_", "salesforce_cdc_"))]
API_RESPONSES = [
    name
    for name in FILES
    if name.startswith(("salesforce_collections_", "salesforce_composite_", "salesforce_rest_"))
]


def test_every_reference_file_is_either_an_inbound_event_a_webhook_sample_or_an_api_response() -> None:
    webhooks = ["hubspot_webhook_batch.json", "marketo_webhook_payload_template.json"]

    assert sorted([*SALESFORCE_EVENTS, *webhooks, *API_RESPONSES]) == FILES


@pytest.mark.parametrize("name", SALESFORCE_EVENTS)
def test_salesforce_reference_events_parse(name: str) -> None:
    result = parse_salesforce_event(reference(name), received_at=NOW)

    assert result.events or result.notices


def test_the_hubspot_reference_batch_maps() -> None:
    assert (
        len(map_payload(MAPPINGS["hubspot"], reference("hubspot_webhook_batch.json"), received_at=NOW).events)
        == 2
    )


def test_the_marketo_reference_example_maps() -> None:
    example = reference("marketo_webhook_payload_template.json")["rendered_example"]

    assert len(map_payload(MAPPINGS["marketo"], example, received_at=NOW).events) == 1


@pytest.mark.parametrize("name", API_RESPONSES)
def test_salesforce_api_responses_are_refused_as_events_at_the_root(name: str) -> None:
    with pytest.raises(IngressError) as caught:
        parse_salesforce_event(reference(name), received_at=NOW)

    assert caught.value.path == "$"


@pytest.mark.skipif(not SHARED_REFERENCE.is_dir(), reason="the shared reference set is not on this machine")
def test_the_copies_are_the_shared_reference_files() -> None:
    shared = {path.name: path.read_bytes() for path in SHARED_REFERENCE.glob("*.json")}

    assert {name: (REFERENCE / name).read_bytes() for name in shared} == shared
