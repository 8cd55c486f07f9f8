"""The HTTPS transport: a threading HTTP/1.1 server on 127.0.0.1 handing requests to ``api.handle``.

The standard library's ``http.server`` parses requests and keeps connections alive (werkzeug's own server
closes every connection); ``Transfer-Encoding: chunked`` bodies are decoded by werkzeug's ``DechunkedInput``.
On top sit Salesforce's front-end limits: the URI, and the URI plus headers, may hold at most 16,384 bytes
(414 URI Too Long, 431 Request Header Fields Too Large, as Salesforce answers).
"""

from __future__ import annotations

import json
import socket
import ssl
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any, cast

from werkzeug.serving import DechunkedInput

from leadrelay_tools.localorg.api import Request, Response, handle
from leadrelay_tools.localorg.state import OrgState

MAX_URI_BYTES = 16_384
"""Salesforce's limit on the request URI, and on the URI and headers together."""
MAX_BODY_BYTES = 50 * 1024 * 1024
"""The largest request body the stand-in reads (its own bound: it keeps bodies in memory)."""


class _RefusedError(Exception):
    """A request the front end refuses before the API sees it."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _read_chunked(stream: DechunkedInput) -> bytes:
    """A de-chunked body, read up to one byte past ``MAX_BODY_BYTES``."""
    parts: list[bytes] = []
    size = 0
    while size <= MAX_BODY_BYTES and (part := stream.read(65_536)):
        parts.append(part)
        size += len(part)
    return b"".join(parts)


def _answer(state: OrgState, request: Request) -> Response:
    try:
        return handle(state, request)
    except Exception:  # a bug in the stand-in: answer like Salesforce does, and show it
        traceback.print_exc()
        return Response(500, [{"errorCode": "UNKNOWN_EXCEPTION", "message": "An unexpected error occurred."}])


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse one TLS connection
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server: OrgServer

    def _check_limits(self) -> None:
        uri = len(self.path.encode("latin-1", "replace"))
        if uri > MAX_URI_BYTES:
            raise _RefusedError(414)
        headers = sum(len(name) + len(value) + 4 for name, value in self.headers.items())
        if uri + headers > MAX_URI_BYTES:
            raise _RefusedError(431)

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").strip().lower() == "chunked":
            try:
                body = _read_chunked(DechunkedInput(cast(IO[bytes], self.rfile)))
            except (OSError, ValueError):  # a malformed chunk header
                raise _RefusedError(400) from None
        else:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                raise _RefusedError(413)
            body = self.rfile.read(length) if length else b""
        if len(body) > MAX_BODY_BYTES:
            raise _RefusedError(413)
        return body

    def _serve(self) -> None:
        try:
            self._check_limits()
            body = self._body()
        except _RefusedError as refused:
            self.close_connection = True
            page = f"{refused.status} {self.responses[refused.status][0]}\n".encode()
            self._send(refused.status, page, {"Content-Type": "text/plain;charset=UTF-8"})
            return
        path, _, query = self.path.partition("?")
        headers = {k.lower(): v for k, v in self.headers.items()}
        response = _answer(self.server.state, Request(self.command, path, query, headers, body))
        if isinstance(response.body, bytes):
            payload = response.body
            response.headers.setdefault("Content-Type", "text/csv")
        else:
            payload = b"" if response.body is None else json.dumps(response.body, ensure_ascii=False).encode()
            if response.body is not None:
                response.headers["Content-Type"] = "application/json;charset=UTF-8"
        self._send(response.status, payload, response.headers)

    def _send(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve  # noqa: N815 - http.server's naming

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests and benchmarks send thousands of requests."""


class OrgServer(ThreadingHTTPServer):
    """Serves one ``OrgState``; the TLS handshake happens in the request thread, not in the accept loop."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, state: OrgState, host: str, port: int, cert: Path, key: Path) -> None:
        super().__init__((host, port), _Handler)
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
