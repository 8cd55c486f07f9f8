"""Salesforce sessions kept for the life of a Lambda execution environment, and the API usage they report.

A session is cached per credentials across invocations (a rotated secret is a new cache key), so a warm
function logs in once; ``SimpleSalesforceGateway`` asks for a fresh one after a 401.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import requests
from msgspec import Struct
from simple_salesforce.api import Salesforce

from leadrelay.adapters.salesforce.auth import SalesforceCredentials, SalesforceSession, login

_SESSIONS: dict[SalesforceCredentials, SalesforceSession] = {}
"""Sessions by credentials, kept for the life of the Lambda execution environment."""


def clear_session_cache() -> None:
    """Forget every cached session (tests; a rotated secret is a new cache key anyway)."""
    _SESSIONS.clear()


def cached_session(
    credentials: SalesforceCredentials,
    *,
    fresh: bool,
    http: requests.Session,
    timeout: float,
    clock: Callable[[], float] = time.time,
) -> SalesforceSession:
    """The cached session for ``credentials``, or a new login when there is none or ``fresh`` is set."""
    session = None if fresh else _SESSIONS.get(credentials)
    if session is None:
        session = login(credentials, http=http, timeout=timeout, clock=clock)
        _SESSIONS[credentials] = session
    return session


def rest_client(session: SalesforceSession, api_version: str, http: requests.Session) -> Salesforce:
    """A simple-salesforce client on ``session`` whose REST base is the instance URL the login returned."""
    sf = Salesforce(
        instance_url=session.instance_url,
        session_id=session.access_token.get_secret_value(),
        session=http,
        version=api_version,
    )
    # The REST base follows the instance URL the token endpoint returned (scheme and port included).
    sf.base_url = f"{session.instance_url.rstrip('/')}/services/data/v{api_version}/"
    return sf


class ApiUsage(Struct, frozen=True):
    """The org's API requests used and allowed in the rolling 24 hours (``Sforce-Limit-Info``)."""

    used: int
    limit: int


def parse_api_usage(header: str | None) -> ApiUsage | None:
    """``api-usage=n/N`` from a ``Sforce-Limit-Info`` header, or ``None`` when absent."""
    usage = Salesforce.parse_api_usage(header).get("api-usage") if header else None
    return ApiUsage(used=usage.used, limit=usage.total) if usage else None
