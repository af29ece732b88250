"""HubSpot CRM search: filterGroups, one sort, numeric offsets, the 10,000-result cap."""

from __future__ import annotations

import functools
import json
import time
from typing import Any

from sandbox.apis.hubspot import requested_properties
from sandbox.server.wire import Request, Response, hubspot_error, json_response
from sandbox.world.clock import parse_iso_ms
from sandbox.world.crm import DATETIME_PROPERTIES, Record
from sandbox.world.objects import ObjectStore

SEARCH_MAX = 200
MAX_GROUPS, MAX_FILTERS_PER_GROUP, MAX_FILTERS = 5, 10, 25
OPERATORS = {
    "EQ",
    "NEQ",
    "LT",
    "LTE",
    "GT",
    "GTE",
    "BETWEEN",
    "IN",
    "NOT_IN",
    "HAS_PROPERTY",
    "NOT_HAS_PROPERTY",
}


class SearchError(ValueError):
    """A request HubSpot would reject with 400 VALIDATION_ERROR."""


@functools.lru_cache(maxsize=500_000)
def _as_number(name: str, value: str) -> float | str:
    """Comparable form of a value: epoch ms for datetimes, floats for numbers, else lower text."""
    if name in DATETIME_PROPERTIES:
        if value.lstrip("-").isdigit():
            return float(value)
        try:
            return float(parse_iso_ms(value))
        except ValueError:
            return value.lower()
    try:
        return float(value)
    except ValueError:
        return value.lower()


def _compare(op: str, actual: float | str, wanted: float | str) -> bool:
    if type(actual) is not type(wanted):
        actual, wanted = str(actual), str(wanted)
    return {
        "EQ": actual == wanted,
        "NEQ": actual != wanted,
        "LT": actual < wanted,
        "LTE": actual <= wanted,
        "GT": actual > wanted,
        "GTE": actual >= wanted,
    }[op]


def _matches(record: Record, spec: dict[str, Any]) -> bool:
    name, op = spec.get("propertyName"), spec.get("operator", "EQ")
    value = record.properties.get(name) if isinstance(name, str) else None
    if op == "HAS_PROPERTY":
        return value is not None
    if op == "NOT_HAS_PROPERTY":
        return value is None
    if op in ("IN", "NOT_IN"):
        values = {_as_number(name, str(v)) for v in spec.get("values", [])}
        inside = value is not None and _as_number(name, value) in values
        return inside if op == "IN" else not inside
    if value is None:
        return op == "NEQ"
    actual = _as_number(name, value)
    if op == "BETWEEN":
        low, high = (
            _as_number(name, str(spec.get("value"))),
            _as_number(name, str(spec.get("highValue"))),
        )
        return _compare("GTE", actual, low) and _compare("LTE", actual, high)
    return _compare(op, actual, _as_number(name, str(spec.get("value"))))


def _validate(body: Any) -> tuple[list[list[dict[str, Any]]], list[dict[str, Any]], int, int]:
    if not isinstance(body, dict):
        raise SearchError(
            "Invalid input JSON on line 1, column 1: Cannot build PublicObjectSearchRequest"
        )
    groups = [g.get("filters", []) for g in body.get("filterGroups", []) if isinstance(g, dict)]
    if len(groups) > MAX_GROUPS or any(len(g) > MAX_FILTERS_PER_GROUP for g in groups):
        raise SearchError(
            f"Too many filter groups or filters: at most {MAX_GROUPS} groups"
            f" of {MAX_FILTERS_PER_GROUP}"
        )
    if sum(len(g) for g in groups) > MAX_FILTERS:
        raise SearchError(f"Too many filters: at most {MAX_FILTERS} in total")
    for spec in (f for g in groups for f in g):
        if not isinstance(spec, dict) or spec.get("operator", "EQ") not in OPERATORS:
            raise SearchError(f"Unsupported filter: {json.dumps(spec)}")
    limit = int(body.get("limit", 10))
    if not 0 < limit <= SEARCH_MAX:
        raise SearchError(f"limit must be between 1 and {SEARCH_MAX}")
    after = str(body.get("after", "0") or "0")
    if not after.isdigit():
        raise SearchError("after must be a numeric offset")
    return groups, body.get("sorts", []) or [], limit, int(after)


def _sort_key(record: Record, name: str | None) -> tuple[int, float | str, int]:
    if name is None:
        return (0, 0.0, record.id)
    value = record.properties.get(name)
    return (1, "", record.id) if value is None else (0, _as_number(name, value), record.id)


def _matching(
    store: ObjectStore, groups: list[list[dict[str, Any]]], sorts: list[Any]
) -> list[Record]:
    now = time.time()
    found = [
        r
        for r in store.all()
        if not r.archived
        and r.visible_at <= now
        and (not groups or any(all(_matches(r, f) for f in g) for g in groups))
    ]
    sort = sorts[0] if sorts and isinstance(sorts[0], dict) else {}
    name = sort.get("propertyName") if sort else None
    descending = str(sort.get("direction", "ASCENDING")).upper() == "DESCENDING"
    found.sort(key=lambda r: _sort_key(r, name))
    if descending:
        found.sort(key=lambda r: _sort_key(r, name)[:2], reverse=True)
    return found


class SearchIndex:
    """Caches the ordered matches of recent queries, invalidated by the store's version."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int, int], list[Record]] = {}

    def query(self, store: ObjectStore, key: str, groups: Any, sorts: Any) -> list[Record]:
        # Records inside their indexing lag change visibility with time alone: never cache then.
        lagging = time.time() < store.visible_after
        cache_key = (key, id(store), store.version)
        if not lagging and cache_key in self._cache:
            return self._cache[cache_key]
        found = _matching(store, groups, sorts)
        if not lagging:
            if len(self._cache) > 64:
                self._cache.clear()
            self._cache[cache_key] = found
        return found


def search(
    store: ObjectStore, index: SearchIndex, request: Request, object_type: str, cap: int
) -> Response:
    """`POST /crm/v3/objects/{type}/search`: never archived records, never associations."""
    try:
        body = request.json()
        groups, sorts, limit, after = _validate(body)
    except (SearchError, ValueError, TypeError) as error:
        return hubspot_error(
            400, "VALIDATION_ERROR", str(error), errors=[{"message": str(error), "in": "body"}]
        )
    if after >= cap:
        message = f"Cannot page beyond the first {cap} results. Use a narrower filter."
        return hubspot_error(
            400, "VALIDATION_ERROR", message, errors=[{"message": message, "in": "after"}]
        )
    key = json.dumps([object_type, groups, sorts], sort_keys=True)
    found = index.query(store, key, groups, sorts)
    names = requested_properties(object_type, [",".join(body.get("properties", []) or [])])
    page = found[after : after + limit]
    payload: dict[str, Any] = {"total": len(found), "results": [r.render(names) for r in page]}
    if after + limit < len(found):
        payload["paging"] = {"next": {"after": str(after + limit)}}
    return json_response(200, payload)
