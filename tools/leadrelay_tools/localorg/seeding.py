"""What every local org starts with (its ``Organization`` row, the integration user, two sales users,
the custom notification types) and writes made directly, as seeding and the Salesforce UI make them:
no API call counted, no injected fault."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from leadrelay_tools.localorg.changes import WriteContext
from leadrelay_tools.localorg.faults import Faults
from leadrelay_tools.localorg.metadata import load_notification_types
from leadrelay_tools.localorg.state import OrgState
from leadrelay_tools.localorg.store import column, table

INTEGRATION_USERNAME = "integration@leadrelay.example"
ORGANIZATION = {
    "Name": "株式会社リードリレー (local org)",
    "OrganizationType": "Developer Edition",
    "InstanceName": "RM1",
    "IsSandbox": False,
    "LanguageLocaleKey": "ja",
    "DefaultLocaleSidKey": "ja_JP",
    "TimeZoneSidKey": "Asia/Tokyo",
}
SALES_USERS = (
    ("sato.hanako@sample-shoji.example", "花子", "佐藤"),
    ("suzuki.makoto@sample-shoji.example", "誠", "鈴木"),
)

Write = Callable[[WriteContext], Any]


def schema_object(state: OrgState, name: str) -> Any:
    """The schema's object ``name``; ``KeyError`` names an unknown one."""
    obj = state.schema.get(name)
    if obj is None:
        raise KeyError(f"unknown sObject: {name}")
    return obj


def find_user(state: OrgState, username: str) -> str | None:
    """The id of the active user ``username``, or ``None``."""
    obj = schema_object(state, "User")
    live = '"IsActive" = 1 AND "IsDeleted" = 0'
    sql = f'SELECT "Id" FROM {table(obj)} WHERE {column("Username")} = ? AND {live}'  # noqa: S608 - identifiers from the schema, values bound
    with state.store.lock:
        rows = state.store.select(obj, sql, [username])
    return rows[0]["Id"] if rows else None


def write_directly(state: OrgState, action: Write, user_id: str | None) -> Any:
    """Run ``action`` in one transaction as ``user_id`` (the integration user by default), with no
    injected fault, and publish its change events."""
    saved = state.engine.faults
    as_user = user_id or find_user(state, INTEGRATION_USERNAME) or ""
    ctx = WriteContext(as_user, None, "", state.clock())
    with state.store.lock, state.store.transaction():
        state.engine.faults = Faults()
        try:
            result = action(ctx)
        finally:
            state.engine.faults = saved
        state.changes.publish(ctx)
    return result


def seed(state: OrgState, metadata_dir: Path | None) -> None:
    """The organization, the users and the notification types, each unless there already (a kept
    ``--db`` file has them); no change event is left behind."""
    _seed_organization(state)
    users = [(INTEGRATION_USERNAME, "Integration", "leadrelay"), *SALES_USERS]
    user = schema_object(state, "User")
    for username, first, last in users:
        if find_user(state, username):
            continue
        fields = {"Username": username, "FirstName": first, "LastName": last, "Email": username}
        write_directly(state, partial(state.engine.create, user, fields), None)
    kind = schema_object(state, "CustomNotificationType")
    for notification_type in load_notification_types(metadata_dir):
        if state.store.find(kind, "DeveloperName", notification_type["DeveloperName"]):
            continue
        write_directly(state, partial(state.engine.create, kind, notification_type), None)
    state.changes.clear()


def _seed_organization(state: OrgState) -> None:
    """The one ``Organization`` row clients query first (its id is the org id tokens name)."""
    org = schema_object(state, "Organization")
    with state.store.lock:
        if state.store.select(org, f'SELECT "Id" FROM {table(org)}', []):  # noqa: S608 - schema names
            return
    write_directly(state, partial(state.engine.create, org, ORGANIZATION), None)
