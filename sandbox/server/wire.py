"""Request and response values passed between the HTTP server and the API handlers."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode


@dataclass(frozen=True, slots=True)
class Request:
    """A parsed HTTP request; `query` keeps every value of each parameter, in order."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    host: str

    def param(self, name: str, default: str | None = None) -> str | None:
        """The last value of a query parameter."""
        values = self.query.get(name)
        return values[-1] if values else default

    def int_param(self, name: str, default: int) -> int:
        """An integer query parameter; malformed values fall back to the default."""
        try:
            return int(self.param(name) or default)
        except ValueError:
            return default

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def url(self, path: str, params: dict[str, Any]) -> str:
        """Absolute URL on this server, built from the Host header like the vendors do."""
        return f"http://{self.host}{path}?{urlencode(params)}"


@dataclass(slots=True)
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json;charset=utf-8"


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(status, body, dict(headers or {}))


def correlation_id() -> str:
    return str(uuid.uuid4())


def hubspot_error(status: int, category: str, message: str, **extra: Any) -> Response:
    """HubSpot's generic error body."""
    payload = {
        "status": "error",
        "message": message,
        "correlationId": correlation_id(),
        "category": category,
        **extra,
    }
    return json_response(status, payload)


def aircall_error(status: int, error: str, troubleshoot: str) -> Response:
    return json_response(status, {"error": error, "troubleshoot": troubleshoot})
