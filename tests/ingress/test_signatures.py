"""Webhook authentication: HubSpot v3 (v1/v2 only when configured), Marketo's shared secret, generic HMAC."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from leadrelay.ingress.results import IngressError, RejectionKind
from leadrelay.ingress.signatures import (
    generic_signature,
    hubspot_request_uri,
    verify_generic,
    verify_hubspot,
    verify_shared_secret,
)

from tests.ingress.builders import API_DOMAIN, NOW, NOW_MS, WEBHOOK_SECRETS, generic_headers, hubspot_headers

BODY = b'[{"objectId":1246965,"eventId":3816279340,"subscriptionType":"contact.creation"}]'
URI = f"https://{API_DOMAIN}/webhooks/hubspot"
HUBSPOT_SECRET = WEBHOOK_SECRETS["hubspot"]
GENERIC_SECRET = WEBHOOK_SECRETS["generic"]


def _hubspot(
    headers: dict[str, str],
    *,
    versions: tuple[str, ...] = ("v3",),
    body: bytes = BODY,
    secrets: list[str] | None = None,
) -> str:
    return verify_hubspot(
        method="POST",
        uri=URI,
        body=body,
        headers={name.lower(): value for name, value in headers.items()},
        secrets=secrets or [HUBSPOT_SECRET],
        now=NOW,
        versions=versions,
    )


def _refused(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(IngressError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    assert caught.value.kind is RejectionKind.UNAUTHENTICATED
    return str(caught.value)


def test_a_hubspot_v3_signature_over_method_uri_body_and_timestamp_verifies() -> None:
    assert _hubspot(hubspot_headers(BODY)) == "v3"


def test_a_hubspot_signature_made_with_another_secret_is_refused() -> None:
    reason = _refused(_hubspot, hubspot_headers(BODY, secret="someone-elses-secret"))

    assert reason == "header X-HubSpot-Signature-v3 does not match the request"
    assert HUBSPOT_SECRET not in reason


def test_a_tampered_body_is_refused() -> None:
    assert "does not match" in _refused(
        _hubspot, hubspot_headers(BODY), body=BODY.replace(b"1246965", b"1246966")
    )


@pytest.mark.parametrize("age", [timedelta(minutes=5, seconds=1), timedelta(days=1), -timedelta(minutes=6)])
def test_a_hubspot_request_outside_five_minutes_is_refused_as_stale(age: timedelta) -> None:
    stamp = NOW_MS - int(age.total_seconds() * 1000)

    assert "not within 5 minutes" in _refused(_hubspot, hubspot_headers(BODY, timestamp_ms=stamp))


def test_a_hubspot_request_just_under_five_minutes_old_verifies() -> None:
    assert _hubspot(hubspot_headers(BODY, timestamp_ms=NOW_MS - 299_000)) == "v3"


@pytest.mark.parametrize("stamp", ["", "yesterday", "1.7e12", "１７６３７０２２２００００"])
def test_a_hubspot_timestamp_that_is_not_epoch_milliseconds_is_refused(stamp: str) -> None:
    headers = {**hubspot_headers(BODY), "X-HubSpot-Request-Timestamp": stamp}

    assert "X-HubSpot-Request-Timestamp" in _refused(_hubspot, headers)


def test_a_request_without_any_signature_is_refused() -> None:
    assert _refused(_hubspot, {"Content-Type": "application/json"}) == "missing header X-HubSpot-Signature-v3"


def _v1(secret: str = HUBSPOT_SECRET) -> dict[str, str]:
    return {
        "X-HubSpot-Signature-Version": "v1",
        "X-HubSpot-Signature": hashlib.sha256(secret.encode() + BODY).hexdigest(),
    }


def _v2(secret: str = HUBSPOT_SECRET) -> dict[str, str]:
    digest = hashlib.sha256(secret.encode() + b"POST" + URI.encode() + BODY).hexdigest()
    return {"X-HubSpot-Signature-Version": "v2", "X-HubSpot-Signature": digest}


def test_v1_and_v2_signatures_are_refused_unless_configured() -> None:
    assert "signature v1 is not accepted (only v3)" in _refused(_hubspot, _v1())
    assert "signature v2 is not accepted (only v3)" in _refused(_hubspot, _v2())


def test_v1_and_v2_signatures_verify_when_configured() -> None:
    assert _hubspot(_v1(), versions=("v1", "v3")) == "v1"
    assert _hubspot(_v2(), versions=("v2",)) == "v2"


def test_a_wrong_v2_signature_is_refused_even_when_configured() -> None:
    assert "does not match" in _refused(_hubspot, _v2("wrong"), versions=("v2",))


def test_during_rotation_either_secret_verifies() -> None:
    assert _hubspot(hubspot_headers(BODY, secret="old-secret"), secrets=["new-secret", "old-secret"]) == "v3"


def test_without_a_configured_secret_nothing_verifies() -> None:
    assert "no secret is configured" in _refused(_hubspot, hubspot_headers(BODY), secrets=[""])


def test_hubspot_signs_the_uri_with_reserved_characters_decoded() -> None:
    assert hubspot_request_uri("https://h.example/webhooks/hubspot?next=%2Fthanks%3Fa%3Db") == (
        "https://h.example/webhooks/hubspot?next=/thanks?a%3Db"  # = is not in HubSpot's list
    )


def test_marketo_sends_the_shared_secret_in_a_custom_header() -> None:
    verify_shared_secret(
        headers={"x-leadrelay-secret": WEBHOOK_SECRETS["marketo"]}, secrets=[WEBHOOK_SECRETS["marketo"]]
    )


@pytest.mark.parametrize(
    "headers", [{}, {"x-leadrelay-secret": ""}, {"x-leadrelay-secret": "guess"}, {"x-api-key": "x"}]
)
def test_a_missing_or_wrong_shared_secret_is_refused(headers: dict[str, str]) -> None:
    reason = _refused(verify_shared_secret, headers=headers, secrets=[WEBHOOK_SECRETS["marketo"]])

    assert "X-Leadrelay-Secret" in reason
    assert WEBHOOK_SECRETS["marketo"] not in reason


def _generic(headers: dict[str, str], body: bytes = BODY) -> None:
    verify_generic(body=body, headers=headers, secrets=[GENERIC_SECRET], now=NOW)


def test_a_generic_signature_of_timestamp_dot_body_verifies_with_or_without_prefix() -> None:
    headers = generic_headers(BODY)
    _generic(headers)
    _generic({**headers, "X-Leadrelay-Signature": headers["X-Leadrelay-Signature"].removeprefix("sha256=")})


def test_the_published_generic_signature_function_matches_the_scheme() -> None:
    stamp = int(NOW.timestamp())

    assert (
        f"sha256={generic_signature(GENERIC_SECRET, stamp, BODY)}"
        == generic_headers(BODY)["X-Leadrelay-Signature"]
    )


def test_a_replayed_generic_request_with_an_old_timestamp_is_refused() -> None:
    old = int(NOW.timestamp()) - 3600

    assert "not within 5 minutes" in _refused(_generic, generic_headers(BODY, timestamp=old))


def test_a_generic_request_signed_with_a_wrong_secret_is_refused() -> None:
    assert (
        _refused(_generic, generic_headers(BODY, secret="wrong"))
        == "header X-Leadrelay-Signature does not match the request"
    )


def test_a_generic_request_whose_timestamp_was_changed_is_refused() -> None:
    headers = {**generic_headers(BODY), "X-Leadrelay-Timestamp": str(int(NOW.timestamp()) - 10)}

    assert "does not match" in _refused(_generic, headers)
