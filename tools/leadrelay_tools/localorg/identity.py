"""What clients ask before any data: the user behind a token, the API resources, a query's columns.

``GET /services/oauth2/userinfo`` (OpenID Connect), ``GET /id/{orgId}/{userId}`` (the identity URL a token
response names), the resources list of ``/services/data/vXX.X`` and ``/query?columns=true&q=…`` (the column
metadata the Salesforce CLI reads before it prints a query result).
"""

from __future__ import annotations

from typing import Any

from leadrelay_tools.localorg.auth import ORG_ID, identity_url
from leadrelay_tools.localorg.query import CompiledQuery
from leadrelay_tools.localorg.schema import FieldDef
from leadrelay_tools.localorg.soql import parse
from leadrelay_tools.localorg.state import OrgState

_RESOURCES = ("sobjects", "query", "queryAll", "limits", "composite")
_APEX_TYPES = {
    "boolean": "Boolean",
    "date": "Date",
    "datetime": "Datetime",
    "double": "Double",
    "currency": "Double",
    "percent": "Double",
    "int": "Integer",
    "id": "Id",
    "reference": "Id",
}


def _user(state: OrgState, user_id: str) -> dict[str, Any]:
    user = state.schema.get("User")
    with state.store.lock:
        row = state.store.get(user, user_id) if user is not None else None
    return dict(row or {})


def userinfo(state: OrgState, user_id: str) -> dict[str, Any]:
    """The OpenID Connect userinfo answer (plus the identity fields jsforce and the CLI read)."""
    user = _user(state, user_id)
    base = state.instance_url
    return {
        "sub": identity_url(base, user_id),
        "id": identity_url(base, user_id),
        "user_id": user_id,
        "organization_id": ORG_ID,
        "preferred_username": user.get("Username"),
        "username": user.get("Username"),
        "nickname": user.get("Username"),
        "name": user.get("Name") or user.get("LastName"),
        "display_name": user.get("Name") or user.get("LastName"),
        "given_name": user.get("FirstName"),
        "family_name": user.get("LastName"),
        "email": user.get("Email"),
        "email_verified": True,
        "active": bool(user.get("IsActive", True)),
        "user_type": "STANDARD",
        "language": "ja",
        "locale": "ja_JP",
        "utcOffset": 32400000,
        "zoneinfo": "Asia/Tokyo",
        "is_app_installed": True,
        "urls": {
            "rest": f"{base}/services/data/v{{version}}/",
            "sobjects": f"{base}/services/data/v{{version}}/sobjects/",
            "query": f"{base}/services/data/v{{version}}/query/",
            "profile": f"{base}/{user_id}",
            "custom_domain": base,
        },
    }


def resources(state: OrgState, version: str, user_id: str) -> dict[str, str]:
    """``GET /services/data/vXX.X``: the resources this org serves, plus ``identity``."""
    listing = {name: f"/services/data/v{version}/{name}" for name in _RESOURCES}
    listing["identity"] = identity_url(state.instance_url, user_id)
    return listing


def _column(fdef: FieldDef) -> dict[str, Any]:
    apex = _APEX_TYPES.get(fdef.type, "String")
    return {
        "aggregate": False,
        "apexType": apex,
        "booleanType": apex == "Boolean",
        "columnName": fdef.name,
        "custom": fdef.name.endswith("__c"),
        "displayName": fdef.name,
        "foreignKeyName": None,
        "insertable": fdef.createable,
        "joinColumns": [],
        "numberType": apex in ("Double", "Integer"),
        "textType": apex in ("String", "Id"),
        "updatable": fdef.updateable,
    }


def query_columns(state: OrgState, soql: str) -> dict[str, Any]:
    """``GET /query?columns=true&q=…``: the query's column metadata, no rows (as Salesforce answers)."""
    compiled = CompiledQuery(state.schema, soql, parse(soql))
    columns = (
        [{**_column(FieldDef(name="expr0", type="int")), "aggregate": True, "displayName": "COUNT()"}]
        if compiled.count_only
        else [_column(f) for f in compiled.fields]
    )
    return {
        "columnMetadata": columns,
        "entityName": compiled.obj.name,
        "groupBy": False,
        "idSelected": any(f.name == "Id" for f in compiled.fields),
        "keyPrefix": compiled.obj.key_prefix,
    }
