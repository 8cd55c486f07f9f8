"""Fixtures of the gateway tests: the gateway against the local org, a key pair, AWS through moto."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from aws_lambda_powertools.utilities import parameters
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from leadrelay.adapters.salesforce import SalesforceCredentials, SimpleSalesforceGateway, clear_session_cache
from leadrelay_tools.localorg import LocalOrg
from moto import mock_aws
from pydantic import SecretStr


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    """The connected app's private key (its certificate would be uploaded to Salesforce)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def private_key_pem(rsa_key: rsa.RSAPrivateKey) -> str:
    return rsa_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture(scope="session")
def public_key_pem(rsa_key: rsa.RSAPrivateKey) -> str:
    return (
        rsa_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@pytest.fixture(autouse=True)
def _fresh_sessions() -> Iterator[None]:
    """Each test starts without a cached Salesforce session or cached secret."""
    clear_session_cache()
    parameters.clear_caches()  # type: ignore[no-untyped-call]
    yield
    clear_session_cache()
    parameters.clear_caches()  # type: ignore[no-untyped-call]


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Secrets Manager (and the rest of AWS) through moto, in the Tokyo region."""
    for name, value in {
        "AWS_DEFAULT_REGION": "ap-northeast-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield


class Traffic:
    """What went over the wire, seen from the client's requests session (paths and headers)."""

    def __init__(self, http: requests.Session) -> None:
        self.requests: list[requests.PreparedRequest] = []
        http.hooks["response"].append(self._record)

    def _record(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.requests.append(response.request)

    @property
    def logins(self) -> int:
        """Token requests made."""
        return sum(1 for r in self.requests if (r.path_url or "").startswith("/services/oauth2/token"))

    @property
    def api_requests(self) -> list[requests.PreparedRequest]:
        """Requests to the REST API (everything but the token endpoint)."""
        return [r for r in self.requests if (r.path_url or "").startswith("/services/data/")]


@pytest.fixture
def http(local_org: LocalOrg) -> requests.Session:
    """The client's HTTP session: trusts the local org's certificate."""
    return local_org.http_session()


@pytest.fixture
def traffic(http: requests.Session) -> Traffic:
    return Traffic(http)


@pytest.fixture
def jwt_credentials(local_org: LocalOrg) -> SalesforceCredentials:
    """The connected app and integration user of the local org, as the secret would hold them."""
    app = local_org.jwt_credentials()
    return SalesforceCredentials(
        login_url=local_org.url,
        consumer_key=app.consumer_key,
        username=app.username,
        private_key=SecretStr(app.private_key_pem),
    )


@pytest.fixture
def gateway(jwt_credentials: SalesforceCredentials, http: requests.Session) -> SimpleSalesforceGateway:
    """The real gateway, logging in to the local org with the JWT bearer flow."""
    return SimpleSalesforceGateway(jwt_credentials, http=http, timeout=10)
