"""MA directories: who a HubSpot contact id or a Marketo lead id is, asked of the MA's own API.

Credentials live in one JSON secret (``LEADRELAY_MA_SECRET_NAME``, read through
:class:`~leadrelay.adapters.secrets.SecretSource`), one key per MA::

    {"hubspot": {"access_token": "pat-na1-…"},
     "marketo": {"base_url": "https://123-ABC-456.mktorest.com", "client_id": "…", "client_secret": "…"}}

``base_url`` is optional for HubSpot (``https://api.hubapi.com``). An MA without a key gets no
directory, and its MA-id-only events resolve as before (by ``LR_External_Key__c``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from leadrelay.adapters.ma.hubspot import HubSpotDirectory
from leadrelay.adapters.ma.marketo import MarketoDirectory
from leadrelay.adapters.secrets import SecretSource, SecretUnavailableError
from leadrelay.domain.events import EventSource
from leadrelay.ports import MaDirectory

__all__ = ["HubSpotDirectory", "MarketoDirectory", "ma_directories"]


def ma_directories(
    source: SecretSource, reference: str, *, http: requests.Session | None = None
) -> dict[EventSource, MaDirectory]:
    """A directory for every MA the secret has credentials for; raises ``SecretUnavailableError``.

    The secret is read now, so a missing or malformed secret fails the cold start with its name;
    each directory reads it again per call (through the secret cache), so a rotated token is used
    within minutes.
    """
    document = source.get(reference)
    if not isinstance(document, dict):
        raise SecretUnavailableError(f"secret {reference} must be a JSON object with a key per MA")
    directories: dict[EventSource, MaDirectory] = {}

    def settings_of(name: str) -> Mapping[str, Any]:
        value = source.get(reference).get(name)
        if not isinstance(value, dict):
            raise SecretUnavailableError(f"secret {reference} has no object under {name!r}")
        return value

    if "hubspot" in document:
        settings_of("hubspot")  # fail fast on a malformed entry
        directories[EventSource.HUBSPOT] = HubSpotDirectory(lambda: settings_of("hubspot"))
    if "marketo" in document:
        settings_of("marketo")
        directories[EventSource.MARKETO] = MarketoDirectory(
            lambda: settings_of("marketo"), http=http or requests.Session()
        )
    return directories
