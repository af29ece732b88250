"""Pipedrive API: v2 cursor lists (deals, archived deals, persons, pipelines, stages), v1 users,
``x-api-token`` auth, the 2-second burst window and the daily token budget.

Paths arrive without the sandbox mount (``/pipedrive``), as Pipedrive itself serves them.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import time
from collections.abc import Callable
from typing import Any

from sandbox.apis.pipedrive_records import Item, PipedriveCrm, build_pipedrive
from sandbox.config import PIPEDRIVE_TOKEN, SandboxConfig
from sandbox.server.ratelimit import FixedWindow, RollingWindow
from sandbox.server.wire import Request, Response, json_response
from sandbox.world.business import Business

LIMIT_MAX = 500
LIMIT_DEFAULT = 100
SORT_FIELDS = ("id", "update_time", "add_time")
DEAL_STATUSES = ("open", "won", "lost", "deleted")
OVER_LIMIT = {"success": False, "error": "request over limit"}
DAY_SECONDS = 86_400


def pipedrive_error(status: int, error: str, info: str = "") -> Response:
    """Pipedrive's error envelope."""
    payload = {
        "success": False,
        "error": error,
        "error_info": info or "Please check developers.pipedrive.com",
        "data": None,
        "additional_data": None,
    }
    return json_response(status, payload)


class BadRequest(ValueError):
    """A query parameter Pipedrive would refuse with HTTP 400."""


