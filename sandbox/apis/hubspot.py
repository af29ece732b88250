"""HubSpot CRM v3/v4 endpoints: object lists, owners, pipelines, associations (search apart)."""

from __future__ import annotations

import time
from typing import Any

from sandbox.server.wire import Request, Response, hubspot_error, json_response
from sandbox.world.business import Business
from sandbox.world.clock import iso_ms
from sandbox.world.crm import CREATED_PROPERTY, DEFAULT_PROPERTIES, MODIFIED_PROPERTY
from sandbox.world.people import HUBSPOT_TEAMS, Agent

LIST_MAX = 100
OWNERS_MAX = 500
BATCH_MAX = 1000
ASSOCIATION_TYPES = {("deals", "contacts"): 3, ("contacts", "deals"): 4}


def requested_properties(object_type: str, asked: list[str]) -> tuple[str, ...]:
    """Asked properties (comma lists, repeated params) plus the ones HubSpot always adds."""
    names = [name.strip() for value in asked for name in value.split(",") if name.strip()]
    if not names:
        return DEFAULT_PROPERTIES[object_type]
    always = ("hs_object_id", CREATED_PROPERTY[object_type], MODIFIED_PROPERTY[object_type])
    return tuple(dict.fromkeys((*names, *always)))


def list_objects(business: Business, request: Request, object_type: str) -> Response:
    """`GET /crm/v3/objects/{type}`: id-ordered cursor pages; archived=true lists only archived."""
    store = business.objects(object_type)
    if store is None:
        return hubspot_error(
            400, "VALIDATION_ERROR", f"Unable to infer object type from: {object_type}"
        )
    limit = max(1, min(request.int_param("limit", 10), LIST_MAX))
    archived = (request.param("archived") or "false").lower() == "true"
    records, next_after = store.page(request.int_param("after", 0), limit, archived)
    names = requested_properties(object_type, request.query.get("properties", []))
    wanted = request.param("associations")
    association = wanted.split(",")[0].strip() if wanted else None
    body: dict[str, Any] = {"results": [r.render(names, association) for r in records]}
    if next_after is not None:
        link = request.url(request.path, {"after": next_after, "limit": limit})
        body["paging"] = {"next": {"after": str(next_after), "link": link}}
    return json_response(200, body)


def get_object(business: Business, request: Request, object_type: str, object_id: str) -> Response:
    store = business.objects(object_type)
    record = store.get(int(object_id)) if store is not None and object_id.isdigit() else None
    if record is None or record.archived != ((request.param("archived") or "false") == "true"):
        return hubspot_error(
            404, "OBJECT_NOT_FOUND", "Object not found.  objectId are usually numeric."
        )
    names = requested_properties(object_type, request.query.get("properties", []))
    return json_response(200, record.render(names, request.param("associations")))


def owner_json(agent: Agent, business: Business) -> dict[str, Any]:
    departed = agent.departed_day is not None
    updated = (
        business.calendar.day_starts[agent.departed_day] if departed else agent.created_at + 86_400
    )
    teams = [
        {"id": HUBSPOT_TEAMS[key][0], "name": HUBSPOT_TEAMS[key][1], "primary": i == 0}
        for i, key in enumerate(agent.hubspot_teams)
    ]
    return {
        "id": agent.owner_id,
        "email": agent.email,
        "type": "PERSON",
        "firstName": agent.first_name,
        "lastName": agent.last_name,
        "userId": agent.hubspot_user_id,
        "userIdIncludingInactive": agent.hubspot_user_id,
        "createdAt": iso_ms(agent.created_at * 1000),
        "updatedAt": iso_ms(updated * 1000),
        "archived": departed,
        "teams": teams,
    }


