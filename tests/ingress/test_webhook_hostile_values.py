"""Hostile values in signed webhooks: a 400 naming the place and the limit, or kept safely; never a 5xx."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from leadrelay.domain.events import parse_canonical_event
from leadrelay.handlers.webhook import handle
from leadrelay.ingress.json_body import MAX_DEPTH

from tests.ingress.builders import (
    FakeLambdaContext,
    api_event,
    generic_body,
    generic_headers,
    hubspot_headers,
    marketo_headers,
)
from tests.plugins.ingress import IngressAws
from tests.tiers import examples

HOLE = "__HOLE__"


def body_with(raw_json: str, count: int = 1, **where: Any) -> bytes:
    """A generic body whose ``where`` value ``HOLE`` is replaced by ``raw_json`` verbatim (in every event)."""
    return generic_body(count, **where).replace(json.dumps(HOLE).encode(), raw_json.encode())


def post(aws: IngressAws, body: bytes) -> tuple[int, dict[str, Any]]:
    response = handle(
        api_event("generic", body, generic_headers(body)), FakeLambdaContext(), aws.webhook_runtime()
    )  # type: ignore[arg-type]
    return response["statusCode"], json.loads(response["body"])


def nested(levels: int) -> str:
    """``levels`` objects nested in one another."""
    return '{"詳細":' * (levels - 1) + "{}" + "}" * (levels - 1)


def test_a_lone_surrogate_escape_is_replaced_and_every_event_of_the_request_is_queued(
    ingress_aws: IngressAws,
) -> None:
    body = generic_body(25, attributes={"title": "料金プラン " + HOLE}).replace(
        HOLE.encode(), b"\\ud83d"
    )  # an emoji cut in half by the sender

    status, answer = post(ingress_aws, body)

    assert (status, answer["accepted"]) == (200, 25)
    titles = {event.attributes["title"] for event in ingress_aws.queued_events()}
    assert titles == {"料金プラン \ufffd"}


def test_a_lone_surrogate_in_an_event_id_or_address_is_replaced_too(ingress_aws: IngressAws) -> None:
    body = body_with('"evt-\\udc00-0001"', id=HOLE).replace(b"taro.yamada@", b"taro\\ud83d.yamada@")

    status, _ = post(ingress_aws, body)

    (event,) = ingress_aws.queued_events()
    assert status == 200
    assert (event.idempotency_key, event.identity.email) == (
        "generic:evt-\ufffd-0001",
        "taro\ufffd.yamada@sample-shoji.co.jp",
    )


def test_a_valid_surrogate_pair_escape_is_the_character_it_encodes(ingress_aws: IngressAws) -> None:
    status, _ = post(ingress_aws, body_with('"\\ud83d\\ude00 ご来場"', attributes={"title": HOLE}))

    assert status == 200
    assert ingress_aws.queued_events()[0].attributes["title"] == "😀 ご来場"


DEEPEST = MAX_DEPTH - 4
"""The most levels an attribute may nest: the body, ``events``, the event and ``attributes`` are four."""


@pytest.mark.parametrize(
    ("provider", "header", "value"),
    [
        ("marketo", "X-Leadrelay-Secret", "\ud83d"),
        ("generic", "X-Leadrelay-Signature", "sha256=\udc00"),
        ("hubspot", "X-HubSpot-Signature-v3", "\ud83d"),
    ],
)
def test_a_lone_surrogate_in_a_header_is_a_401_not_a_crash(
    ingress_aws: IngressAws, provider: str, header: str, value: str
) -> None:
    body = generic_body()
    headers = {**generic_headers(body), **marketo_headers(), **hubspot_headers(body), header: value}

    response = handle(api_event(provider, body, headers), FakeLambdaContext(), ingress_aws.webhook_runtime())  # type: ignore[arg-type]

    assert response["statusCode"] == 401
    assert ingress_aws.queued_events() == []


def test_a_lone_surrogate_in_the_signed_query_string_is_a_401_not_a_crash(ingress_aws: IngressAws) -> None:
    body = generic_body()
    event = api_event("hubspot", body, hubspot_headers(body), query="portal=\ud83d")

    response = handle(event, FakeLambdaContext(), ingress_aws.webhook_runtime())  # type: ignore[arg-type]

    assert response["statusCode"] == 401


@pytest.mark.parametrize("levels", [DEEPEST + 1, 200, 255, 256, 3000, 60_000])
def test_nesting_beyond_the_documented_depth_is_refused_400_naming_the_limit(
    ingress_aws: IngressAws, levels: int
) -> None:
    body = body_with(nested(levels), attributes={"form": HOLE})

    status, answer = post(ingress_aws, body)

    assert status == 400
    assert answer["message"].endswith(
        f"is nested deeper than {MAX_DEPTH} levels of objects and arrays (the limit is {MAX_DEPTH})"
    )
    assert ingress_aws.queued_events() == []


def test_the_deepest_accepted_body_is_read_back_by_the_processor(ingress_aws: IngressAws) -> None:
    body = body_with(nested(DEEPEST), attributes={"form": HOLE})

    status, _ = post(ingress_aws, body)

    (queued,) = ingress_aws.queues.bodies(ingress_aws.queue_url)
    assert status == 200
    assert parse_canonical_event(queued).attributes["form"]  # what the processor does with each message


def test_the_depth_error_names_the_path_of_the_value_too_deep(ingress_aws: IngressAws) -> None:
    status, answer = post(ingress_aws, body_with(nested(DEEPEST + 1), attributes={"form": HOLE}))

    assert status == 400
    assert answer["message"].startswith('$.events[0].attributes.form["詳細"]["詳細"]')


@pytest.mark.parametrize("number", ["1e999", "-1e999", "NaN", "Infinity", "-Infinity"])
@pytest.mark.parametrize(
    ("where", "path"), [("attributes", "attributes.score"), ("fields", "fields.AnnualRevenue")]
)
def test_numbers_that_are_not_finite_are_refused_400_naming_their_path(
    ingress_aws: IngressAws, number: str, where: str, path: str
) -> None:
    name = path.split(".")[1]
    body = body_with(number, count=3, **{where: {name: HOLE}})

    status, answer = post(ingress_aws, body)

    assert status == 400
    assert answer["message"].startswith(f"$.events[0].{path}: is not a finite number")
    assert ingress_aws.queued_events() == []


def test_a_large_finite_number_is_queued_as_that_number(ingress_aws: IngressAws) -> None:
    status, _ = post(ingress_aws, body_with("1e308", fields={"AnnualRevenue": HOLE}))

    assert status == 200
    assert ingress_aws.queued_events()[0].fields["AnnualRevenue"] == 1e308


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "t" * 3000 + "@sample-shoji.co.jp", "$.events[0].email: is longer than 254 characters"),
        ("id", "展示会フォロー" * 58, "$.events[0].id: is longer than 400 bytes (UTF-8)"),
        ("ma_id", "AE-" + "8" * 300, "$.events[0].ma_id: is longer than 252 characters"),
    ],
)
def test_values_too_long_for_the_keys_they_become_are_refused_400_naming_the_field(
    ingress_aws: IngressAws, field: str, value: str, message: str
) -> None:
    status, answer = post(ingress_aws, generic_body(3, **{field: value}))

    assert status == 400
    assert answer["message"].startswith(message)
    assert ingress_aws.queued_events() == []


def test_the_longest_address_and_id_allowed_are_queued(ingress_aws: IngressAws) -> None:
    email = "t" * (254 - len("@sample-shoji.co.jp")) + "@sample-shoji.co.jp"
    event_id = "展示会" * 44  # 396 bytes

    status, _ = post(ingress_aws, generic_body(1, email=email, id=event_id))

    (event,) = ingress_aws.queued_events()
    assert status == 200
    assert (event.identity.email, event.idempotency_key) == (email, f"generic:{event_id}")


HOSTILE_TEXT = st.text(st.characters() | st.integers(0xD800, 0xDFFF).map(chr), max_size=12)
"""Any text, lone surrogates included (``json.dumps`` writes them as ``\\udXXX`` escapes)."""
HOSTILE_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | HOSTILE_TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(HOSTILE_TEXT, children, max_size=3),
    max_leaves=10,
)


@settings(
    max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(attributes=HOSTILE_VALUES, email=HOSTILE_TEXT)
def test_whatever_a_signed_event_holds_is_refused_400_or_queued_readable_never_a_5xx(
    ingress_aws: IngressAws, attributes: Any, email: str
) -> None:
    event = json.loads(generic_body())["events"][0]
    body = json.dumps({"events": [{**event, "attributes": attributes, "email": f"{email}@例え.jp"}]}).encode()

    status, _ = post(ingress_aws, body)

    assert status in {200, 400}
    for queued in ingress_aws.queues.bodies(ingress_aws.queue_url):
        parse_canonical_event(queued)  # what the processor does with each message
