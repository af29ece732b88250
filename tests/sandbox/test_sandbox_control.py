"""Control API and mutations: totals match a full read, mutations change exactly N records."""

from __future__ import annotations

import datetime as dt
import time

import requests
from sandbox_testkit import AIRCALL_AUTH, AS_OF, HUBSPOT_HEADERS

from sandbox import RunningSandbox, SandboxConfig, start_sandbox


def _hubspot_ids(
    http: requests.Session, sandbox: RunningSandbox, path: str, **params: object
) -> list[str]:
    ids, after = [], "0"
    while after is not None:
        body = http.get(
            sandbox.base_url + path,
            params={"limit": 100, "after": after, **params},
            headers=HUBSPOT_HEADERS,
        ).json()
        ids.extend(r["id"] for r in body["results"])
        after = body.get("paging", {}).get("next", {}).get("after")
    return ids


def _search_all(
    http: requests.Session, sandbox: RunningSandbox, obj: str, since_ms: int
) -> list[dict]:
    prop = "hs_lastmodifieddate" if obj == "deals" else "lastmodifieddate"
    body = {
        "filterGroups": [
            {"filters": [{"propertyName": prop, "operator": "GTE", "value": str(since_ms)}]}
        ],
        "limit": 200,
        "properties": ["dealstage", "amount", "lifecyclestage"],
    }
    url = f"{sandbox.base_url}/crm/v3/objects/{obj}/search"
    return http.post(url, json=body, headers=HUBSPOT_HEADERS).json()["results"]


def _all_calls(http: requests.Session, sandbox: RunningSandbox, start: int, end: int) -> list[dict]:
    calls, url = [], f"{sandbox.base_url}/v1/calls?from={start}&to={end}&per_page=50"
    while url:
        body = http.get(url, auth=AIRCALL_AUTH).json()
        calls.extend(body["calls"])
        url = body["meta"]["next_page_link"]
    return calls


def test_totals_equal_what_paging_through_everything_returns(
    fresh_sandbox: RunningSandbox, http: requests.Session
) -> None:
    totals = requests.get(fresh_sandbox.base_url + "/_sandbox/totals").json()
    deals = _hubspot_ids(http, fresh_sandbox, "/crm/v3/objects/deals")
    deals += _hubspot_ids(http, fresh_sandbox, "/crm/v3/objects/deals", archived="true")
    contacts = _hubspot_ids(http, fresh_sandbox, "/crm/v3/objects/contacts")
    goals = _hubspot_ids(http, fresh_sandbox, "/crm/v3/objects/goal_targets")
    calendar = fresh_sandbox.business.calendar
    calls = []
    for month_start in range(calendar.start, calendar.end, 30 * 86400):  # windows under the cap
        calls += _all_calls(
            http, fresh_sandbox, month_start, min(month_start + 30 * 86400, calendar.end) - 1
        )
    assert len(set(deals)) == len(deals) == totals["hubspot/deals"]
    assert len(set(contacts)) == totals["hubspot/contacts"]
    assert len(goals) == totals["hubspot/goal_targets"]
    assert len({c["id"] for c in calls}) == len(calls) == totals["aircall/calls"]


def test_mutate_changes_exactly_n_records_visible_to_search(
    fresh_sandbox: RunningSandbox, http: requests.Session
) -> None:
    # given
    before_ms = int(dt.datetime.now(dt.UTC).timestamp() * 1000) - 1
    # when
    changed = requests.post(
        fresh_sandbox.base_url + "/_sandbox/mutate", json={"deals": 5, "contacts": 4, "calls": 3}
    ).json()
    # then
    assert {k: len(v) for k, v in changed.items()} == {"deals": 5, "contacts": 4, "calls": 3}
    assert sorted(d["id"] for d in _search_all(http, fresh_sandbox, "deals", before_ms)) == sorted(
        changed["deals"]
    )
    assert sorted(
        c["id"] for c in _search_all(http, fresh_sandbox, "contacts", before_ms)
    ) == sorted(changed["contacts"])
    call = http.get(
        f"{fresh_sandbox.base_url}/v1/calls/{changed['calls'][0]}", auth=AIRCALL_AUTH
    ).json()["call"]
    assert call["tags"][-1]["name"] == "Relance"


def test_new_records_and_archive_restore(
    fresh_sandbox: RunningSandbox, http: requests.Session
) -> None:
    totals = fresh_sandbox.totals()
    added = fresh_sandbox.mutate(new_deals=2, new_contacts=3, new_calls=4)
    after = fresh_sandbox.totals()
    assert after["hubspot/deals"] == totals["hubspot/deals"] + 2
    assert after["hubspot/contacts"] == totals["hubspot/contacts"] + 3
    assert after["aircall/calls"] == totals["aircall/calls"] + 4
    now = int(dt.datetime.now(dt.UTC).timestamp())
    assert {c["id"] for c in _all_calls(http, fresh_sandbox, now - 3600, now + 60)} == set(
        added["new_calls"]
    )
    # archiving hides a deal from lists and search; restoring brings it back
    archived = fresh_sandbox.mutate(archive_deals=1)["archive_deals"]
    assert archived[0] in _hubspot_ids(
        http, fresh_sandbox, "/crm/v3/objects/deals", archived="true"
    )
    assert archived[0] not in _hubspot_ids(http, fresh_sandbox, "/crm/v3/objects/deals")


def test_search_lag_hides_fresh_changes_for_a_while(http: requests.Session) -> None:
    config = SandboxConfig(seed=3, scale=0.05, as_of=AS_OF, search_lag_seconds=0.4)
    with start_sandbox(config) as lagging:
        since = int(dt.datetime.now(dt.UTC).timestamp() * 1000) - 1
        changed = lagging.mutate(deals=2)["deals"]
        assert _search_all(http, lagging, "deals", since) == []
        time.sleep(0.5)
        assert sorted(d["id"] for d in _search_all(http, lagging, "deals", since)) == sorted(
            changed
        )