def list_owners(business: Business, request: Request) -> Response:
    """`GET /crm/v3/owners`: active owners, or only deactivated ones with archived=true."""
    archived = (request.param("archived") or "false").lower() == "true"
    email = (request.param("email") or "").lower()
    owners = [a for a in business.agents if a.owner_id and (a.departed_day is not None) == archived]
    owners = [a for a in owners if not email or a.email == email]
    limit = max(1, min(request.int_param("limit", 100), OWNERS_MAX))
    start = request.int_param("after", 0)
    page = owners[start : start + limit]
    body: dict[str, Any] = {"results": [owner_json(a, business) for a in page]}
    if start + limit < len(owners):
        link = request.url(request.path, {"after": start + limit, "limit": limit})
        body["paging"] = {"next": {"after": str(start + limit), "link": link}}
    return json_response(200, body)


def list_pipelines(business: Business, request: Request, object_type: str) -> Response:
    if object_type != "deals":
        return hubspot_error(
            400, "VALIDATION_ERROR", f"Pipelines are not supported for {object_type}"
        )
    return json_response(200, {"results": business.pipelines})


def batch_associations(business: Business, request: Request, source: str, target: str) -> Response:
    """`POST /crm/v4/associations/{from}/{to}/batch/read`; unknown ids come back as errors (207)."""
    store = business.objects(source)
    type_id = ASSOCIATION_TYPES.get((source, target))
    body = request.json() or {}
    inputs = body.get("inputs") if isinstance(body, dict) else None
    if store is None or type_id is None or not isinstance(inputs, list):
        return hubspot_error(400, "VALIDATION_ERROR", "Invalid input JSON on line 1")
    if len(inputs) > BATCH_MAX:
        return hubspot_error(
            400, "VALIDATION_ERROR", f"Batch input must contain at most {BATCH_MAX} inputs."
        )
    started = iso_ms(int(time.time() * 1000))
    results, missing = [], []
    for item in inputs:
        raw = str(item.get("id", "")) if isinstance(item, dict) else ""
        record = store.get(int(raw)) if raw.isdigit() else None
        if record is None:
            missing.append(raw)
        elif record.associations:
            kinds = [{"category": "HUBSPOT_DEFINED", "typeId": type_id, "label": None}]
            to = [{"toObjectId": other, "associationTypes": kinds} for other in record.associations]
            results.append({"from": {"id": raw}, "to": to})
    payload: dict[str, Any] = {"status": "COMPLETE", "results": results}
    if missing:
        payload["numErrors"] = 1
        payload["errors"] = [
            {
                "status": "error",
                "category": "OBJECT_NOT_FOUND",
                "message": f"No {source} found for ids",
                "context": {"ids": missing},
            }
        ]
    payload.update(startedAt=started, completedAt=iso_ms(int(time.time() * 1000)))
    return json_response(207 if missing else 200, payload)


def batch_read(business: Business, request: Request, object_type: str) -> Response:
    """`POST /crm/v3/objects/{type}/batch/read?archived=`: records by id; missing ids are
    errors (207). Records in the other archived state count as missing, as in HubSpot."""
    store = business.objects(object_type)
    body = request.json() or {}
    inputs = body.get("inputs") if isinstance(body, dict) else None
    if store is None or not isinstance(inputs, list):
        return hubspot_error(400, "VALIDATION_ERROR", "Invalid input JSON on line 1")
    if len(inputs) > LIST_MAX:
        return hubspot_error(
            400, "VALIDATION_ERROR", f"Batch input must contain at most {LIST_MAX} inputs."
        )
    archived = (request.param("archived") or "false").lower() == "true"
    names = requested_properties(object_type, [",".join(body.get("properties") or [])])
    results, missing = [], []
    for item in inputs:
        raw = str(item.get("id", "")) if isinstance(item, dict) else ""
        record = store.get(int(raw)) if raw.isdigit() else None
        if record is None or record.archived != archived:
            missing.append(raw)
        else:
            results.append(record.render(names))
    now = iso_ms(int(time.time() * 1000))
    payload: dict[str, Any] = {"status": "COMPLETE", "results": results,
                               "startedAt": now, "completedAt": now}  # fmt: skip
    if missing:
        payload["numErrors"] = 1
        payload["errors"] = [{"status": "error", "category": "OBJECT_NOT_FOUND",
                              "message": "Could not get some objects, they may be deleted or not "
                              "exist.", "context": {"ids": missing}}]  # fmt: skip
    return json_response(207 if missing else 200, payload)
