"""Aircall v1 endpoints: calls by start-time window, users, numbers, teams (page/per_page)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sandbox.server.wire import Request, Response, aircall_error, json_response
from sandbox.world.business import Business
from sandbox.world.calls import (
    AIRCALL_HOST,
    TEAMS_CREATED_AT,
    number_json,
    team_json,
    user_json,
)
from sandbox.world.callstore import CALL_ID_BASE, DAY_STRIDE
from sandbox.world.clock import iso_seconds

PER_PAGE_MAX = 50
PER_PAGE_DEFAULT = 20


def _paging(request: Request) -> tuple[int, int]:
    page = max(1, request.int_param("page", 1))
    per_page = max(1, min(request.int_param("per_page", PER_PAGE_DEFAULT), PER_PAGE_MAX))
    return page, per_page


def _meta(
    request: Request, count: int, total: int, page: int, per_page: int, cap: int
) -> dict[str, Any]:
    """Aircall's `meta`; links stop at the silent record cap while `total` stays truthful."""
    params = {k: v[-1] for k, v in request.query.items()}

    def link(number: int) -> str:
        return request.url(request.path, {**params, "page": number, "per_page": per_page})

    reachable = min(total, cap)
    return {
        "count": count,
        "total": total,
        "current_page": page,
        "per_page": per_page,
        "next_page_link": link(page + 1) if page * per_page < reachable else None,
        "previous_page_link": link(page - 1) if page > 1 else None,
    }


def _bound(request: Request, name: str) -> int | None:
    value = request.param(name)
    return int(value) if value not in (None, "") and value.lstrip("-").isdigit() else None


def list_calls(business: Business, request: Request, cap: int) -> Response:
    """`GET /v1/calls?from=&to=&order=&page=&per_page=`; `from`/`to` bound the start time."""
    for name in ("from", "to"):
        if request.param(name) not in (None, "") and _bound(request, name) is None:
            return aircall_error(
                400, "Invalid parameter", f"'{name}' must be a UNIX timestamp in seconds"
            )
    page, per_page = _paging(request)
    offset = (page - 1) * per_page
    room = max(0, min(per_page, cap - offset))  # past the cap the data just stops, no error
    descending = (request.param("order") or "asc").lower() == "desc"
    store = business.calls
    total, rows = store.window(
        _bound(request, "from"), _bound(request, "to"), descending, offset, room
    )
    calls = [store.fragment(row) for row in rows] if room else []
    meta = _meta(request, len(calls), total, page, per_page, cap)
    meta_json = json.dumps(meta, separators=(",", ":")).encode()
    return Response(200, b'{"calls":[' + b",".join(calls) + b'],"meta":' + meta_json + b"}")


def get_call(business: Business, request: Request, call_id: str) -> Response:
    if call_id.isdigit():
        index = (int(call_id) - CALL_ID_BASE) // DAY_STRIDE
        for row in business.calls.rows(index):
            if row[0] == int(call_id):
                return json_response(200, {"call": business.calls.render(row)})
    return aircall_error(404, "Not found", "Check the id of the resource")


def _user(agent: Any, business: Business) -> dict[str, Any]:
    return {
        **user_json(agent),
        "created_at": iso_seconds(agent.created_at),
        "time_zone": "Europe/Paris",
        "state": "always_opened",
        "extension": str(100 + agent.index),
    }


def _number(line: Any, business: Business) -> dict[str, Any]:
    closed = "Nous sommes fermés. Merci de rappeler aux heures d'ouverture."
    messages = {
        "welcome": None,
        "waiting": None,
        "ivr": None,
        "voicemail": None,
        "closed": closed,
        "callback_later": None,
        "unanswered_call": None,
        "after_hours": closed,
        "ringing_tone": None,
    }
    created = business.calendar.start - 400 * 86_400 + line.number_id % 1000 * 3600
    return {
        **number_json(line),
        "priority": None,
        "created_at": iso_seconds(created),
        "messages": messages,
    }


def _team(key: str, business: Business) -> dict[str, Any]:
    members = [user_json(a) for a in business.aircall_users() if a.aircall_team == key]
    team = team_json(key)
    return {
        "id": team["id"],
        "direct_link": team["direct_link"],
        "name": team["name"],
        "created_at": iso_seconds(TEAMS_CREATED_AT),
        "users": members,
    }


def list_static(business: Business, request: Request, resource: str, cap: int) -> Response:
    """`GET /v1/users`, `/v1/numbers`, `/v1/teams`: small lists with the same `meta` paging."""
    builders: dict[str, tuple[list[Any], Callable[[Any, Business], dict[str, Any]]]] = {
        "users": (business.aircall_users(), _user),
        "numbers": (
            [
                ln
                for ln in business.lines
                if ln.number_id not in business.aircall_removed["numbers"]
            ],
            _number,
        ),
        "teams": (business.aircall_teams(), _team),
    }
    items, render = builders[resource]
    page, per_page = _paging(request)
    offset = (page - 1) * per_page
    chosen = items[offset : min(offset + per_page, cap)] if offset < cap else []
    meta = _meta(request, len(chosen), len(items), page, per_page, cap)
    return json_response(200, {resource: [render(item, business) for item in chosen], "meta": meta})


def direct_link(resource: str, item_id: int) -> str:
    return f"{AIRCALL_HOST}/{resource}/{item_id}"
