"""OAuth 2.0 against the local org: JWT bearer, client credentials, bearer sessions and their expiry."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from leadrelay_tools.localorg import LocalOrg
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceExpiredSession

from tests.localorg.payloads import api, jwt_assertion, reference

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def _token(org: LocalOrg, **form: str) -> requests.Response:
    return org.http_session().post(org.token_url, data=form, timeout=5)


def test_jwt_bearer_returns_a_session_the_client_can_use(local_org: LocalOrg) -> None:
    response = _token(local_org, grant_type=JWT_GRANT, assertion=jwt_assertion(local_org))

    body = response.json()
    client = Salesforce(
        instance_url=body["instance_url"], session_id=body["access_token"], session=local_org.http_session()
    )
    assert response.status_code == 200
    assert body["token_type"] == "Bearer"
    assert body["instance_url"] == local_org.url
    assert client.query("SELECT Id FROM User WHERE IsActive = true")["totalSize"] == 3


def test_jwt_signed_with_another_key_is_an_invalid_grant(local_org: LocalOrg) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = stranger.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )

    response = _token(local_org, grant_type=JWT_GRANT, assertion=jwt_assertion(local_org, key=pem))

    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant", "error_description": "invalid assertion"}


@pytest.mark.parametrize(
    ("claims", "error"),
    [
        ({"exp": int(time.time()) - 60}, "invalid_grant"),
        ({"aud": "https://example.com"}, "invalid_grant"),
        ({"iss": "unknown-consumer-key"}, "invalid_client_id"),
        ({"sub": "nobody@sample-shoji.co.jp"}, "invalid_grant"),
    ],
)
def test_jwt_with_bad_claims_is_refused(local_org: LocalOrg, claims: dict[str, Any], error: str) -> None:
    response = _token(local_org, grant_type=JWT_GRANT, assertion=jwt_assertion(local_org, **claims))

    assert response.status_code == 400
    assert response.json()["error"] == error


def test_a_registered_certificate_verifies_jwts_of_another_app(local_org: LocalOrg) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    local_org.register_jwt_app("3MVG9-gateway-test", public.decode())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )

    response = _token(
        local_org, grant_type=JWT_GRANT, assertion=jwt_assertion(local_org, iss="3MVG9-gateway-test", key=pem)
    )

    assert response.status_code == 200


def test_client_credentials_log_in_as_the_integration_user(local_org: LocalOrg) -> None:
    client_id, secret = local_org.client_credentials()

    body = _token(
        local_org, grant_type="client_credentials", client_id=client_id, client_secret=secret
    ).json()
    client = Salesforce(
        instance_url=body["instance_url"], session_id=body["access_token"], session=local_org.http_session()
    )
    created = api(client, "Lead").create({"LastName": "山田", "Company": "株式会社サンプル商事"})

    assert local_org.record("Lead", created["id"])["CreatedById"] == local_org.integration_user_id  # type: ignore[index]


def test_client_credentials_with_a_wrong_secret_are_refused(local_org: LocalOrg) -> None:
    client_id, _ = local_org.client_credentials()

    response = _token(local_org, grant_type="client_credentials", client_id=client_id, client_secret="wrong")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"


def test_api_calls_without_a_valid_bearer_token_answer_401(local_org: LocalOrg) -> None:
    response = local_org.http_session().get(
        f"{local_org.url}/services/data/v62.0/limits", headers={"Authorization": "Bearer forged"}, timeout=5
    )

    assert response.status_code == 401
    assert response.json() == reference("salesforce_rest_single_record_errors")["http_401_invalid_session"]
    assert local_org.api_calls.total == 0


def test_expired_sessions_need_a_new_login(local_org: LocalOrg) -> None:
    old = local_org.client()
    local_org.expire_sessions()

    with pytest.raises(SalesforceExpiredSession):
        old.query("SELECT Id FROM Lead")
    assert local_org.client().query("SELECT Id FROM Lead")["totalSize"] == 0
