"""Getting a Salesforce session: OAuth 2.0 JWT bearer (default) or client credentials.

Credentials live in a Secrets Manager secret or an SSM SecureString (JSON, see
docs/salesforce-gateway.md), read like every other secret (``leadrelay.adapters.secrets``) and checked
here (:func:`credentials_from_document`); locally they come from a JSON file (the local org prints one).
The token request is made here with ``requests`` rather than simple-salesforce's login helpers,
which hard-code ``https://<domain>.salesforce.com`` and have no timeout. SOAP username/password
login is deliberately not offered: Salesforce is retiring it.
"""

import json
import math
import time
from collections.abc import Callable
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlparse

import jwt
import requests
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPrivateNumbers
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from jwt.exceptions import InvalidKeyError
from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError, model_validator

from leadrelay.adapters.salesforce.errors import error_from_exception
from leadrelay.domain.errors import ErrorDetail
from leadrelay.domain.failures import AUTH_FAILED, SalesforceCallError

JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ASSERTION_LIFETIME_SECONDS = 180
"""Salesforce accepts an assertion whose ``exp`` is at most 3 minutes ahead."""


class AuthFlow(StrEnum):
    """How leadrelay obtains an access token."""

    JWT_BEARER = "jwt_bearer"
    CLIENT_CREDENTIALS = "client_credentials"


class SalesforceCredentials(BaseModel):
    """The connected app and integration user leadrelay logs in with (the secret's JSON shape)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    flow: AuthFlow = AuthFlow.JWT_BEARER
    login_url: str = "https://login.salesforce.com"
    """Where the token endpoint lives: login/test.salesforce.com or the org's My Domain URL."""
    consumer_key: str
    username: str | None = None
    """The integration user (JWT bearer only)."""
    private_key: SecretStr | None = None
    """PEM-encoded RSA private key whose certificate is uploaded to the connected app (JWT bearer)."""
    consumer_secret: SecretStr | None = None
    """The connected app's secret (client credentials only)."""
    audience: str | None = None
    """JWT ``aud``; derived from ``login_url`` when absent (see :meth:`jwt_audience`)."""
    api_version: str = "62.0"

    @model_validator(mode="after")
    def _complete_for_flow(self) -> Self:
        if urlparse(self.login_url).scheme not in {"https", "http"}:
            raise ValueError(f"login_url must be an http(s) URL, got {self.login_url!r}")
        if self.flow is AuthFlow.JWT_BEARER:
            missing = [name for name in ("username", "private_key") if getattr(self, name) is None]
        else:
            missing = ["consumer_secret"] if self.consumer_secret is None else []
        if missing:
            raise ValueError(f"the {self.flow.value} flow needs {', '.join(missing)}")
        return self

    def secret_json(self) -> str:
        """The document to store in the secret or credentials file (secrets revealed; never log it)."""
        document = self.model_dump(mode="json", exclude_none=True)
        for name in ("private_key", "consumer_secret"):
            value = getattr(self, name)
            if value is not None:
                document[name] = value.get_secret_value()
        return json.dumps(document, ensure_ascii=False, indent=2)

    @property
    def token_url(self) -> str:
        """The OAuth 2.0 token endpoint."""
        return f"{self.login_url.rstrip('/')}/services/oauth2/token"

    def jwt_audience(self) -> str:
        """``aud`` of the JWT: test.salesforce.com for sandboxes, login.salesforce.com for production.

        My Domain login URLs still take the generic audience; any other host (the local org) is its own.
        """
        if self.audience:
            return self.audience
        host = urlparse(self.login_url).hostname or ""
        if host == "test.salesforce.com" or ".sandbox.my.salesforce.com" in host:
            return "https://test.salesforce.com"
        if host.endswith(".salesforce.com"):
            return "https://login.salesforce.com"
        return self.login_url.rstrip("/")


class SalesforceSession(BaseModel):
    """An access token and the instance it is valid for."""

    model_config = ConfigDict(frozen=True)

    access_token: SecretStr
    instance_url: str


def credentials_from_json(text: str | bytes, *, source: str) -> SalesforceCredentials:
    """Parse and validate a credentials document; errors name ``source`` and the offending field."""
    return _validated(lambda: SalesforceCredentials.model_validate_json(text), source)


def credentials_from_document(document: object, *, source: str) -> SalesforceCredentials:
    """Validate a credentials document already parsed from JSON (a secret's value); errors name
    ``source`` and the offending field, never a value."""
    return _validated(lambda: SalesforceCredentials.model_validate(document), source)


