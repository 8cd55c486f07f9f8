"""Salesforce credentials (from Secrets Manager or a local file) and the OAuth requests built from them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import boto3
import jwt
import pytest
from leadrelay.adapters.aws_clients import AwsClients
from leadrelay.adapters.salesforce.auth import (
    AuthFlow,
    SalesforceCredentials,
    credentials_from_document,
    credentials_from_file,
    credentials_from_json,
    jwt_assertion,
    token_request,
)
from leadrelay.adapters.secrets import SecretSource, SecretUnavailableError
from leadrelay.bootstrap.salesforce import salesforce_credentials
from leadrelay.settings import SalesforceAccess, SettingsError

CONSUMER_KEY = "3MVG9leadrelayConsumerKey"
USERNAME = "leadrelay-integration@sample-shoji.co.jp"


SECRET = "leadrelay/prod/salesforce"


def _document(private_key_pem: str) -> dict[str, str]:
    return {"consumer_key": CONSUMER_KEY, "username": USERNAME, "private_key": private_key_pem}


def _jwt_credentials(private_key_pem: str, **overrides: str) -> SalesforceCredentials:
    return SalesforceCredentials.model_validate({**_document(private_key_pem), **overrides})


def _store_secret(private_key_pem: str) -> str:
    client = boto3.client("secretsmanager")
    return client.create_secret(Name=SECRET, SecretString=json.dumps(_document(private_key_pem)))["ARN"]


def test_the_jwt_assertion_is_rs256_signed_with_issuer_subject_audience_and_a_short_expiry(
    private_key_pem: str, public_key_pem: str
) -> None:
    credentials = _jwt_credentials(private_key_pem)
    token = jwt_assertion(credentials, now=1_750_000_000.4)
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    claims = jwt.decode(
        token, public_key_pem, algorithms=["RS256"], audience="https://login.salesforce.com",
        options={"verify_exp": False},
    )  # fmt: skip
    assert claims == {
        "iss": CONSUMER_KEY,
        "sub": USERNAME,
        "aud": "https://login.salesforce.com",
        "exp": 1_750_000_180,
    }


def test_the_jwt_bearer_token_request_carries_the_grant_type_and_the_assertion(private_key_pem: str) -> None:
    body = token_request(_jwt_credentials(private_key_pem), now=1_750_000_000)
    assert body["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert body["assertion"].count(".") == 2


def test_the_client_credentials_token_request_carries_the_key_and_secret() -> None:
    credentials = SalesforceCredentials(
        flow=AuthFlow.CLIENT_CREDENTIALS,
        login_url="https://sample-shoji.my.salesforce.com",
        consumer_key=CONSUMER_KEY,
        consumer_secret="s3cr3t",
    )
    assert token_request(credentials, now=0) == {
        "grant_type": "client_credentials",
        "client_id": CONSUMER_KEY,
        "client_secret": "s3cr3t",
    }


@pytest.mark.parametrize(
    ("login_url", "audience"),
    [
        ("https://login.salesforce.com", "https://login.salesforce.com"),
        ("https://test.salesforce.com", "https://test.salesforce.com"),
        ("https://sample-shoji.my.salesforce.com", "https://login.salesforce.com"),
        ("https://sample-shoji--uat.sandbox.my.salesforce.com", "https://test.salesforce.com"),
        ("http://127.0.0.1:8765/", "http://127.0.0.1:8765"),
    ],
)
def test_the_jwt_audience_follows_the_login_url(private_key_pem: str, login_url: str, audience: str) -> None:
    assert _jwt_credentials(private_key_pem, login_url=login_url).jwt_audience() == audience


def test_an_explicit_audience_wins(private_key_pem: str) -> None:
    credentials = _jwt_credentials(private_key_pem, audience="https://sample-shoji.my.site.com/customers")
    assert credentials.jwt_audience() == "https://sample-shoji.my.site.com/customers"


def test_the_token_url_is_under_the_login_url(private_key_pem: str) -> None:
    credentials = _jwt_credentials(private_key_pem, login_url="https://test.salesforce.com/")
    assert credentials.token_url == "https://test.salesforce.com/services/oauth2/token"


def test_jwt_bearer_is_the_default_flow(private_key_pem: str) -> None:
    assert _jwt_credentials(private_key_pem).flow is AuthFlow.JWT_BEARER


def test_the_private_key_never_shows_in_the_repr(private_key_pem: str) -> None:
    assert "PRIVATE KEY" not in repr(_jwt_credentials(private_key_pem))


def test_jwt_credentials_without_a_private_key_are_refused_naming_the_source_and_field() -> None:
    document = json.dumps({"consumer_key": CONSUMER_KEY, "username": USERNAME})
    with pytest.raises(
        ValueError, match=r"invalid Salesforce credentials in secret prod/sf: .*needs private_key"
    ):
        credentials_from_json(document, source="secret prod/sf")


def test_client_credentials_without_a_secret_are_refused() -> None:
    document = json.dumps({"flow": "client_credentials", "consumer_key": CONSUMER_KEY})
    with pytest.raises(ValueError, match="the client_credentials flow needs consumer_secret"):
        credentials_from_json(document, source="local.json")


def test_an_unknown_key_in_the_secret_is_named() -> None:
    document = json.dumps(
        {"flow": "client_credentials", "consumer_key": "k", "consumer_secret": "s", "pasword": "x"}
    )
    with pytest.raises(ValueError, match=re.escape("in local.json: pasword: Extra inputs are not permitted")):
        credentials_from_json(document, source="local.json")


def test_a_secret_that_is_not_json_is_refused_naming_the_secret() -> None:
    with pytest.raises(ValueError, match="invalid Salesforce credentials in secret prod/sf: \\(document\\)"):
        credentials_from_json("consumer_key=abc", source="secret prod/sf")


@pytest.mark.usefixtures("aws")
def test_credentials_are_read_through_the_functions_own_secrets_manager_client(private_key_pem: str) -> None:
    osaka = boto3.client("secretsmanager", region_name="ap-northeast-3")  # the secret exists only there
    osaka.create_secret(Name=SECRET, SecretString=json.dumps(_document(private_key_pem)))
    document = SecretSource(secretsmanager=osaka).get(SECRET)

    assert credentials_from_document(document, source=f"secret {SECRET}") == _jwt_credentials(private_key_pem)


def test_a_secrets_document_and_the_same_json_give_the_same_credentials(private_key_pem: str) -> None:
    document = _document(private_key_pem)
    parsed = credentials_from_document(document, source="secret prod/sf")
    assert parsed == credentials_from_json(json.dumps(document), source="secret prod/sf")


def test_a_bad_secrets_document_names_the_secret_and_the_field_never_a_value() -> None:
    document = {
        "flow": "jwt_bearer",
        "consumer_key": "3MVG9",
        "username": "u@example.co.jp",
        "pasword": "秘密",
    }
    with pytest.raises(ValueError, match="in secret prod/sf: pasword: Extra inputs") as caught:
        credentials_from_document(document, source="secret prod/sf")
    assert "秘密" not in str(caught.value)


@pytest.mark.usefixtures("aws")
def test_the_composition_root_reads_the_secret_with_the_runtimes_clients(
    monkeypatch: pytest.MonkeyPatch, private_key_pem: str
) -> None:
    monkeypatch.setenv("LEADRELAY_SF_SECRET_ID", _store_secret(private_key_pem))
    clients = AwsClients()

    assert salesforce_credentials(SalesforceAccess.from_env(), clients).username == USERNAME
    assert clients.created() == ("secretsmanager",)


@pytest.mark.usefixtures("aws")
def test_a_missing_secret_fails_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADRELAY_SF_SECRET_ID", "leadrelay/prod/missing")
    with pytest.raises(SecretUnavailableError, match="secret leadrelay/prod/missing cannot be read"):
        salesforce_credentials(SalesforceAccess.from_env(), AwsClients())


def test_locally_the_secret_is_read_from_the_secrets_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, private_key_pem: str
) -> None:
    secrets = tmp_path / "secrets.json"
    secrets.write_text(json.dumps({SECRET: _document(private_key_pem)}), encoding="utf-8")
    monkeypatch.setenv("LEADRELAY_SF_SECRET_ID", SECRET)
    monkeypatch.setenv("LEADRELAY_SECRETS_FILE", str(secrets))

    assert salesforce_credentials(SalesforceAccess.from_env()) == _jwt_credentials(private_key_pem)


@pytest.mark.usefixtures("aws")
def test_the_environment_names_the_secret(monkeypatch: pytest.MonkeyPatch, private_key_pem: str) -> None:
    monkeypatch.setenv("LEADRELAY_SF_SECRET_ID", _store_secret(private_key_pem))
    assert salesforce_credentials(SalesforceAccess.from_env()).username == USERNAME


def test_locally_the_environment_points_to_a_credentials_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "local-org.json"
    path.write_text(json.dumps({"flow": "client_credentials", "login_url": "http://127.0.0.1:8765",
                                "consumer_key": "local", "consumer_secret": "local"}))  # fmt: skip
    monkeypatch.delenv("LEADRELAY_SF_SECRET_ID", raising=False)
    monkeypatch.setenv("LEADRELAY_SF_CREDENTIALS_FILE", str(path))
    assert salesforce_credentials(SalesforceAccess.from_env()) == credentials_from_file(path)


def test_without_configuration_the_error_names_both_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEADRELAY_SF_SECRET_ID", raising=False)
    monkeypatch.delenv("LEADRELAY_SF_CREDENTIALS_FILE", raising=False)
    with pytest.raises(SettingsError, match=r"LEADRELAY_SF_SECRET_ID.*LEADRELAY_SF_CREDENTIALS_FILE"):
        SalesforceAccess.from_env()


def test_the_secret_document_round_trips_with_its_secrets(private_key_pem: str) -> None:
    credentials = _jwt_credentials(private_key_pem)
    assert credentials_from_json(credentials.secret_json(), source="round trip") == credentials
