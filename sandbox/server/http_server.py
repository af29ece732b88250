"""The sandbox HTTP server: both vendors on one port, faults applied at the transport."""

from __future__ import annotations

import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sandbox.config import SandboxConfig
from sandbox.server.faults import Fault
from sandbox.server.router import SandboxApp
from sandbox.server.wire import Request, Response
from sandbox.world.business import Business
from sandbox.world.mutations import mutate

HTML_ERROR = (
    b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
)


class SandboxHandler(BaseHTTPRequestHandler):
    """Keep-alive HTTP/1.1 handler; the app is attached to the server."""

    protocol_version = "HTTP/1.1"
    # Without TCP_NODELAY every keep-alive response waits ~40 ms for the client's delayed ACK.
    disable_nagle_algorithm = True
    server: SandboxHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        return  # tests and the demo do not want an access log on stderr

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _read_request(self) -> Request:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        host = headers.get("host") or f"127.0.0.1:{self.server.server_address[1]}"
        query = parse_qs(parts.query, keep_blank_values=True)
        return Request(self.command, parts.path, query, headers, body, host)

    def _serve(self) -> None:
        request = self._read_request()
        app = self.server.app
        app.stats.count(request.path)
        fault = (
            None
            if request.path.startswith("/_sandbox/")
            else app.faults.take(request.method, request.path)
        )
        if fault is not None and fault.kind == "reset":
            self._reset()
            return
        if fault is not None and fault.kind == "latency":
            time.sleep(fault.seconds)
        if fault is not None and fault.kind == "mutate":
            app.mid_sync_changes.append(mutate(app.business, **fault.mutation))
        if fault is not None and fault.kind in ("status", "html"):
            response = _fault_response(fault)
        else:
            response = app.handle(request)
        if fault is not None and fault.kind == "malformed":
            response = Response(
                200, response.body[: max(1, len(response.body) // 2)], response.headers
            )
        self._send(response, truncate=fault is not None and fault.kind == "truncate")

    def _send(self, response: Response, truncate: bool) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if truncate:  # announce the full length, send half, hang up: an IncompleteRead
            self.wfile.write(response.body[: len(response.body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(response.body)

    def _reset(self) -> None:
        # SO_LINGER 0 makes close() send a TCP RST: the client sees "connection reset by peer".
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()


def _fault_response(fault: Fault) -> Response:
    if fault.kind == "html":
        return Response(200, HTML_ERROR, {}, "text/html; charset=utf-8")
    body = fault.body.encode()
    looks_json = body[:1] in (b"{", b"[")
    content_type = "application/json;charset=utf-8" if looks_json else "text/plain; charset=utf-8"
    return Response(fault.status, body, dict(fault.headers), content_type)


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: SandboxApp):
        super().__init__(address, SandboxHandler)
        self.app = app


def serve_in_thread(
    business: Business, config: SandboxConfig, host: str, port: int
) -> tuple[SandboxHTTPServer, threading.Thread]:
    """Serve `business` with the caps and limits of `config` from a daemon thread."""
    server = SandboxHTTPServer((host, port), SandboxApp(business, config))
    # A short poll keeps stop() fast: shutdown() waits for the next poll tick.
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="sandbox-http", daemon=True
    )
    thread.start()
    return server, thread