def _validated(validate: Callable[[], SalesforceCredentials], source: str) -> SalesforceCredentials:
    try:
        return validate()
    except ValidationError as exc:
        raise ValueError(f"invalid Salesforce credentials in {source}: {_describe(exc)}") from exc


def credentials_from_file(path: str | Path) -> SalesforceCredentials:
    """Credentials from a local JSON file (the local org writes one; so can a developer)."""
    return credentials_from_json(Path(path).read_bytes(), source=str(path))


def jwt_assertion(credentials: SalesforceCredentials, *, now: float) -> str:
    """The RS256-signed assertion of the JWT bearer flow (``iss`` key, ``sub`` user, ``aud``, ``exp``)."""
    if credentials.private_key is None or credentials.username is None:
        raise ValueError("the jwt_bearer flow needs username and private_key")
    claims = {
        "iss": credentials.consumer_key,
        "sub": credentials.username,
        "aud": credentials.jwt_audience(),
        "exp": int(now) + ASSERTION_LIFETIME_SECONDS,
    }
    return jwt.encode(claims, _signing_key(credentials.private_key.get_secret_value()), algorithm="RS256")


@lru_cache(maxsize=8)
def _signing_key(pem: str) -> RSAPrivateKey:
    """The RS256 signing key, parsed once per key (warm invocations reuse it).

    OpenSSL's full check of an RSA key tests p and q for primality: about 35 ms for a 2048-bit key
    and a quarter of a second for a 4096-bit one, paid by every cold start's first login. The key
    is the operator's own, read from Secrets Manager, so it is parsed without that test and checked
    here instead for what a corrupted key gets wrong (n = p·q, e·d ≡ 1, the CRT exponents and
    coefficient), in microseconds, before it signs anything. A PEM that is not an RSA private key,
    or one that fails the check, is PyJWT's ``InvalidKeyError``.
    """
    try:
        key = load_pem_private_key(pem.encode(), password=None, unsafe_skip_rsa_key_validation=True)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise InvalidKeyError("private_key is not a PEM-encoded private key without a password") from None
    if not isinstance(key, RSAPrivateKey):
        raise InvalidKeyError(f"private_key is not an RSA key (RS256 needs one), got {type(key).__name__}")
    if not _consistent(key.private_numbers()):
        raise InvalidKeyError("private_key is not a consistent RSA key (its numbers do not fit together)")
    return key


def _consistent(numbers: RSAPrivateNumbers) -> bool:
    p, q, d, public = numbers.p, numbers.q, numbers.d, numbers.public_numbers
    return (
        p > 1
        and q > 1
        and p * q == public.n
        and public.e * d % math.lcm(p - 1, q - 1) == 1
        and numbers.dmp1 == d % (p - 1)
        and numbers.dmq1 == d % (q - 1)
        and numbers.iqmp * q % p == 1
    )


def token_request(credentials: SalesforceCredentials, *, now: float) -> dict[str, str]:
    """The form body of the token request for the configured flow."""
    if credentials.flow is AuthFlow.JWT_BEARER:
        return {"grant_type": JWT_BEARER_GRANT, "assertion": jwt_assertion(credentials, now=now)}
    if credentials.consumer_secret is None:
        raise ValueError("the client_credentials flow needs consumer_secret")
    return {
        "grant_type": "client_credentials",
        "client_id": credentials.consumer_key,
        "client_secret": credentials.consumer_secret.get_secret_value(),
    }


def login(
    credentials: SalesforceCredentials,
    *,
    http: requests.Session,
    timeout: float,
    clock: Callable[[], float] = time.time,
) -> SalesforceSession:
    """Obtain an access token from the token endpoint.

    Raises :class:`SalesforceCallError` with ``AUTH_FAILED`` (the endpoint refused, with its OAuth
    ``error`` and description), ``TIMEOUT`` or ``CONNECTION_ERROR``.
    """
    try:
        response = http.post(
            credentials.token_url, data=token_request(credentials, now=clock()), timeout=timeout
        )
    except requests.RequestException as exc:
        raise SalesforceCallError("Salesforce login", error_from_exception(exc)) from exc
    body = _json_or_none(response)
    if response.status_code != 200 or not isinstance(body, dict) or "access_token" not in body:
        detail = body if isinstance(body, dict) else {}
        message = f"{detail.get('error', 'no token')}: {detail.get('error_description', response.reason)}"
        error = ErrorDetail(status_code=AUTH_FAILED, message=message, http_status=response.status_code)
        raise SalesforceCallError(f"Salesforce login at {credentials.token_url}", error)
    return SalesforceSession(access_token=body["access_token"], instance_url=body["instance_url"])


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _describe(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or '(document)'}: {error['msg']}"
        for error in exc.errors()
    )
