"""HubSpot contacts by id, through the CRM batch-read API and the maintained ``hubspot-api-client``.

``POST /crm/v3/objects/contacts/batch/read`` takes up to 100 ids a call and answers 200 (all found)
or 207 Multi-Status (``results`` for the found, ``errors`` with ``OBJECT_NOT_FOUND`` naming the rest).
A 429 (the app's rate limit) carries ``Retry-After``; it becomes ``MA_RATE_LIMITED`` with that hint,
and the pipeline waits or hands the events back to the queue.

The SDK is imported with the first lookup, not with this module: most events carry an e-mail address,
and the processor's cold start should not pay for a client it may never call (tests/test_cold_imports.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from urllib3.exceptions import HTTPError

from leadrelay.domain.enrichment import (
    MA_AUTH_FAILED,
    MA_RATE_LIMITED,
    MA_UNAVAILABLE,
    MaDirectoryError,
    MaPerson,
)

BATCH_LIMIT = 100
"""HubSpot's limit of ids per batch-read call."""
PROPERTIES = ("email", "firstname", "lastname", "company")
TIMEOUT_SECONDS = 10.0


def retry_after(headers: Mapping[str, str] | None) -> float | None:
    """The ``Retry-After`` header in seconds (HubSpot sends delta-seconds), ``None`` when absent."""
    value = (headers or {}).get("Retry-After")
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None


class HubSpotDirectory:
    """HubSpot contacts as :class:`MaPerson`; ``settings`` returns the secret's ``hubspot`` object."""

    def __init__(self, settings: Callable[[], Mapping[str, Any]]) -> None:
        self._settings = settings
        self._client: tuple[tuple[str, str], Any] | None = None  # ((token, host), client): one pool per token

    def people(self, ma_ids: Sequence[str]) -> dict[str, MaPerson]:
        """The contacts among ``ma_ids``, by id; one batch-read call per 100 ids."""
        ids = list(dict.fromkeys(ma_ids))
        if not ids:
            return {}
        from hubspot.crm.contacts import BatchReadInputSimplePublicObjectId, SimplePublicObjectId

        api = self._api()
        found: dict[str, MaPerson] = {}
        for start in range(0, len(ids), BATCH_LIMIT):
            request = BatchReadInputSimplePublicObjectId(
                inputs=[SimplePublicObjectId(id=ma_id) for ma_id in ids[start : start + BATCH_LIMIT]],
                properties=list(PROPERTIES),
                properties_with_history=[],
            )
            for contact in self._read(api, request):
                properties = contact.properties or {}
                found[str(contact.id)] = MaPerson(
                    ma_id=str(contact.id),
                    email=properties.get("email") or None,
                    first_name=properties.get("firstname") or None,
                    last_name=properties.get("lastname") or None,
                    company=properties.get("company") or None,
                )
        return found

    def _api(self) -> Any:
        """The client's contacts batch API for the current token (a rotated token gets a new client)."""
        settings = self._settings()
        token = settings.get("access_token")
        if not isinstance(token, str) or not token:
            raise MaDirectoryError(MA_AUTH_FAILED, "the MA secret has no HubSpot access_token")
        host = str(settings.get("base_url") or "").rstrip("/")
        if self._client is None or self._client[0] != (token, host):
            from hubspot import HubSpot

            options = {"host": host} if host else {}
            # HubSpot's 207 errors carry fewer keys than the client's generated models demand (no
            # ``links``, no ``errors``); with validation on, the client would reject the very answer
            # that names the missing ids.
            client = HubSpot(access_token=token, client_side_validation=False, **options)
            self._client = ((token, host), client.crm.contacts.batch_api)
        return self._client[1]

    @staticmethod
    def _read(api: Any, request: Any) -> list[Any]:
        from hubspot.crm.contacts import ApiException

        try:
            response = api.read(request, archived=False, _request_timeout=TIMEOUT_SECONDS)
        except ApiException as exc:
            raise _failure(exc) from None
        except (HTTPError, ValueError) as exc:  # connection, timeout, or an answer the client cannot read
            raise MaDirectoryError(
                MA_UNAVAILABLE, f"HubSpot batch read failed: {type(exc).__name__}"
            ) from None
        return list(response.results or [])


def _failure(exc: Any) -> MaDirectoryError:
    status = int(exc.status or 0)
    if status == 429:
        return MaDirectoryError(
            MA_RATE_LIMITED, "HubSpot rate limit (HTTP 429)", retry_after=retry_after(exc.headers)
        )
    if status in (401, 403):
        return MaDirectoryError(MA_AUTH_FAILED, f"HubSpot refused the access token (HTTP {status})")
    return MaDirectoryError(MA_UNAVAILABLE, f"HubSpot batch read answered HTTP {status}")
