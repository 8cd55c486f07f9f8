"""One webhook request, checked and mapped: the pure core of ``POST /webhooks/<provider>``.

The checks run in the order a caller can fix them, and each fails with its own
:class:`~leadrelay.ingress.results.RejectionKind`:

1. the provider has a mapping (``unknown_provider``, 404);
2. the body is at most ``max_body_bytes`` (``too_large``, 413);
3. ``Content-Type`` is JSON in UTF-8 (``unsupported_media_type``, 415);
4. the signature or secret verifies (``unauthenticated``, 401) — before the body is parsed;
5. the body is UTF-8 JSON within the limits of :mod:`~leadrelay.ingress.json_body` and every
   event maps (``malformed``, 400, naming the JSON path).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from msgspec import Struct, field

from leadrelay.ingress.json_body import load_json
from leadrelay.ingress.mapping import CompiledMapping, map_payload
from leadrelay.ingress.results import IngressError, IngressResult, RejectionKind
from leadrelay.ingress.signatures import header, verify_generic, verify_hubspot, verify_shared_secret

DEFAULT_MAX_BODY_BYTES = 1_048_576
"""1 MiB. API Gateway HTTP APIs cap bodies at 10 MB and Lambda's synchronous payload at 6 MB."""


class WebhookRequest(Struct, frozen=True):
    """A webhook request as received (the body as raw bytes: signatures cover the exact bytes)."""

    provider: str
    method: str
    uri: str
    """The full URL the provider called (HubSpot signs it): ``https://host/webhooks/hubspot?x=1``."""
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


def find_mapping(mappings: Mapping[str, CompiledMapping], provider: str) -> CompiledMapping:
    """The provider's mapping, or an ``unknown_provider`` rejection (the name is not echoed)."""
    mapping = mappings.get(provider)
    if mapping is None:
        raise IngressError(
            "no webhook provider of that name is configured", kind=RejectionKind.UNKNOWN_PROVIDER
        )
    return mapping


def check_envelope(request: WebhookRequest, *, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
    """Size and content type, before anything else is read."""
    if len(request.body) > max_body_bytes:
        raise IngressError(
            f"body is {len(request.body)} bytes; the limit is {max_body_bytes}", kind=RejectionKind.TOO_LARGE
        )
    content_type = header(request.headers, "Content-Type") or ""
    media_type, _, parameters = content_type.partition(";")
    media_type = media_type.strip().lower()
    if media_type != "application/json" and not (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        raise IngressError("Content-Type must be application/json", kind=RejectionKind.UNSUPPORTED_MEDIA_TYPE)
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in {"utf-8", "utf8"}:
            raise IngressError(
                "the body must be UTF-8 (charset=utf-8)", kind=RejectionKind.UNSUPPORTED_MEDIA_TYPE
            )


def authenticate(
    mapping: CompiledMapping, request: WebhookRequest, *, secrets: Sequence[str], now: datetime
) -> None:
    """Verify the request with the provider's scheme; raises an ``unauthenticated`` rejection."""
    spec = mapping.spec.signature
    max_age = timedelta(seconds=spec.max_age_seconds)
    if spec.scheme == "hubspot":
        verify_hubspot(
            method=request.method,
            uri=request.uri,
            body=request.body,
            headers=request.headers,
            secrets=secrets,
            now=now,
            versions=spec.hubspot_versions,
            max_age=max_age,
        )
    elif spec.scheme == "shared_secret":
        verify_shared_secret(headers=request.headers, secrets=secrets, header_name=spec.header)
    else:
        verify_generic(body=request.body, headers=request.headers, secrets=secrets, now=now, max_age=max_age)


def decode_json(body: bytes) -> Any:
    """The body as JSON (see :func:`~leadrelay.ingress.json_body.load_json`); a ``malformed``
    rejection names the byte, line and column, or JSON path at fault."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngressError(f"body is not valid UTF-8 (byte {exc.start})", path="$") from exc
    return load_json(text.removeprefix("\ufeff"))


def parse_webhook(
    mapping: CompiledMapping,
    request: WebhookRequest,
    *,
    secrets: Sequence[str],
    now: datetime,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    verify: bool = True,
) -> IngressResult:
    """Check, authenticate and map one request. ``verify=False`` is for ``leadrelay replay`` only (the
    recorded timestamps are old by then); ``now`` is the arrival time given to the events."""
    check_envelope(request, max_body_bytes=max_body_bytes)
    if verify:
        authenticate(mapping, request, secrets=secrets, now=now)
    return map_payload(mapping, decode_json(request.body), received_at=now)
