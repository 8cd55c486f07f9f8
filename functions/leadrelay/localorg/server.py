"""The HTTPS transport: werkzeug's threaded HTTP/1.1 server on 127.0.0.1 handing requests to ``api.handle``.

werkzeug parses HTTP (keep-alive, ``Transfer-Encoding: chunked`` request bodies, ``Expect: 100-continue``,
the request-line and header limits of ``http.server``); this module adds Salesforce's own front-end limit:
the URI and the URI plus headers may hold at most 16,384 bytes (414 URI Too Long, 431 Request Header Fields
Too Large, as Salesforce answers).
"""

from __future__ import annotations

import json
import socket
import ssl
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler
from werkzeug.wsgi import get_input_stream

from leadrelay.localorg.api import Request, Response, handle
from leadrelay.localorg.state import OrgState

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

MAX_URI_BYTES = 16_384
"""Salesforce's limit on the request URI, and on the URI and headers together."""
MAX_BODY_BYTES = 50 * 1024 * 1024
"""The largest request body the stand-in reads (its own bound: it keeps bodies in memory)."""

_REASONS = {
    400: "Bad Request",
    413: "Request Entity Too Large",
    414: "URI Too Long",
    431: "Request Header Fields Too Large",
}


def _front_end_error(status: int) -> tuple[str, list[tuple[str, str]], bytes]:
    """What Salesforce's front end sends for a request it refuses before the API sees it: a short page."""
    body = f"{status} {_REASONS[status]}\n".encode()
    headers = [("Content-Type", "text/plain;charset=UTF-8"), ("Content-Length", str(len(body)))]
    return f"{status} {_REASONS[status]}", headers, body


def _limit_status(environ: WSGIEnvironment) -> int | None:
    """414 or 431 when the request breaks Salesforce's URI and header limits, else ``None``."""
    uri = len(str(environ.get("REQUEST_URI") or environ.get("RAW_URI") or "").encode("latin-1", "replace"))
    if uri > MAX_URI_BYTES:
        return 414
    headers = sum(
        len(key) - 5 + len(str(value)) + 4 for key, value in environ.items() if key.startswith("HTTP_")
    )
    return 431 if uri + headers > MAX_URI_BYTES else None


def _request(environ: WSGIEnvironment) -> Request:
    """The ``api.Request`` for one WSGI request (chunked bodies arrive de-chunked from werkzeug)."""
    body = get_input_stream(environ, max_content_length=MAX_BODY_BYTES).read()
    headers = {
        key[5:].replace("_", "-").lower(): str(v) for key, v in environ.items() if key.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = str(environ[key])
    raw = str(environ.get("REQUEST_URI") or environ.get("RAW_URI") or environ.get("PATH_INFO", "/"))
    path, _, query = raw.partition("?")
    return Request(str(environ["REQUEST_METHOD"]), path, query, headers, body)


def _answer(state: OrgState, request: Request) -> Response:
    try:
        return handle(state, request)
    except Exception:  # a bug in the stand-in: answer like Salesforce does, and show it
        traceback.print_exc()
        return Response(500, [{"errorCode": "UNKNOWN_EXCEPTION", "message": "An unexpected error occurred."}])


def _app(state: OrgState) -> Any:
    """The WSGI application serving ``state``."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        refused = _limit_status(environ)
        if refused is None:
            try:
                request = _request(environ)
            except RequestEntityTooLarge:
                refused = 413
            except (HTTPException, OSError, ValueError):  # a malformed chunked body (ClientDisconnected)
                refused = 400
        if refused is not None:
            status, headers, body = _front_end_error(refused)
            headers.append(("Connection", "close"))
            start_response(status, headers)
            return [body]
        response = _answer(state, request)
        payload = b"" if response.body is None else json.dumps(response.body, ensure_ascii=False).encode()
        out = list(response.headers.items())
        if response.body is not None:
            out.append(("Content-Type", "application/json;charset=UTF-8"))
        out.append(("Content-Length", str(len(payload))))
        start_response(f"{response.status} {_reason(response.status)}", out)
        return [payload]

    return app


def _reason(status: int) -> str:
    return WSGIRequestHandler.responses.get(status, ("",))[0] or "Unknown"


class _Handler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse one TLS connection
    disable_nagle_algorithm = True  # headers and body go out as separate writes

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Quiet: tests and benchmarks send thousands of requests."""


class OrgServer(ThreadedWSGIServer):
    """Serves one ``OrgState``; the TLS handshake happens in the request thread, not in the accept loop."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, state: OrgState, host: str, port: int, cert: Path, key: Path) -> None:
        super().__init__(host, port, _app(state), handler=_Handler)
        self.state = state
        self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.tls.load_cert_chain(cert, key)

    def finish_request(self, request: Any, client_address: Any) -> None:
        """Wrap the accepted socket in TLS, then serve it."""
        sock: socket.socket = request
        try:
            wrapped = self.tls.wrap_socket(sock, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            super().finish_request(wrapped, client_address)
        finally:
            wrapped.close()
