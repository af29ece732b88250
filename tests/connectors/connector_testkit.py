"""Test kit for connector tests: a scripted HTTP server, recorded pages, a fake vendor client."""

import json
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def load_page(vendor: str, name: str) -> dict[str, Any]:
    """A recorded vendor page from ``tests/fixtures/<vendor>/<name>.json``."""
    return json.loads((FIXTURES / vendor / f"{name}.json").read_text(encoding="utf-8"))


@dataclass
class Reply:
    """One scripted answer: a JSON or raw body, or a broken connection (``reset``, ``truncate``)."""

    status: int = 200
    body: dict[str, Any] | bytes = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    action: str = "normal"


@dataclass
class Seen:
    """A request as the server received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: dict[str, Any] | None
    headers: dict[str, str]


class ScriptedServer:
    """A real local HTTP server answering from a queue of replies (then from ``fallback``)."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.seen: list[Seen] = []
        self.fallback: Callable[[Seen], Reply] = lambda seen: Reply(404, {"message": "none"})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def script(self, *replies: Reply) -> None:
        """Queue replies, answered in order before the fallback."""
        self.replies.extend(replies)

    def close(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    def _answer(self, seen: Seen) -> Reply:
        self.seen.append(seen)
        return self.replies.pop(0) if self.replies else self.fallback(seen)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:
                self._respond(None)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self._respond(json.loads(self.rfile.read(length) or b"null"))

            def _respond(self, body: dict[str, Any] | None) -> None:
                parts = urlsplit(self.path)
                seen = Seen(self.command, parts.path, parse_qs(parts.query), body,
                            dict(self.headers.items()))  # fmt: skip
                reply = owner._answer(seen)
                if reply.action == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                               b"\x01\x00\x00\x00\x00\x00\x00\x00")  # fmt: skip
                    self.connection.close()
                    return
                payload = (
                    reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                )
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if "Content-Type" not in reply.headers:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if reply.action == "truncate":
                    self.wfile.write(payload[: len(payload) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(payload)

        return Handler


class FakeClient:
    """Stands in for HttpClient in unit tests: answers from a function, records the calls."""

    def __init__(self, answer: Callable[[str, str, dict[str, Any]], dict[str, Any]],
                 now: float = 1_750_000_000.0) -> None:  # fmt: skip
        self.answer, self.now = answer, now
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def clock(self) -> float:
        return self.now

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self.calls.append(("GET", path, params or {}))
        return self.answer("GET", path, params or {})

    def post_read(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        self.calls.append(("POST", path, body))
        return self.answer("POST", path, body)


class Sleeps:
    """An injectable sleep that records waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