class PipedriveApi:
    """One sandbox server's Pipedrive: shares the business's rendering, owns its rate windows."""

    def __init__(self, business: Business, config: SandboxConfig) -> None:
        self._business = business
        self._config = config
        self._burst = FixedWindow(config.pipedrive_burst_limit, config.pipedrive_burst_seconds)
        tokens = config.pipedrive_daily_tokens
        self._daily = RollingWindow(tokens, DAY_SECONDS) if tokens is not None else None
        self._routes: dict[str, Callable[[Request], Response]] = {
            "/api/v2/deals": self._deals,
            "/api/v2/deals/archived": self._archived_deals,
            "/api/v2/persons": self._persons,
            "/api/v2/pipelines": lambda r: self._static(r, self.crm.pipelines),
            "/api/v2/stages": self._stages,
            "/v1/users": self._users,
            "/api/v1/users": self._users,
        }

    @property
    def crm(self) -> PipedriveCrm:
        """Built on the first Pipedrive request: servers that never serve it pay nothing."""
        return self._business.rendering("pipedrive", build_pipedrive)

    def handle(self, request: Request) -> Response:
        """Authenticate, count against the windows, then route."""
        if not self._authorized(request):
            return pipedrive_error(401, "unauthorized access")
        allowed, remaining, reset = self._burst.take()
        headers = {
            "x-ratelimit-limit": str(self._burst.limit),
            "x-ratelimit-remaining": str(remaining),
            # A duration in seconds, unlike Aircall's epoch (source_apis.md §2.8).
            "x-ratelimit-reset": str(max(1, reset - int(time.time()))),
        }
        daily_allowed = True
        if self._daily is not None and allowed:
            daily_allowed, daily_left = self._daily.take()
            headers["x-daily-ratelimit-token-limit"] = str(self._daily.limit)
            headers["x-daily-ratelimit-token-remaining"] = str(daily_left)
        if not allowed or not daily_allowed:
            response = json_response(429, OVER_LIMIT)
        else:
            response = self._route(request)
        response.headers.update(headers)
        return response

    @staticmethod
    def _authorized(request: Request) -> bool:
        token = request.headers.get("x-api-token") or request.param("api_token")
        return token == PIPEDRIVE_TOKEN

    def _route(self, request: Request) -> Response:
        handler = self._routes.get(request.path.rstrip("/"))
        if request.method != "GET":
            return pipedrive_error(405, "Method not allowed", "The sandbox is read-only")
        if handler is None:
            return pipedrive_error(404, f"Unknown method {request.path}")
        try:
            return handler(request)
        except BadRequest as problem:
            return pipedrive_error(400, str(problem))

    # lists -------------------------------------------------------------------------------------

    def _deals(self, request: Request) -> Response:
        statuses = _statuses(request.param("status"))
        floor = self.crm.reference_ms() - self._config.pipedrive_deleted_days * DAY_SECONDS * 1000

        def wanted(item: Item) -> bool:
            if item.deleted:
                return "deleted" in statuses and (item.deleted_ms or 0) >= floor
            return item.body["status"] in statuses and not item.body["is_archived"]

        return self._page(request, self.crm.deals.values(), wanted)

    def _archived_deals(self, request: Request) -> Response:
        statuses = _statuses(request.param("status"))
        return self._page(
            request,
            self.crm.deals.values(),
            lambda i: i.body["is_archived"] and not i.deleted and i.body["status"] in statuses,
        )

    def _persons(self, request: Request) -> Response:
        return self._page(request, self.crm.persons.values(), lambda item: not item.deleted)

    def _stages(self, request: Request) -> Response:
        pipeline = request.param("pipeline_id")
        rows = [s for s in self.crm.stages if not pipeline or str(s["pipeline_id"]) == pipeline]
        return self._static(request, rows)

    def _users(self, request: Request) -> Response:
        return json_response(200, {"success": True, "data": self.crm.users})

    def _static(self, request: Request, rows: list[dict[str, Any]]) -> Response:
        items = [Item(row["id"], row, 0) for row in rows]
        return self._page(request, items, lambda item: True, sortable=False)

    def _page(self, request: Request, items: Any, wanted: Callable[[Item], bool],
              sortable: bool = True) -> Response:  # fmt: skip
        limit = request.int_param("limit", LIMIT_DEFAULT)
        if not 1 <= limit <= LIMIT_MAX:
            raise BadRequest(f"Validation failed: limit: must be between 1 and {LIMIT_MAX}")
        field = (request.param("sort_by") or "id") if sortable else "id"
        if field not in SORT_FIELDS:
            raise BadRequest(f"Validation failed: sort_by: must be one of {SORT_FIELDS}")
        descending = (request.param("sort_direction") or "asc") == "desc"
        since, until = _time(request, "updated_since"), _time(request, "updated_until")
        after = _decode_cursor(request.param("cursor"), field)
        with self.crm.lock:  # mutations edit bodies in place: copy the page before sending
            chosen = sorted(
                (
                    (_sort_value(item, field), item.id, item.body)
                    for item in items
                    if wanted(item)
                    and (since is None or item.updated_ms // 1000 >= since)
                    and (until is None or item.updated_ms // 1000 < until)
                ),
                key=lambda row: (row[0], row[1]),
                reverse=descending,
            )
            if after is not None:  # keyset: ties on the sort value break on the id
                chosen = [row for row in chosen if _beyond((row[0], row[1]), after, descending)]
            page = [
                (key, ident, json.loads(json.dumps(body))) for key, ident, body in chosen[:limit]
            ]
        more = len(chosen) > limit
        next_cursor = _encode_cursor(field, page[-1][0], page[-1][1]) if more else None
        body = {
            "success": True,
            "data": [row[2] for row in page],
            "additional_data": {"next_cursor": next_cursor},
        }
        return json_response(200, body)


def _beyond(key: tuple[int, int], after: tuple[int, int], descending: bool) -> bool:
    return key < after if descending else key > after


def _statuses(value: str | None) -> tuple[str, ...]:
    if not value:
        return ("open", "won", "lost")  # omitted: every status but deleted
    statuses = tuple(part.strip() for part in value.split(",") if part.strip())
    if any(status not in DEAL_STATUSES for status in statuses):
        raise BadRequest(f"Validation failed: status: must be a list of {DEAL_STATUSES}")
    return statuses


def _time(request: Request, name: str) -> int | None:
    value = request.param(name)
    if not value:
        return None
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value):
        raise BadRequest(f"Validation failed: {name}: must be an RFC3339 date-time")
    return int(dt.datetime.fromisoformat(value).timestamp())


def _sort_value(item: Item, field: str) -> int:
    if field == "id":
        return item.id
    if field == "update_time":
        return item.updated_ms // 1000
    return int(dt.datetime.fromisoformat(item.body["add_time"]).timestamp())


def _encode_cursor(field: str, value: int, ident: int) -> str:
    text = json.dumps({"field": field, "value": value, "id": ident}, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str | None, field: str) -> tuple[int, int] | None:
    if not cursor:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if data["field"] != field:
            raise BadRequest("Validation failed: cursor: does not match sort_by")
        return int(data["value"]), int(data["id"])
    except (ValueError, KeyError, TypeError) as problem:
        raise BadRequest("Validation failed: cursor: invalid cursor") from problem
