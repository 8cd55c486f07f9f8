"""Fixtures of the gateway tests: an RSA key pair for the connected app, AWS through moto."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aws_lambda_powertools.utilities import parameters
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from leadrelay.adapters.salesforce import clear_session_cache
from moto import mock_aws


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
