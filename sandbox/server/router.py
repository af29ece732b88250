"""Dispatch a request to HubSpot, Aircall or control handlers, with auth and rate limits."""

from __future__ import annotations

import base64
import dataclasses
import re
from typing import Any

from sandbox.apis import aircall as aircall_api
from sandbox.apis import hubspot as hubspot_api
from sandbox.apis import twilio as twilio_api
from sandbox.apis.hubspot_search import SearchIndex, search
from sandbox.apis.pipedrive import PipedriveApi
from sandbox.config import (
    AIRCALL_API_ID,
    AIRCALL_API_TOKEN,
    HUBSPOT_TOKEN,
    SandboxConfig,
)
from sandbox.server.control_api import RequestStats, handle_control
from sandbox.server.faults import FaultBook
from sandbox.server.ratelimit import FixedWindow, RollingWindow
from sandbox.server.wire import (
    Request,
    Response,
    aircall_error,
    correlation_id,
    hubspot_error,
    json_response,
)
from sandbox.world.business import Business

OBJECTS = r"(deals|contacts|goal_targets|[a-z_0-9]+)"
HUBSPOT_AUTH_MESSAGE = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can "
    "find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)


class SandboxApp:
    """The whole simulated API surface behind one port."""

    def __init__(self, business: Business, config: SandboxConfig | None = None):
        config = config or business.config
        self.config = config  # caps and limits; may differ between servers sharing a business
        self.business = business
        self.faults = FaultBook()
        self.stats = RequestStats()
        self.mid_sync_changes: list[dict[str, Any]] = []  # what each `mutate` fault changed
        self.search_index = SearchIndex()
        self.hubspot_window = RollingWindow(config.hubspot_ten_secondly_limit, 10.0)
        self.hubspot_daily = RollingWindow(config.hubspot_daily_limit, 86_400.0)
        per_second = config.hubspot_search_per_second
        self.search_window = RollingWindow(per_second, 1.0) if per_second else None
        self.aircall_window = FixedWindow(config.aircall_per_minute, 60)
        # Vendors served under their own base path (``/pipedrive/api/v2/...``): Pipedrive's
        # ``/v1/users`` would otherwise collide with Aircall's ``/v1/``, kept at the root.
        self.mounts = {"/pipedrive": PipedriveApi(business, config)}
        self.twilio = twilio_api.TwilioApi(business, config)

    def handle(self, request: Request) -> Response:
        if request.path.startswith("/_sandbox/"):
            return handle_control(self.business, self.faults, self.stats, request)
        for prefix, api in self.mounts.items():
            if request.path == prefix or request.path.startswith(prefix + "/"):
                inner = request.path[len(prefix) :] or "/"
                return api.handle(dataclasses.replace(request, path=inner))
        if request.path.startswith("/crm/"):
            return self._hubspot(request)
        if request.path.startswith("/v1/"):
            return self._aircall(request)
        if request.path.startswith(twilio_api.MOUNT + "/"):
            return self.twilio.handle(request)
        return json_response(404, {"status": "error", "message": f"Unknown path {request.path}"})

    # HubSpot -----------------------------------------------------------------------------------

    def _hubspot(self, request: Request) -> Response:
        if request.headers.get("authorization", "") != f"Bearer {HUBSPOT_TOKEN}":
            return hubspot_error(401, "INVALID_AUTHENTICATION", HUBSPOT_AUTH_MESSAGE)
        is_search = request.method == "POST" and request.path.endswith("/search")
        throttled = self._hubspot_throttle(is_search)
        if throttled:
            return throttled
        response = self._hubspot_route(request)
        if not is_search:  # search responses carry no rate-limit headers
            response.headers.update(self._hubspot_headers())
        return response

    def _hubspot_throttle(self, is_search: bool) -> Response | None:
        checks = [
            (self.hubspot_window, "TEN_SECONDLY_ROLLING", "ten_secondly_rolling"),
            (self.hubspot_daily, "DAILY", "daily"),
        ]
        if is_search and self.search_window:
            checks.insert(0, (self.search_window, "SECONDLY", "secondly"))
        for window, policy, label in checks:
            allowed, _ = window.take()
            if not allowed:
                payload = {
                    "status": "error",
                    "message": f"You have reached your {label} limit.",
                    "errorType": "RATE_LIMIT",
                    "correlationId": correlation_id(),
                    "policyName": policy,
                    "requestId": correlation_id(),
                }
                response = json_response(429, payload)
                response.headers.update(self._hubspot_headers())
                return response
        return None

    def _hubspot_headers(self) -> dict[str, str]:
        used = len(self.hubspot_window._hits)
        daily_used = len(self.hubspot_daily._hits)
        return {
            "X-HubSpot-RateLimit-Daily": str(self.hubspot_daily.limit),
            "X-HubSpot-RateLimit-Daily-Remaining": str(
                max(0, self.hubspot_daily.limit - daily_used)
            ),
            "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
            "X-HubSpot-RateLimit-Max": str(self.hubspot_window.limit),
            "X-HubSpot-RateLimit-Remaining": str(max(0, self.hubspot_window.limit - used)),
        }

    def _hubspot_route(self, request: Request) -> Response:
        path, method, business = request.path.rstrip("/"), request.method, self.business
        if method == "GET" and (m := re.fullmatch(r"/crm/v3/objects/" + OBJECTS, path)):
            return hubspot_api.list_objects(business, request, m[1])
        if method == "GET" and (m := re.fullmatch(r"/crm/v3/objects/" + OBJECTS + r"/(\w+)", path)):
            return hubspot_api.get_object(business, request, m[1], m[2])
        if method == "POST" and (
            m := re.fullmatch(r"/crm/v3/objects/" + OBJECTS + "/batch/read", path)
        ):
            return hubspot_api.batch_read(business, request, m[1])
        if method == "POST" and (
            m := re.fullmatch(r"/crm/v3/objects/" + OBJECTS + "/search", path)
        ):
            store = business.objects(m[1])
            if store is None:
                return hubspot_error(
                    400, "VALIDATION_ERROR", f"Unable to infer object type from: {m[1]}"
                )
            return search(store, self.search_index, request, m[1], self.config.search_cap)
        if method == "GET" and path == "/crm/v3/owners":
            return hubspot_api.list_owners(business, request)
        if method == "GET" and (m := re.fullmatch(r"/crm/v3/pipelines/(\w+)", path)):
            return hubspot_api.list_pipelines(business, request, m[1])
        if method == "POST" and (
            m := re.fullmatch(r"/crm/v4/associations/(\w+)/(\w+)/batch/read", path)
        ):
            return hubspot_api.batch_associations(business, request, m[1], m[2])
        return hubspot_error(404, "OBJECT_NOT_FOUND", f"No route for {method} {request.path}")

    # Aircall -----------------------------------------------------------------------------------

    def _aircall(self, request: Request) -> Response:
        allowed, remaining, reset = self.aircall_window.take()
        headers = {
            "X-AircallApi-Limit": str(self.aircall_window.limit),
            "X-AircallApi-Remaining": str(remaining),
            "X-AircallApi-Reset": str(reset),
        }
        if not self._aircall_authorized(request):
            response = aircall_error(
                401, "Unauthorized", "Check your API ID and API token (HTTP Basic auth)"
            )
        elif not allowed:
            response = aircall_error(
                429, "Too many requests", f"Wait until {reset} (X-AircallApi-Reset)"
            )
        else:
            response = self._aircall_route(request)
        response.headers.update(headers)
        return response

    @staticmethod
    def _aircall_authorized(request: Request) -> bool:
        expected = base64.b64encode(f"{AIRCALL_API_ID}:{AIRCALL_API_TOKEN}".encode()).decode()
        return request.headers.get("authorization", "") == f"Basic {expected}"

    def _aircall_route(self, request: Request) -> Response:
        path, business, cap = (
            request.path.rstrip("/"),
            self.business,
            self.config.aircall_list_cap,
        )
        if request.method != "GET":
            return aircall_error(
                405, "Method not allowed", "The sandbox serves read-only endpoints"
            )
        if path == "/v1/calls":
            return aircall_api.list_calls(business, request, cap)
        if m := re.fullmatch(r"/v1/calls/(\d+)", path):
            return aircall_api.get_call(business, request, m[1])
        if m := re.fullmatch(r"/v1/(users|numbers|teams)", path):
            return aircall_api.list_static(business, request, m[1], cap)
        return aircall_error(404, "Not found", "Check the path of the resource")
