"""The Salesforce adapter: OAuth login, the simple-salesforce gateway and its API-usage metric."""

from __future__ import annotations

from leadrelay.adapters.deferred_modules import defer_rarely_used_modules

defer_rarely_used_modules()  # before the modules below import simple-salesforce and PyJWT

from leadrelay.adapters.salesforce.auth import (  # noqa: E402
    AuthFlow,
    SalesforceCredentials,
    credentials_from_document,
    credentials_from_file,
)
from leadrelay.adapters.salesforce.gateway import SimpleSalesforceGateway  # noqa: E402
from leadrelay.adapters.salesforce.sessions import ApiUsage, clear_session_cache  # noqa: E402

__all__ = [
    "ApiUsage",
    "AuthFlow",
    "SalesforceCredentials",
    "SimpleSalesforceGateway",
    "clear_session_cache",
    "credentials_from_document",
    "credentials_from_file",
]
