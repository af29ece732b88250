"""The `/_sandbox/...` control API used by tests: totals, mutations, faults, request stats."""

from __future__ import annotations

import collections
import threading
from typing import Any

from sandbox.server.faults import Fault, FaultBook
from sandbox.server.wire import Request, Response, json_response
from sandbox.world.business import Business
from sandbox.world.mutations import mutate


class RequestStats:
    """Request counts per path (query excluded), for tests asserting on retries and pages."""

    def __init__(self) -> None:
        self._counts: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()

    def count(self, path: str) -> None:
        with self._lock:
            self._counts[path] += 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(sorted(self._counts.items()))

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


def handle_control(
    business: Business, faults: FaultBook, stats: RequestStats, request: Request
) -> Response:
    """Route one control request; unknown paths answer 404."""
    route = (request.method, request.path.rstrip("/"))
    if route == ("GET", "/_sandbox/totals"):
        return json_response(200, business.totals())
    if route == ("GET", "/_sandbox/health"):
        return json_response(200, {"status": "ok", "as_of": business.config.as_of.isoformat()})
    if route == ("POST", "/_sandbox/mutate"):
        return _mutate(business, request)
    if route == ("POST", "/_sandbox/faults"):
        return _add_faults(faults, request)
    if route == ("GET", "/_sandbox/faults"):
        return json_response(200, {"faults": faults.describe(), "fired": faults.fired})
    if route == ("DELETE", "/_sandbox/faults"):
        faults.clear()
        return json_response(200, {"faults": []})
    if route == ("GET", "/_sandbox/stats"):
        return json_response(200, {"requests": stats.snapshot(), "faults_fired": faults.fired})
    if route == ("DELETE", "/_sandbox/stats"):
        stats.clear()
        return json_response(200, {"requests": {}})
    return json_response(404, {"error": f"no control endpoint {request.method} {request.path}"})


def _mutate(business: Business, request: Request) -> Response:
    try:
        counts: dict[str, Any] = request.json() or {}
        return json_response(200, mutate(business, **{k: int(v) for k, v in counts.items()}))
    except (ValueError, TypeError, AttributeError) as error:
        return json_response(400, {"error": str(error)})


def _add_faults(faults: FaultBook, request: Request) -> Response:
    try:
        payload = request.json()
        items = payload if isinstance(payload, list) else [payload]
        added = [Fault.from_json(item) for item in items]
    except (ValueError, TypeError, AttributeError) as error:
        return json_response(400, {"error": str(error)})
    for fault in added:
        faults.add(fault)
    return json_response(200, {"faults": faults.describe()})
