"""OAuth 2.0 for the stand-in: JWT bearer and client credentials flows, bearer sessions, expiry."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from leadrelay_tools.localorg.ids import make_id

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
LOGIN_AUDIENCES = ("https://login.salesforce.com", "https://test.salesforce.com")
ORG_ID = make_id("00D", 1)  # the seeded Organization row


def identity_url(instance_url: str, user_id: str) -> str:
    """The identity URL a token response names for ``user_id`` (served by the org itself)."""
    return f"{instance_url}/id/{ORG_ID}/{user_id}"


@dataclass(frozen=True)
class JwtCredentials:
    """What a JWT-bearer client needs: connected app consumer key, its private key, the user, the audience."""

    consumer_key: str
    private_key_pem: str
    username: str
    audience: str
    token_url: str


@dataclass
class Session:
    """A bearer token and the user it acts as."""

    token: str
    user_id: str
    expires_at: float


@dataclass
class ConnectedApp:
    """A connected app: consumer key/secret, the certificate for JWT, the client-credentials run-as user."""

    consumer_key: str
    consumer_secret: str
    public_key: Any
    run_as_username: str


def generate_key_pair() -> tuple[str, str]:
    """A fresh RSA key pair as (private key PEM, public key PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private.decode(), public.decode()


def load_public_key(pem: str) -> Any:
    """A public key from a PEM public key or an X.509 certificate (as uploaded to a connected app)."""
    data = pem.encode()
    if b"BEGIN CERTIFICATE" in data:
        return x509.load_pem_x509_certificate(data).public_key()
    return serialization.load_pem_public_key(data)


@dataclass
class Auth:
    """Issues and checks sessions. ``find_user(username)`` returns an active user's id or ``None``."""

    find_user: Callable[[str], str | None]
    session_seconds: float = 7200.0
    clock: Callable[[], float] = time.time
    apps: dict[str, ConnectedApp] = field(default_factory=dict)
    _sessions: dict[str, Session] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def issue(self, user_id: str) -> str:
        """A new bearer token for ``user_id``."""
        token = "00DRM0000000001!" + secrets.token_urlsafe(48)
        with self._lock:
            self._sessions[token] = Session(token, user_id, self.clock() + self.session_seconds)
        return token

    def check(self, authorization: str | None) -> Session | None:
        """The live session named by an ``Authorization: Bearer …`` header."""
        if not authorization or not authorization.startswith(("Bearer ", "OAuth ")):
            return None
        with self._lock:
            session = self._sessions.get(authorization.split(" ", 1)[1].strip())
        return session if session and session.expires_at > self.clock() else None

    def expire_all(self) -> None:
        """Invalidate every session (clients must log in again)."""
        with self._lock:
            self._sessions.clear()

    def token(self, form: Mapping[str, str], instance_url: str) -> tuple[int, dict[str, Any]]:
        """Answer ``POST /services/oauth2/token``: (HTTP status, JSON body)."""
        grant = form.get("grant_type", "")
        if grant == JWT_GRANT:
            user_id, error = self._jwt_user(form.get("assertion", ""), instance_url)
        elif grant == "client_credentials":
            user_id, error = self._client_user(form.get("client_id", ""), form.get("client_secret", ""))
        else:
            return 400, {"error": "unsupported_grant_type", "error_description": "grant type not supported"}
        if user_id is None:
            return 400, error
        issued = int(self.clock() * 1000)
        return 200, {
            "access_token": self.issue(user_id),
            "scope": "api",
            "instance_url": instance_url,
            "id": identity_url(instance_url, user_id),
            "token_type": "Bearer",
            "issued_at": str(issued),
        }

    def _jwt_user(self, assertion: str, instance_url: str) -> tuple[str | None, dict[str, str]]:
        invalid = {"error": "invalid_grant", "error_description": "invalid assertion"}
        try:
            claims = jwt.decode(assertion, options={"verify_signature": False})
            app = self.apps.get(str(claims.get("iss", "")))
            if app is None:
                return None, {"error": "invalid_client_id", "error_description": "client identifier invalid"}
            claims = jwt.decode(
                assertion,
                app.public_key,
                algorithms=["RS256"],
                audience=[*LOGIN_AUDIENCES, instance_url],
                issuer=app.consumer_key,
                options={"require": ["exp", "iss", "sub", "aud"]},
                leeway=0,
            )
        except jwt.ExpiredSignatureError:
            return None, {"error": "invalid_grant", "error_description": "expired authorization code"}
        except jwt.PyJWTError:
            return None, invalid
        user_id = self.find_user(str(claims["sub"]))
        if user_id is None:
            return None, {"error": "invalid_grant", "error_description": "user hasn't approved this consumer"}
        return user_id, {}

    def _client_user(self, client_id: str, secret: str) -> tuple[str | None, dict[str, str]]:
        app = self.apps.get(client_id)
        if app is None or not secrets.compare_digest(app.consumer_secret, secret):
            return None, {"error": "invalid_client", "error_description": "invalid client credentials"}
        user_id = self.find_user(app.run_as_username)
        if user_id is None:
            return None, {"error": "invalid_grant", "error_description": "no client credentials user enabled"}
        return user_id, {}
