"""HubSpot CRM v3/v4 faithfulness: envelopes, string properties, paging, search, auth."""

from __future__ import annotations

import dataclasses

import pytest
import requests
from sandbox_testkit import HUBSPOT_HEADERS

from sandbox import Business, RunningSandbox, start_sandbox


def _get(
    http: requests.Session, sandbox: RunningSandbox, path: str, **params: object
) -> requests.Response:
    return http.get(sandbox.base_url + path, params=params, headers=HUBSPOT_HEADERS)


def _search(
    http: requests.Session, sandbox: RunningSandbox, obj: str, body: dict
) -> requests.Response:
    return http.post(
        f"{sandbox.base_url}/crm/v3/objects/{obj}/search", json=body, headers=HUBSPOT_HEADERS
    )


def _all_pages(
    http: requests.Session, sandbox: RunningSandbox, path: str, **params: object
) -> list[dict]:
    records, after = [], None
    while True:
        body = _get(
            http, sandbox, path, limit=100, **({"after": after} if after else {}), **params
        ).json()
        records.extend(body["results"])
        after = body.get("paging", {}).get("next", {}).get("after")
        if after is None:
            return records


def test_list_deals_pages_have_the_documented_envelope(
    sandbox: RunningSandbox, http: requests.Session
) -> None:
    # given / when
    response = _get(
        http,
        sandbox,
        "/crm/v3/objects/deals",
        limit=3,
        associations="contacts",
        properties="dealname,amount,deal_currency_code,hubspot_owner_id",
    )
    body = response.json()
    # then
    assert response.status_code == 200
    assert response.headers["X-HubSpot-RateLimit-Max"]
    assert len(body["results"]) == 3
    assert body["paging"]["next"]["link"].startswith(
        sandbox.base_url + "/crm/v3/objects/deals?after="
    )
    deal = body["results"][0]
    assert set(deal) >= {"id", "properties", "createdAt", "updatedAt", "archived"}
    assert set(deal["properties"]) == {
        "amount",
        "createdate",
        "deal_currency_code",
        "dealname",
        "hs_lastmodifieddate",
        "hs_object_id",
        "hubspot_owner_id",
    }
    assert all(
        v is None or isinstance(v, str) for d in body["results"] for v in d["properties"].values()
    )


def test_list_limit_is_clamped_to_100_and_defaults_to_10(
    sandbox: RunningSandbox, http: requests.Session
) -> None:
    assert len(_get(http, sandbox, "/crm/v3/objects/contacts").json()["results"]) == 10
    assert len(_get(http, sandbox, "/crm/v3/objects/contacts", limit=500).json()["results"]) == 100


def test_archived_list_holds_only_archived_deals(
    sandbox: RunningSandbox, http: requests.Session
) -> None:
    live = _all_pages(http, sandbox, "/crm/v3/objects/deals")
    archived = _all_pages(http, sandbox, "/crm/v3/objects/deals", archived="true")
    assert archived and all(d["archived"] and d["archivedAt"] for d in archived)
    assert not any(d["archived"] for d in live)
    assert len(live) + len(archived) == sandbox.totals()["hubspot/deals"]


def test_search_filters_on_modified_window_and_pages_by_offset(
    sandbox: RunningSandbox, http: requests.Session, business: Business
) -> None:
    # given a one-month window on the deal modified date
    low, high = "1727740800000", "1730419200000"  # 2024-10-01 .. 2024-11-01 UTC
    filters = [
        {"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": low},
        {"propertyName": "hs_lastmodifieddate", "operator": "LT", "value": high},
    ]
    body = {
        "filterGroups": [{"filters": filters}],
        "limit": 50,
        "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
    }
    # when paging through it
    seen, after = [], "0"
    while after is not None:
        page = _search(http, sandbox, "deals", {**body, "after": after}).json()
        seen.extend(page["results"])
        after = page.get("paging", {}).get("next", {}).get("after")
    # then every live deal modified in the window is there once, in order, without associations
    expected = {
        str(d.id)
        for d in business.deals.all()
        if not d.archived and int(low) <= d.updated_ms < int(high)
    }
    assert {d["id"] for d in seen} == expected and len(seen) == len(expected) == page["total"]
    stamps = [d["properties"]["hs_lastmodifieddate"] for d in seen]
    assert stamps == sorted(stamps)
    assert not any("associations" in d for d in seen)


