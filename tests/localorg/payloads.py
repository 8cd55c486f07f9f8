"""Salesforce's documented payloads (copies of shared/reference/salesforce_*.json) and a shape helper."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import jwt
from leadrelay_tools.localorg import LocalOrg
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceError

REFERENCE = Path(__file__).parent / "reference"  # copies of shared/reference/salesforce_*.json


def reference(name: str) -> Any:
    """A documented Salesforce payload (see shared/reference/README.md for where each comes from)."""
    return json.loads((REFERENCE / f"{name}.json").read_text(encoding="utf-8"))


def shape(value: Any) -> Any:
    """The structure of a JSON value: object keys and value types (lists of objects by their first item)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [shape(value[0])]
    return type(value).__name__


def api(sf: Salesforce, sobject: str) -> Any:
    """``sf.<sobject>`` (an ``SFType``) typed loosely: its results are ``dict | int`` unions."""
    return getattr(sf, sobject)


def rest(sf: Salesforce, path: str, method: str = "GET", **kwargs: Any) -> Any:
    """``sf.restful`` with its JSON result typed as ``Any``."""
    return sf.restful(path, method=method, **kwargs)


def content(error: SalesforceError) -> Any:
    """The parsed JSON body simple-salesforce attached to ``error``."""
    return error.content


def jwt_assertion(org: LocalOrg, **overrides: Any) -> str:
    """A JWT bearer assertion for the org's integration user (``key=`` or claims override the defaults)."""
    creds = org.jwt_credentials()
    claims = {
        "iss": creds.consumer_key,
        "sub": creds.username,
        "aud": creds.audience,
        "exp": int(time.time()) + 180,
    }
    key = overrides.pop("key", creds.private_key_pem)
    return jwt.encode({**claims, **overrides}, key, algorithm="RS256")
