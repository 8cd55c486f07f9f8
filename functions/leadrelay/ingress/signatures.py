"""Webhook authentication: HubSpot signatures, a shared secret in a header, and a generic HMAC scheme.

Every check compares with :func:`hmac.compare_digest`, tries each configured secret (so a secret can
be rotated without downtime: configure the new one next to the old), takes ``now`` as an argument,
and fails with an ``unauthenticated`` :class:`~leadrelay.ingress.results.IngressError` whose
reason names the header and the problem — never the secret or the signature.

* **HubSpot v3** — ``X-HubSpot-Signature-v3`` = base64(HMAC-SHA256(app secret, method + URI + raw body
  + timestamp)), ``X-HubSpot-Request-Timestamp`` in epoch milliseconds, at most 5 minutes old.
  v1 (hex SHA-256 of secret + body) and v2 (hex SHA-256 of secret + method + URI + body), announced by
  ``X-HubSpot-Signature-Version``, are accepted only when configured: they carry no timestamp, so a
  captured request can be replayed.
* **Shared secret** — Marketo cannot sign: its webhook sends the secret in a custom header
  (``X-Leadrelay-Secret``).
* **Generic HMAC** — ``X-Leadrelay-Signature`` = hex HMAC-SHA256(secret, timestamp + "." + raw body)
  (optionally prefixed ``sha256=``), ``X-Leadrelay-Timestamp`` in epoch seconds, within 5 minutes
  either way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from urllib.parse import unquote

from leadrelay.ingress.results import IngressError, RejectionKind

DEFAULT_MAX_AGE = timedelta(minutes=5)
HUBSPOT_SIGNATURE_V3 = "X-HubSpot-Signature-v3"
HUBSPOT_TIMESTAMP = "X-HubSpot-Request-Timestamp"
HUBSPOT_SIGNATURE = "X-HubSpot-Signature"
HUBSPOT_VERSION = "X-HubSpot-Signature-Version"
SHARED_SECRET_HEADER = "X-Leadrelay-Secret"  # noqa: S105 (a header name)
GENERIC_SIGNATURE = "X-Leadrelay-Signature"
GENERIC_TIMESTAMP = "X-Leadrelay-Timestamp"
_HUBSPOT_DECODED = ["%3A", "%2F", "%3F", "%40", "%21", "%24", "%27", "%28", "%29", "%2A", "%2C", "%3B"]


def _reject(reason: str) -> IngressError:
    return IngressError(reason, kind=RejectionKind.UNAUTHENTICATED)


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value, looked up case-insensitively (API Gateway lower-cases header names)."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def _require(headers: Mapping[str, str], name: str) -> str:
    value = header(headers, name)
    if not value or not value.strip():
        raise _reject(f"missing header {name}")
    return value.strip()


def _usable(secrets: Sequence[str]) -> list[bytes]:
    keys = [secret.encode("utf-8") for secret in secrets if secret]
    if not keys:
        raise _reject("no secret is configured for this provider")
    return keys


def _matches(expected: Sequence[bytes], given: str) -> bool:
    """Constant-time comparison against every candidate (no early exit on the first match)."""
    given_bytes = given.encode("utf-8", "surrogateescape")
    return sum(hmac.compare_digest(candidate, given_bytes) for candidate in expected) > 0


def _timestamp(value: str, name: str, *, millis: bool) -> float:
    if not value.isascii() or not value.isdigit() or len(value) > 16:
        unit = "milliseconds" if millis else "seconds"
        raise _reject(f"header {name} is not an epoch time in {unit}")
    return int(value) / 1000 if millis else float(int(value))


def _check_age(sent: float, now: datetime, max_age: timedelta, name: str, *, future_too: bool) -> None:
    age = now.timestamp() - sent
    if age > max_age.total_seconds() or (future_too and -age > max_age.total_seconds()):
        minutes = f"{max_age.total_seconds() / 60:g}"
        raise _reject(f"header {name} is not within {minutes} minutes of now (stale or replayed request)")


def hubspot_request_uri(uri: str) -> str:
    """The URI as HubSpot signs it: the characters HubSpot lists decoded (``%3A`` → ``:`` …)."""
    for escaped in _HUBSPOT_DECODED:
        uri = uri.replace(escaped, unquote(escaped)).replace(escaped.lower(), unquote(escaped))
    return uri


def verify_hubspot(
    *,
    method: str,
    uri: str,
    body: bytes,
    headers: Mapping[str, str],
    secrets: Sequence[str],
    now: datetime,
    versions: Collection[str] = ("v3",),
    max_age: timedelta = DEFAULT_MAX_AGE,
) -> str:
    """Verify a HubSpot request; returns the signature version that verified (``v3``, ``v2``, ``v1``).

    ``uri`` is the full URL HubSpot called (``https://hooks.example.jp/webhooks/hubspot?x=1``).
    """
    keys = _usable(secrets)
    if header(headers, HUBSPOT_SIGNATURE_V3) is not None and "v3" in versions:
        stamp = _require(headers, HUBSPOT_TIMESTAMP)
        _check_age(
            _timestamp(stamp, HUBSPOT_TIMESTAMP, millis=True),
            now,
            max_age,
            HUBSPOT_TIMESTAMP,
            future_too=True,
        )
        expected = [
            hubspot_signature_v3(key, method=method, uri=uri, body=body, timestamp=stamp).encode()
            for key in keys
        ]
        if not _matches(expected, _require(headers, HUBSPOT_SIGNATURE_V3)):
            raise _reject(f"header {HUBSPOT_SIGNATURE_V3} does not match the request")
        return "v3"
    version = (header(headers, HUBSPOT_VERSION) or "").strip().lower()
    if version in {"v1", "v2"} and version in versions:
        signed = body if version == "v1" else method.upper().encode() + uri.encode() + body
        expected = [hashlib.sha256(key + signed).hexdigest().encode() for key in keys]
        if not _matches(expected, _require(headers, HUBSPOT_SIGNATURE).lower()):
            raise _reject(f"header {HUBSPOT_SIGNATURE} ({version}) does not match the request")
        return version
    if version in {"v1", "v2"}:
        raise _reject(f"signature {version} is not accepted (only {', '.join(sorted(versions))}); send v3")
    raise _reject(f"missing header {HUBSPOT_SIGNATURE_V3}")


def verify_shared_secret(
    *, headers: Mapping[str, str], secrets: Sequence[str], header_name: str = SHARED_SECRET_HEADER
) -> None:
    """Verify a secret sent verbatim in ``header_name`` (Marketo's custom header)."""
    keys = _usable(secrets)
    if not _matches(keys, _require(headers, header_name)):
        raise _reject(f"header {header_name} does not hold the configured secret")


def hubspot_signature_v3(
    secret: str | bytes, *, method: str, uri: str, body: bytes, timestamp: str | int
) -> str:
    """HubSpot's v3 signature: base64 HMAC-SHA256 of method + URI + body + timestamp (milliseconds)."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    source = method.upper().encode() + hubspot_request_uri(uri).encode() + body + str(timestamp).encode()
    return base64.b64encode(hmac.new(key, source, hashlib.sha256).digest()).decode()


def generic_signature(secret: str, timestamp: int, body: bytes) -> str:
    """The generic scheme's signature: hex HMAC-SHA256 of ``<timestamp>.<body>`` (for senders and tests)."""
    return hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def verify_generic(
    *,
    body: bytes,
    headers: Mapping[str, str],
    secrets: Sequence[str],
    now: datetime,
    max_age: timedelta = DEFAULT_MAX_AGE,
) -> None:
    """Verify the generic signed-JSON scheme (``X-Leadrelay-Timestamp`` / ``X-Leadrelay-Signature``)."""
    keys = _usable(secrets)
    stamp = _require(headers, GENERIC_TIMESTAMP)
    _check_age(
        _timestamp(stamp, GENERIC_TIMESTAMP, millis=False), now, max_age, GENERIC_TIMESTAMP, future_too=True
    )
    given = _require(headers, GENERIC_SIGNATURE).lower().removeprefix("sha256=")
    message = stamp.encode() + b"." + body
    expected = [hmac.new(key, message, hashlib.sha256).hexdigest().encode() for key in keys]
    if not _matches(expected, given):
        raise _reject(f"header {GENERIC_SIGNATURE} does not match the request")
