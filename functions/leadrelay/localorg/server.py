"""The HTTPS transport: a threading HTTP/1.1 server on 127.0.0.1 handing requests to ``api.handle``."""

from __future__ import annotations

import json
import socket
import ssl
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from leadrelay.localorg.api import Request, Response, handle
from leadrelay.localorg.state import OrgState


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse one TLS connection
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server: OrgServer

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            response = handle(self.server.state, Request(self.command, path, query, headers, body))
        except Exception:  # a bug in the stand-in: answer like Salesforce does, and show it
            traceback.print_exc()
            response = Response(
                500, [{"errorCode": "UNKNOWN_EXCEPTION", "message": "An unexpected error occurred."}]
            )
        payload = b"" if response.body is None else json.dumps(response.body, ensure_ascii=False).encode()
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if response.body is not None:
            self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
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