def test_search_has_no_rate_limit_headers_and_default_properties(
    sandbox: RunningSandbox, http: requests.Session
) -> None:
    response = _search(http, sandbox, "contacts", {"limit": 1})
    assert "X-HubSpot-RateLimit-Max" not in response.headers
    assert set(response.json()["results"][0]["properties"]) == {
        "createdate",
        "email",
        "firstname",
        "hs_object_id",
        "lastmodifieddate",
        "lastname",
    }


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        pytest.param({"after": "10000"}, "Cannot page beyond", id="after-at-cap"),
        pytest.param({"limit": 201}, "limit", id="limit-over-200"),
        pytest.param({"filterGroups": [{"filters": []}] * 6}, "filter groups", id="six-groups"),
    ],
)
def test_search_rejects_what_hubspot_rejects(
    sandbox: RunningSandbox, http: requests.Session, body: dict, fragment: str
) -> None:
    response = _search(http, sandbox, "deals", body)
    assert response.status_code == 400
    assert (
        response.json()["category"] == "VALIDATION_ERROR" and fragment in response.json()["message"]
    )


def test_search_cap_is_configurable(business: Business, http: requests.Session) -> None:
    config = dataclasses.replace(business.config, search_cap=100)
    with start_sandbox(config, business=business) as capped:
        assert _search(http, capped, "contacts", {"limit": 100, "after": "0"}).status_code == 200
        assert _search(http, capped, "contacts", {"limit": 100, "after": "100"}).status_code == 400


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="missing"),
        pytest.param({"Authorization": "Bearer wrong"}, id="wrong"),
    ],
)
def test_wrong_token_gets_401_invalid_authentication(
    sandbox: RunningSandbox, headers: dict
) -> None:
    response = requests.get(sandbox.base_url + "/crm/v3/objects/deals", headers=headers)
    assert response.status_code == 401
    assert response.json()["category"] == "INVALID_AUTHENTICATION"
    assert "wrong" not in response.text


def test_owners_split_active_and_archived(sandbox: RunningSandbox, http: requests.Session) -> None:
    active = _get(http, sandbox, "/crm/v3/owners").json()["results"]
    archived = _get(http, sandbox, "/crm/v3/owners", archived="true").json()["results"]
    assert len(archived) == 1 and archived[0]["archived"] is True
    assert len(active) + len(archived) == sandbox.totals()["hubspot/owners"]
    assert all(isinstance(o["userId"], int) and o["teams"] for o in active if o["teams"])


def test_pipelines_carry_string_metadata(sandbox: RunningSandbox, http: requests.Session) -> None:
    pipelines = _get(http, sandbox, "/crm/v3/pipelines/deals").json()["results"]
    assert [p["id"] for p in pipelines] == ["default", "14872536"]
    stages = {s["id"]: s["metadata"] for p in pipelines for s in p["stages"]}
    assert stages["closedwon"] == {"isClosed": "true", "probability": "1.0"}
    assert stages["1004"] == {"isClosed": "true", "probability": "0.0"}


def test_goal_targets_name_their_assignee_by_user_id(
    sandbox: RunningSandbox, http: requests.Session
) -> None:
    goals = _all_pages(
        http,
        sandbox,
        "/crm/v3/objects/goal_targets",
        properties="hs_target_amount,hs_assignee_user_id,hs_milestone,hs_start_datetime",
    )
    user_ids = {str(o["userId"]) for o in _get(http, sandbox, "/crm/v3/owners").json()["results"]}
    user_ids |= {
        str(o["userId"])
        for o in _get(http, sandbox, "/crm/v3/owners", archived="true").json()["results"]
    }
    assert {g["properties"]["hs_assignee_user_id"] for g in goals} <= user_ids
    assert {g["properties"]["hs_milestone"] for g in goals} == {"monthly", "quarterly"}


def test_v4_batch_associations_match_the_list_associations(
    sandbox: RunningSandbox, http: requests.Session
) -> None:
    deals = _get(http, sandbox, "/crm/v3/objects/deals", limit=100, associations="contacts").json()[
        "results"
    ]
    inputs = [{"id": d["id"]} for d in deals]
    body = http.post(
        sandbox.base_url + "/crm/v4/associations/deals/contacts/batch/read",
        json={"inputs": inputs},
        headers=HUBSPOT_HEADERS,
    ).json()
    batch = {
        r["from"]["id"]: sorted(str(t["toObjectId"]) for t in r["to"]) for r in body["results"]
    }
    listed = {
        d["id"]: sorted(a["id"] for a in d["associations"]["contacts"]["results"])
        for d in deals
        if "associations" in d
    }
    assert body["status"] == "COMPLETE" and batch == listed
    assert body["results"][0]["to"][0]["associationTypes"] == [
        {"category": "HUBSPOT_DEFINED", "typeId": 3, "label": None}
    ]
