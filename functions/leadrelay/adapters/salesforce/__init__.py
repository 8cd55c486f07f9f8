"""The Salesforce adapter: OAuth login, the simple-salesforce gateway and its API-usage metric."""

from __future__ import annotations

from leadrelay.adapters.salesforce.auth import (
    AuthFlow,
    SalesforceCredentials,
    credentials_from_document,
    credentials_from_file,
)
from leadrelay.adapters.salesforce.gateway import SimpleSalesforceGateway
from leadrelay.adapters.salesforce.sessions import ApiUsage, clear_session_cache

__all__ = [
    "ApiUsage",
    "AuthFlow",
    "SalesforceCredentials",
    "SimpleSalesforceGateway",
    "clear_session_cache",
    "credentials_from_document",
    "credentials_from_file",
]
