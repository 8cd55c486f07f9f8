"""A local stand-in of the MA APIs leadrelay reads people from, over real HTTP on loopback.

One server answers both vendors' paths, as their public contracts describe them:

- **HubSpot** ``POST /crm/v3/objects/contacts/batch/read``: ``Authorization: Bearer <token>`` (else
  401 ``INVALID_AUTHENTICATION``); at most 100 ``inputs`` (else 400 ``VALIDATION_ERROR``); 200 with
  ``status: COMPLETE`` and ``results`` when every id is found, 207 with ``results``, ``numErrors`` and
  ``errors: [{category: OBJECT_NOT_FOUND, context: {ids: [...]}}]`` when some are not; 429 with
  ``Retry-After`` while the test has rate-limited it (``hubspot_rate_limited``); 503 during an outage
  (``hubspot_unavailable``).
- **Marketo** ``GET /identity/oauth/token`` (client credentials → ``access_token``, ``expires_in``;
  401 for bad credentials) and ``GET /rest/v1/leads.json?filterType=id&filterValues=…``: always HTTP
  200, failures as ``success: false`` with ``errors: [{code, message}]`` — 600 no token, 601 unknown
  token, 602 expired token, 606 rate limit; unknown ids are simply absent from ``result``.

Fixtures: ``local_ma`` (reset before each test, one server per test session).
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

HUBSPOT_TOKEN = "pat-na1-local-ma-token"
MARKETO_CLIENT_ID = "local-client-id"
MARKETO_CLIENT_SECRET = "local-client-secret"
HUBSPOT_BATCH_LIMIT = 100
MARKETO_FILTER_LIMIT = 300
STAMP = "2026-11-01T00:00:00.000Z"


@dataclass
class MaState:
    """What the stand-in knows and how it misbehaves; tests set these directly."""

    hubspot_contacts: dict[str, dict[str, str]] = field(default_factory=dict)
    marketo_leads: dict[int, dict[str, Any]] = field(default_factory=dict)
    hubspot_rate_limited: int = 0
    """The next this-many HubSpot requests are answered 429."""
    hubspot_retry_after: int = 10
    hubspot_unavailable: int = 0
    """The next this-many HubSpot requests are answered 503 (an outage)."""
    marketo_rate_limited: int = 0
    """The next this-many Marketo lead requests are answered error 606."""
    marketo_tokens: set[str] = field(default_factory=set)
    expired_tokens: set[str] = field(default_factory=set)
    requests: list[tuple[str, str]] = field(default_factory=list)
    """(method, path) of every request, in order."""
    hubspot_batches: list[list[str]] = field(default_factory=list)
    """The ids of each HubSpot batch read."""
    marketo_batches: list[list[str]] = field(default_factory=list)

    def add_hubspot_contact(self, contact_id: str, **properties: str) -> None:
        """A contact with ``email``, ``firstname``, ``lastname``, ``company``… properties."""
        self.hubspot_contacts[contact_id] = properties

    def add_marketo_lead(self, lead_id: int, **fields: Any) -> None:
        """A lead with ``email``, ``firstName``, ``lastName``, ``company``… fields."""
        self.marketo_leads[lead_id] = {"id": lead_id, **fields}

    def expire_marketo_tokens(self) -> None:
        """Every issued token now answers 602 (expired), as Marketo does after ``expires_in``."""
        self.expired_tokens |= self.marketo_tokens


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        state = self.server.state
        state.requests.append(("POST", url.path))
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if url.path != "/crm/v3/objects/contacts/batch/read":
            return self._json(404, _hubspot_error("OBJECT_NOT_FOUND", "resource not found"))
        if self.headers.get("Authorization") != f"Bearer {HUBSPOT_TOKEN}":
            return self._json(
                401, _hubspot_error("INVALID_AUTHENTICATION", "Authentication credentials not found.")
            )
        if state.hubspot_unavailable > 0:
            state.hubspot_unavailable -= 1
            return self._json(503, _hubspot_error("INTERNAL_ERROR", "Service Unavailable"))
        if state.hubspot_rate_limited > 0:
            state.hubspot_rate_limited -= 1
            message = "You have reached your secondly limit."
            error = {**_hubspot_error("RATE_LIMITS", message), "policyName": "SECONDLY"}
            return self._json(429, error, {"Retry-After": str(state.hubspot_retry_after)})
        request = json.loads(body)
        ids = [str(item["id"]) for item in request.get("inputs", [])]
        if len(ids) > HUBSPOT_BATCH_LIMIT:
            return self._json(
                400, _hubspot_error("VALIDATION_ERROR", "Batch input must have at most 100 inputs")
            )
        state.hubspot_batches.append(ids)
        wanted = request.get("properties") or ["email", "firstname", "lastname"]
        results = [_contact(i, state.hubspot_contacts[i], wanted) for i in ids if i in state.hubspot_contacts]
        missing = [i for i in ids if i not in state.hubspot_contacts]
        answer: dict[str, Any] = {
            "status": "COMPLETE",
            "results": results,
            "startedAt": STAMP,
            "completedAt": STAMP,
        }
        if not missing:
            return self._json(200, answer)
        error = {
            "status": "error",
            "category": "OBJECT_NOT_FOUND",
            "message": (
                "Could not get some CONTACT objects, they may be deleted or not exist. "
                "Check that ids are valid."
            ),
            "context": {"ids": missing},
        }
        return self._json(207, {**answer, "numErrors": 1, "errors": [error]})

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        state = self.server.state
        state.requests.append(("GET", url.path))
        if url.path == "/identity/oauth/token":
            if (
                query.get("grant_type") != "client_credentials"
                or query.get("client_id") != MARKETO_CLIENT_ID
                or query.get("client_secret") != MARKETO_CLIENT_SECRET
            ):
                return self._json(
                    401, {"error": "unauthorized", "error_description": "Bad client credentials"}
                )
            token = f"{secrets.token_hex(8)}:ab"
            state.marketo_tokens.add(token)
            answer = {"access_token": token, "token_type": "bearer", "expires_in": 3599, "scope": "api@local"}
            return self._json(200, answer)
        if url.path != "/rest/v1/leads.json":
            return self._json(404, {"message": "not found"})
        token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
        if not token:
            return self._json(200, _marketo_failure("600", "Access token not specified"))
        if token in state.expired_tokens:
            return self._json(200, _marketo_failure("602", "Access token expired"))
        if token not in state.marketo_tokens:
            return self._json(200, _marketo_failure("601", "Access token invalid"))
        if state.marketo_rate_limited > 0:
            state.marketo_rate_limited -= 1
            return self._json(200, _marketo_failure("606", "Max rate limit '100' exceeded with in '20' secs"))
        if query.get("filterType") != "id":
            return self._json(200, _marketo_failure("1003", "filterType must be id here"))
        ids = [v for v in query.get("filterValues", "").split(",") if v]
        if len(ids) > MARKETO_FILTER_LIMIT:
            return self._json(200, _marketo_failure("1003", "Too many values in filterValues"))
        state.marketo_batches.append(ids)
        fields = query.get("fields", "id,email,firstName,lastName,updatedAt,createdAt").split(",")
        leads = [state.marketo_leads[int(i)] for i in ids if i.isdigit() and int(i) in state.marketo_leads]
        result = [
            {name: lead.get(name) for name in ["id", *fields] if name in lead or name == "id"}
            for lead in leads
        ]
        return self._json(200, {"requestId": "e42b#14272d07d78", "result": result, "success": True})

    def _json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def _contact(contact_id: str, properties: dict[str, str], wanted: list[str]) -> dict[str, Any]:
    shown = {name: properties.get(name) for name in wanted}
    return {
        "id": contact_id,
        "properties": {**shown, "hs_object_id": contact_id, "createdate": STAMP, "lastmodifieddate": STAMP},
        "createdAt": STAMP,
        "updatedAt": STAMP,
        "archived": False,
    }


def _hubspot_error(category: str, message: str) -> dict[str, Any]:
    return {
        "status": "error",
        "message": message,
        "correlationId": secrets.token_hex(8),
        "category": category,
    }


def _marketo_failure(code: str, message: str) -> dict[str, Any]:
    return {"requestId": "1c2d#14272d07d78", "success": False, "errors": [{"code": code, "message": message}]}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: MaState


class LocalMa:
    """The stand-in's server on a free loopback port; ``state`` is what it knows."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.state = MaState()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def state(self) -> MaState:
        """The current state (replaced by :meth:`reset`)."""
        return self._server.state

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``, for both vendors' paths."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def secret(self) -> dict[str, Any]:
        """The MA secret's value (docs/ingress.md) pointing both MAs at this server."""
        return {
            "hubspot": {"access_token": HUBSPOT_TOKEN, "base_url": self.base_url},
            "marketo": {
                "base_url": self.base_url,
                "client_id": MARKETO_CLIENT_ID,
                "client_secret": MARKETO_CLIENT_SECRET,
            },
        }

    def reset(self) -> None:
        """Forget everything (people, tokens, request log, pending faults)."""
        self._server.state = MaState()

    def __enter__(self) -> LocalMa:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="session")
def local_ma_server() -> Iterator[LocalMa]:
    """The stand-in's server, started once per test session."""
    with LocalMa() as ma:
        yield ma


@pytest.fixture
def local_ma(local_ma_server: LocalMa) -> LocalMa:
    """The running stand-in, reset for this test."""
    local_ma_server.reset()
    return local_ma_server
