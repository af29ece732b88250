"""Aircall v1 faithfulness: meta paging, per_page clamp, the silent cap, windows, auth."""

from __future__ import annotations

import dataclasses

import pytest
import requests
from sandbox_testkit import AIRCALL_AUTH

from sandbox import Business, RunningSandbox, start_sandbox

JULY_FIRST = (1719792000, 1719878400)  # 2024-07-01 00:00 UTC .. +24 h


def _calls(http: requests.Session, sandbox: RunningSandbox, **params: object) -> requests.Response:
    return http.get(sandbox.base_url + "/v1/calls", params=params, auth=AIRCALL_AUTH)


def _page_through(http: requests.Session, url: str | None) -> list[dict]:
    calls = []
    while url:
        body = http.get(url, auth=AIRCALL_AUTH).json()
        calls.extend(body["calls"])
        url = body["meta"]["next_page_link"]
    return calls


def test_calls_page_has_meta_and_rate_headers(
    sandbox: RunningSandbox, http: requests.Session
) -> None:
    response = _calls(
        http, sandbox, **{"from": JULY_FIRST[0], "to": JULY_FIRST[1]}, per_page=2, order="asc"
    )
    body = response.json()
    assert response.status_code == 200
    assert {"X-AircallApi-Limit", "X-AircallApi-Remaining", "X-AircallApi-Reset"} <= set(
        response.headers
    )
    assert int(response.headers["X-AircallApi-Reset"]) > 1_700_000_000
    assert (
        body["meta"]["count"] == 2
        and body["meta"]["current_page"] == 1
        and body["meta"]["per_page"] == 2
    )
    assert body["meta"]["next_page_link"].startswith(sandbox.base_url + "/v1/calls?")
    assert body["meta"]["previous_page_link"] is None
    call = body["calls"][0]
    assert isinstance(call["id"], int) and isinstance(call["started_at"], int)
    assert call["direction"] in ("inbound", "outbound") and call["status"] == "done"


def test_per_page_is_clamped_to_50_and_defaults_to_20(
    sandbox: RunningSandbox, http: requests.Session
) -> None:
    assert _calls(http, sandbox).json()["meta"]["per_page"] == 20
    body = _calls(http, sandbox, per_page=500).json()
    assert body["meta"]["per_page"] == 50 and len(body["calls"]) == 50


def test_window_is_inclusive_on_start_time_and_ordered(
    sandbox: RunningSandbox, http: requests.Session
) -> None:
    first = _calls(
        http, sandbox, per_page=50, **{"from": JULY_FIRST[0], "to": JULY_FIRST[1]}
    ).json()["calls"]
    start = first[3]["started_at"]
    same = _calls(http, sandbox, per_page=50, **{"from": start, "to": start}).json()["calls"]
    assert same and all(c["started_at"] == start for c in same)
    descending = _calls(http, sandbox, per_page=50, order="desc").json()["calls"]
    assert [c["started_at"] for c in descending] == sorted(
        (c["started_at"] for c in descending), reverse=True
    )


def test_following_next_links_returns_exactly_meta_total(
    sandbox: RunningSandbox, http: requests.Session
) -> None:
    week_end = JULY_FIRST[1] + 6 * 86400
    url = f"{sandbox.base_url}/v1/calls?from={JULY_FIRST[0]}&to={week_end}&per_page=50"
    total = http.get(url, auth=AIRCALL_AUTH).json()["meta"]["total"]
    calls = _page_through(http, url)
    assert len(calls) == total == len({c["id"] for c in calls})


def test_silent_cap_truncates_pages_but_total_stays_true(
    business: Business, http: requests.Session
) -> None:
    # given a server whose list cap is 120 records
    with start_sandbox(
        dataclasses.replace(business.config, aircall_list_cap=120), business=business
    ) as capped:
        # when a client follows next_page_link over the whole year
        url = f"{capped.base_url}/v1/calls?per_page=50"
        calls = _page_through(http, url)
        past_cap = _calls(http, capped, per_page=50, page=10).json()
    # then the data just stops at the cap, without an error, and meta.total is still truthful
    assert len(calls) == 120
    assert past_cap["calls"] == [] and past_cap["meta"]["total"] == capped.totals()["aircall/calls"]


@pytest.mark.parametrize("resource", ["users", "numbers", "teams"])
def test_static_lists_use_the_same_meta(
    sandbox: RunningSandbox, http: requests.Session, resource: str
) -> None:
    body = http.get(
        f"{sandbox.base_url}/v1/{resource}", params={"per_page": 50}, auth=AIRCALL_AUTH
    ).json()
    assert len(body[resource]) == body["meta"]["total"] == sandbox.totals()[f"aircall/{resource}"]


def test_wrong_credentials_get_401_with_troubleshoot(sandbox: RunningSandbox) -> None:
    response = requests.get(sandbox.base_url + "/v1/calls", auth=("sandbox-aircall-id", "nope"))
    assert response.status_code == 401
    assert set(response.json()) == {"error", "troubleshoot"}


def test_exhausted_minute_budget_gets_429(business: Business, http: requests.Session) -> None:
    with start_sandbox(
        dataclasses.replace(business.config, aircall_per_minute=3), business=business
    ) as tight:
        statuses = [http.get(tight.base_url + "/v1/users", auth=AIRCALL_AUTH) for _ in range(4)]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    assert statuses[-1].headers["X-AircallApi-Remaining"] == "0"


def test_hubspot_ten_secondly_limit_gets_429_with_policy(
    business: Business, http: requests.Session
) -> None:
    config = dataclasses.replace(business.config, hubspot_ten_secondly_limit=2)
    headers = {"Authorization": "Bearer sandbox-hubspot-token"}
    with start_sandbox(config, business=business) as tight:
        statuses = [http.get(tight.base_url + "/crm/v3/owners", headers=headers) for _ in range(3)]
    assert [r.status_code for r in statuses] == [200, 200, 429]
    assert statuses[-1].json()["policyName"] == "TEN_SECONDLY_ROLLING"
