"""Marketo leads by id, through the REST API (``GET /rest/v1/leads.json?filterType=id``).

Marketo authenticates with a client-credentials token from ``GET /identity/oauth/token`` (valid for
``expires_in`` seconds, about an hour); the token is kept per execution environment and fetched anew
when it is about to expire or Marketo answers 601 (invalid) / 602 (expired). Marketo reports errors
inside HTTP 200 as ``{"success": false, "errors": [{"code": "606", …}]}``: 606/607/615 are rate
limits (``MA_RATE_LIMITED``), the rest make the lookup fail (``MA_UNAVAILABLE``). Ids Marketo does
not know are simply absent from ``result``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import requests

from leadrelay.domain.enrichment import (
    MA_AUTH_FAILED,
    MA_RATE_LIMITED,
    MA_UNAVAILABLE,
    MaDirectoryError,
    MaPerson,
)

BATCH_LIMIT = 300
"""Marketo's limit of ``filterValues`` per call."""
FIELDS = "id,email,firstName,lastName,company"
TIMEOUT_SECONDS = 10.0
TOKEN_MARGIN_SECONDS = 60.0
"""A token this close to its expiry is replaced before use."""
RATE_LIMIT_CODES = frozenset({"606", "607", "615"})
"""Rate limit (100 calls / 20 s), daily quota, concurrent-request limit."""
TOKEN_CODES = frozenset({"601", "602"})
"""Access token invalid / expired: get a new one and ask once more."""
RATE_LIMIT_WAIT_SECONDS = 20.0
"""Marketo's rate window; a 606 sends no ``Retry-After``."""


class MarketoDirectory:
    """Marketo leads as :class:`MaPerson`; ``settings`` returns the secret's ``marketo`` object."""

    def __init__(
        self,
        settings: Callable[[], Mapping[str, Any]],
        *,
        http: requests.Session,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._http = http
        self._monotonic = monotonic
        self._token: tuple[str, float] | None = None  # (token, monotonic expiry)

    def people(self, ma_ids: Sequence[str]) -> dict[str, MaPerson]:
        """The leads among ``ma_ids``, by id; one call per 300 ids."""
        ids = list(dict.fromkeys(ma_ids))
        found: dict[str, MaPerson] = {}
        for start in range(0, len(ids), BATCH_LIMIT):
            for lead in self._leads(ids[start : start + BATCH_LIMIT]):
                ma_id = str(lead.get("id"))
                found[ma_id] = MaPerson(
                    ma_id=ma_id,
                    email=lead.get("email") or None,
                    first_name=lead.get("firstName") or None,
                    last_name=lead.get("lastName") or None,
                    company=lead.get("company") or None,
                )
        return found

    def _leads(self, ids: Sequence[str]) -> list[dict[str, Any]]:
        params = {"filterType": "id", "filterValues": ",".join(ids), "fields": FIELDS}
        for attempt in (1, 2):
            body = self._get("/rest/v1/leads.json", params, token=self._access_token())
            if body.get("success"):
                return [lead for lead in body.get("result") or [] if isinstance(lead, dict)]
            codes = {str(error.get("code")) for error in body.get("errors") or [] if isinstance(error, dict)}
            if codes & TOKEN_CODES and attempt == 1:
                self._token = None  # expired early or revoked: one new token, one more try
                continue
            raise _failure(codes)
        raise MaDirectoryError(MA_AUTH_FAILED, "Marketo refused a freshly issued access token (601/602)")

    def _access_token(self) -> str:
        if self._token is not None and self._monotonic() < self._token[1]:
            return self._token[0]
        settings = self._settings()
        params = {
            "grant_type": "client_credentials",
            "client_id": str(settings.get("client_id") or ""),
            "client_secret": str(settings.get("client_secret") or ""),
        }
        body = self._get("/identity/oauth/token", params, token=None)
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise MaDirectoryError(MA_AUTH_FAILED, "Marketo's identity endpoint issued no access token")
        expires_in = float(body.get("expires_in") or 0)
        self._token = (token, self._monotonic() + max(expires_in - TOKEN_MARGIN_SECONDS, 0.0))
        return token

    def _get(self, path: str, params: Mapping[str, str], *, token: str | None) -> dict[str, Any]:
        base_url = str(self._settings().get("base_url") or "").rstrip("/")
        if not base_url:
            raise MaDirectoryError(MA_AUTH_FAILED, "the MA secret has no Marketo base_url")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            response = self._http.get(
                base_url + path, params=params, headers=headers, timeout=TIMEOUT_SECONDS
            )
        except requests.RequestException as exc:
            raise MaDirectoryError(MA_UNAVAILABLE, f"Marketo {path} failed: {type(exc).__name__}") from None
        if response.status_code in (401, 403):
            raise MaDirectoryError(
                MA_AUTH_FAILED, f"Marketo {path} refused the credentials (HTTP {response.status_code})"
            )
        if response.status_code != 200:
            raise MaDirectoryError(MA_UNAVAILABLE, f"Marketo {path} answered HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise MaDirectoryError(
                MA_UNAVAILABLE, f"Marketo {path} answered something other than a JSON object"
            )
        return body


def _failure(codes: set[str]) -> MaDirectoryError:
    named = ", ".join(sorted(codes)) or "none"
    if codes & RATE_LIMIT_CODES:
        return MaDirectoryError(
            MA_RATE_LIMITED, f"Marketo rate limit (error {named})", retry_after=RATE_LIMIT_WAIT_SECONDS
        )
    if codes & TOKEN_CODES:
        return MaDirectoryError(MA_AUTH_FAILED, f"Marketo refused the access token (error {named})")
    return MaDirectoryError(MA_UNAVAILABLE, f"Marketo lead lookup failed (error {named})")
