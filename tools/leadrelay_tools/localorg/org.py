"""``LocalOrg``: the stand-in's Python surface for tests, benchmarks and the CLI.

A stand-in for tests and demos, not Salesforce: it serves the REST subset leadrelay uses over HTTPS
on 127.0.0.1 so the real simple-salesforce client can talk to it.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

import requests
from simple_salesforce.api import Salesforce

from leadrelay_tools.localorg.auth import (
    Auth,
    ConnectedApp,
    JwtCredentials,
    generate_key_pair,
    load_public_key,
)
from leadrelay_tools.localorg.automation import DuplicateRule, LeadAssignmentRules
from leadrelay_tools.localorg.dml import Engine
from leadrelay_tools.localorg.faults import Faults
from leadrelay_tools.localorg.metadata import load_schema
from leadrelay_tools.localorg.notifications import Notification
from leadrelay_tools.localorg.resources import record_json
from leadrelay_tools.localorg.seeding import (
    INTEGRATION_USERNAME,
    SALES_USERS,
    find_user,
    schema_object,
    seed,
    write_directly,
)
from leadrelay_tools.localorg.server import OrgServer
from leadrelay_tools.localorg.state import ApiCalls, OrgState, wall_clock
from leadrelay_tools.localorg.store import Store, table
from leadrelay_tools.localorg.tls import write_certificates

API_VERSION = "62.0"


class LocalOrg:
    """A local Salesforce stand-in: SQLite records behind an HTTPS REST API. Use as a context manager."""

    def __init__(
        self,
        *,
        db_path: str = ":memory:",
        metadata_dir: Path | None = None,
        faults: Faults | None = None,
        daily_api_limit: int = 15000,
        session_seconds: float = 7200.0,
        workdir: Path | None = None,
    ) -> None:
        schema = load_schema(metadata_dir)
        self._metadata_dir = metadata_dir
        store = Store(schema, db_path)
        self.faults = faults or Faults()
        auth = Auth(
            find_user=lambda username: find_user(self.state, username), session_seconds=session_seconds
        )
        self.state = OrgState(schema, store, Engine(schema, store, self.faults), auth, self.faults)
        self.state.daily_api_limit = self._default_limit = daily_api_limit
        self._own_workdir = workdir is None
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="leadrelay-local-org-"))
        self.ca_file, self._cert, self._key = (str(p) for p in write_certificates(self.workdir))
        self.consumer_key = "3MVG9leadrelay.local.org.consumer.key"
        self.consumer_secret = "local-org-secret-" + self.workdir.name
        self._private_pem, public_pem = generate_key_pair()
        auth.apps[self.consumer_key] = ConnectedApp(
            self.consumer_key, self.consumer_secret, load_public_key(public_pem), INTEGRATION_USERNAME
        )
        self._server: OrgServer | None = None
        self._thread: threading.Thread | None = None
        self._session_id = ""
        seed(self.state, self._metadata_dir)

    # -- lifecycle ---------------------------------------------------------------------------------
    def start(self, port: int = 0, host: str = "127.0.0.1") -> LocalOrg:
        """Start serving on ``host:port`` (0 picks a free port) in a background thread."""
        self._server = OrgServer(self.state, host, port, Path(self._cert), Path(self._key))
        self.state.instance_url = self.url
        self._thread = threading.Thread(target=self._server.serve_forever, name="local-org", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and remove the temporary files."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self.state.store.close()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> LocalOrg:
        return self.start() if self._server is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- connection details ------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """``https://127.0.0.1:<port>`` (also the instance URL)."""
        if self._server is None:
            raise RuntimeError("the local org is not running; call start()")
        host, port = self._server.server_address[:2]
        return f"https://{host!s}:{port}"

    @property
    def instance_url(self) -> str:
        """The instance URL a token response names (same as ``url``)."""
        return self.url

    @property
    def token_url(self) -> str:
        """The OAuth 2.0 token endpoint."""
        return self.url + "/services/oauth2/token"

    @property
    def integration_user_id(self) -> str:
        """Id of the integration user leadrelay runs as."""
        return find_user(self.state, INTEGRATION_USERNAME) or ""

    @property
    def sales_user_ids(self) -> list[str]:
        """Ids of the seeded sales users (佐藤 花子, 鈴木 誠)."""
        return [find_user(self.state, username) or "" for username, _, _ in SALES_USERS]

    @property
    def session_id(self) -> str:
        """A valid bearer token for the integration user (a new one after ``expire_sessions``)."""
        if not self._session_id or self.state.auth.check("Bearer " + self._session_id) is None:
            self._session_id = self.state.auth.issue(self.integration_user_id)
        return self._session_id

    def http_session(self) -> requests.Session:
        """A ``requests.Session`` that trusts the org's certificate.

        ``trust_env`` is off: requests lets ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE`` override a session's
        ``verify``, and a ``HTTPS_PROXY`` must not capture loopback traffic.
        """
        session = requests.Session()
        session.verify = self.ca_file
        session.trust_env = False
        return session

    def client(self, session_id: str | None = None, version: str = API_VERSION) -> Salesforce:
        """The real simple-salesforce client, pointed at this org."""
        return Salesforce(
            instance_url=self.url,
            session_id=session_id or self.session_id,
            version=version,
            session=self.http_session(),
        )

    def jwt_credentials(self) -> JwtCredentials:
        """Consumer key, private key PEM and username for the JWT bearer flow against ``token_url``."""
        return JwtCredentials(
            self.consumer_key,
            self._private_pem,
            INTEGRATION_USERNAME,
            "https://login.salesforce.com",
            self.token_url,
        )

    def register_jwt_app(
        self,
        consumer_key: str,
        certificate_pem: str,
        *,
        consumer_secret: str | None = None,
        run_as_username: str = INTEGRATION_USERNAME,
    ) -> None:
        """Add a connected app; its JWTs are verified with ``certificate_pem`` (certificate or public key)."""
        secret = consumer_secret or "unused-" + consumer_key
        app = ConnectedApp(consumer_key, secret, load_public_key(certificate_pem), run_as_username)
        self.state.auth.apps[consumer_key] = app

    def client_credentials(self) -> tuple[str, str]:
        """(client_id, client_secret) for the client-credentials flow; runs as the integration user."""
        return self.consumer_key, self.consumer_secret

    # -- inspection and seeding (no API calls counted) -----------------------------------------------
    @property
    def duplicate_rules(self) -> list[DuplicateRule]:
        """The org's active duplicate rules: append a ``DuplicateRule`` to activate it."""
        return self.state.engine.duplicate_rules

    @property
    def assignment_rules(self) -> LeadAssignmentRules:
        """The org's lead assignment rules: ``activate(AssignmentRule(...))`` makes one active."""
        return self.state.engine.assignment

    @property
    def daily_api_limit(self) -> int:
        """The org's daily API request allocation (``Sforce-Limit-Info`` total, ``/limits`` Max)."""
        return self.state.daily_api_limit

    @daily_api_limit.setter
    def daily_api_limit(self, value: int) -> None:
        self.state.daily_api_limit = value

    @property
    def api_calls(self) -> ApiCalls:
        """API calls counted so far (total and per endpoint kind)."""
        return self.state.calls.snapshot()

    def records(self, sobject: str, *, include_deleted: bool = False) -> list[dict[str, Any]]:
        """Every record of ``sobject`` (all fields, JSON values), in creation order."""
        obj = schema_object(self.state, sobject)
        where = "" if include_deleted else ' WHERE "IsDeleted" = 0'
        with self.state.store.lock:
            sql = f"SELECT * FROM {table(obj)}{where} ORDER BY rowid"  # noqa: S608 - identifiers from the schema, values bound
            rows = self.state.store.select(obj, sql, [])
        names = [f.name for f in obj]
        return [record_json(obj, row, names, API_VERSION, row["Id"]) for row in rows]

    def record(self, sobject: str, record_id: str) -> dict[str, Any] | None:
        """One record by id (15 or 18 characters), or ``None``."""
        found = [r for r in self.records(sobject, include_deleted=True) if r["Id"][:15] == record_id[:15]]
        return found[0] if found else None

    def insert(self, sobject: str, fields: Mapping[str, Any], *, user_id: str | None = None) -> str:
        """Create a record directly (validated like the API, no API call counted, no faults)."""
        create = partial(self.state.engine.create, schema_object(self.state, sobject), fields)
        return str(write_directly(self.state, create, user_id))

    def update(
        self, sobject: str, record_id: str, fields: Mapping[str, Any], *, user_id: str | None = None
    ) -> None:
        """Change a record directly, as a person in the Salesforce UI would (change origin "")."""
        update = partial(self.state.engine.update, schema_object(self.state, sobject), record_id, fields)
        write_directly(self.state, update, user_id)

    @property
    def notifications(self) -> list[Notification]:
        """Custom notifications delivered through the customNotificationAction, one per recipient."""
        return list(self.state.notifications)

    def change_events(self, sobject: str | None = None) -> list[dict[str, Any]]:
        """Change Data Capture-shaped events of committed writes (``ChangeEventHeader`` + changed fields)."""
        return self.state.changes.events(sobject)

    def expire_sessions(self) -> None:
        """Invalidate every session: the next API call answers 401 INVALID_SESSION_ID."""
        self.state.auth.expire_all()

    def reset(self) -> None:
        """Forget records, events, counts, cursors, faults, assignment rules and limit changes; reseed users.
        Sessions stay."""
        with self.state.store.lock:
            self.state.store.clear()
            self.state.cursors.clear()
            self.state.bulk.jobs.clear()
            self.state.notifications.clear()
            seed(self.state, self._metadata_dir)
            self.state.changes.clear()
            self.state.calls.clear()
            self.state.daily_api_limit = self._default_limit
            self.faults.clear()
            self.state.engine.assignment = LeadAssignmentRules()
            self.state.engine.duplicate_rules.clear()
            self.state.clock = wall_clock
