"""The sandbox's Pipedrive API: its mount, v2 cursor pages and filters, deleted and archived
deals, auth, burst and daily limits, and a rendering of the same world as HubSpot and Aircall."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import requests
from sandbox_testkit import AIRCALL_AUTH, AS_OF

from connectors.landing import sync_stream
from connectors.pipedrive.config import PipedriveConfig
from connectors.pipedrive.streams import build_pipedrive_streams
from connectors.warehouse import raw_table
from sandbox import Business, RunningSandbox, SandboxConfig, start_sandbox
from sandbox.raw_writer import write_raw

HEADERS = {"x-api-token": "sandbox-pipedrive-token"}
PIPEDRIVE_STREAMS = ("deals", "persons", "pipelines", "stages", "users")


def pages(http: requests.Session, url: str, **params: Any) -> Iterator[dict[str, Any]]:
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        page = http.get(url, params=query, headers=HEADERS, timeout=10).json()
        yield page
        cursor = page["additional_data"]["next_cursor"]
        if cursor is None:
            return


def listed(http: requests.Session, url: str, **params: Any) -> list[dict[str, Any]]:
    return [record for page in pages(http, url, **params) for record in page["data"]]


@pytest.fixture
def pipedrive_url(sandbox: RunningSandbox) -> str:
    return sandbox.base_url_for("pipedrive")


def test_pipedrive_is_mounted_apart_and_aircall_keeps_the_root_v1(
    sandbox: RunningSandbox, http: requests.Session
) -> None:
    # when
    pipedrive = http.get(f"{sandbox.base_url}/pipedrive/v1/users", headers=HEADERS, timeout=10)
    aircall = http.get(f"{sandbox.base_url}/v1/users", auth=AIRCALL_AUTH, timeout=10)
    # then
    assert sandbox.base_url_for("pipedrive") == f"{sandbox.base_url}/pipedrive"
    assert sandbox.base_url_for("hubspot") == sandbox.base_url_for("aircall") == sandbox.base_url
    assert pipedrive.json()["success"] is True and "users" in aircall.json()


def test_cursor_pages_end_with_a_null_cursor_and_break_ties_on_the_id(
    pipedrive_url: str, http: requests.Session, sandbox: RunningSandbox
) -> None:
    # when: deals sorted by update time, 7 per page (the bulk edit shares one second)
    got = list(pages(http, f"{pipedrive_url}/api/v2/deals", limit=7, sort_by="update_time"))
    records = [record for page in got for record in page["data"]]
    # then
    assert got[-1]["additional_data"]["next_cursor"] is None
    assert all(page["additional_data"]["next_cursor"] for page in got[:-1])
    keys = [(record["update_time"], record["id"]) for record in records]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    live = [i for i in sandbox.pipedrive.deals.values() if not i.deleted]
    assert len(records) == len([i for i in live if not i.body["is_archived"]])
    assert len({r["update_time"] for r in records}) < len(records), "some share a second"


def test_updated_since_is_inclusive_and_updated_until_exclusive(
    pipedrive_url: str, http: requests.Session
) -> None:
    # given
    everything = listed(http, f"{pipedrive_url}/api/v2/persons", limit=500)
    times = sorted({person["update_time"] for person in everything})
    since, until = times[len(times) // 3], times[2 * len(times) // 3]
    # when
    window = listed(http, f"{pipedrive_url}/api/v2/persons", limit=500,
                    updated_since=since, updated_until=until)  # fmt: skip
    # then
    expected = [p for p in everything if since <= p["update_time"] < until]
    assert sorted(p["id"] for p in window) == sorted(p["id"] for p in expected)


def test_status_deleted_lists_only_deals_deleted_in_the_last_30_days(
    fresh_sandbox: RunningSandbox, http: requests.Session
) -> None:
    # given: two deals deleted now; the world also holds deals deleted long ago
    url = fresh_sandbox.base_url_for("pipedrive")
    deleted_now = set(fresh_sandbox.mutate_pipedrive(delete_deals=2)["delete_deals"])
    crm = fresh_sandbox.pipedrive
    floor = crm.reference_ms() - 30 * 86_400_000
    # when
    deleted = listed(http, f"{url}/api/v2/deals", status="deleted", limit=500)
    default = listed(http, f"{url}/api/v2/deals", limit=500)
    # then
    recent = {i.id for i in crm.deals.values() if i.deleted and (i.deleted_ms or 0) >= floor}
    assert deleted_now <= {d["id"] for d in deleted} == recent
    assert all(d["is_deleted"] and d["status"] == "deleted" for d in deleted)
    assert not {d["id"] for d in default} & {i.id for i in crm.deals.values() if i.deleted}


def test_archived_deals_leave_the_list_for_the_archived_endpoint(
    fresh_sandbox: RunningSandbox, http: requests.Session
) -> None:
    # given
    url = fresh_sandbox.base_url_for("pipedrive")
    archived_now = set(fresh_sandbox.mutate_pipedrive(archive_deals=3)["archive_deals"])
    # when
    archived = listed(http, f"{url}/api/v2/deals/archived", limit=500)
    default = listed(http, f"{url}/api/v2/deals", limit=500)
    # then
    assert archived_now <= {d["id"] for d in archived}
    assert all(d["is_archived"] and d["archive_time"] for d in archived)
    assert not archived_now & {d["id"] for d in default}


def test_a_bad_token_gets_the_401_envelope(pipedrive_url: str, http: requests.Session) -> None:
    # when
    answer = http.get(f"{pipedrive_url}/api/v2/deals", headers={"x-api-token": "no"}, timeout=10)
    # then
    assert answer.status_code == 401
    assert answer.json() == {
        "success": False,
        "error": "unauthorized access",
        "error_info": "Please check developers.pipedrive.com",
        "data": None,
        "additional_data": None,
    }


def test_the_burst_window_answers_429_with_a_reset_in_seconds(
    business: Business, http: requests.Session
) -> None:
    # given: 3 requests per 2-second window
    config = SandboxConfig(seed=7, scale=0.3, as_of=AS_OF, pipedrive_burst_limit=3)
    with start_sandbox(config, business=business) as sandbox:
        url = f"{sandbox.base_url_for('pipedrive')}/api/v2/pipelines"
        # when
        answers = [http.get(url, headers=HEADERS, timeout=10) for _ in range(4)]
    # then (a window boundary may fall between two requests: at least one is refused)
    statuses = [answer.status_code for answer in answers]
    refused = [answer for answer in answers if answer.status_code == 429]
    assert 429 in statuses and statuses[0] == 200
    assert refused[0].json() == {"success": False, "error": "request over limit"}
    assert refused[0].headers["x-ratelimit-remaining"] == "0"
    assert 1 <= int(refused[0].headers["x-ratelimit-reset"]) <= 2
    assert answers[0].headers["x-ratelimit-limit"] == "3"


def test_the_daily_budget_refuses_until_the_day_resets(
    business: Business, http: requests.Session
) -> None:
    # given: 2 tokens a day
    config = SandboxConfig(seed=7, scale=0.3, as_of=AS_OF, pipedrive_daily_tokens=2)
    with start_sandbox(config, business=business) as sandbox:
        url = f"{sandbox.base_url_for('pipedrive')}/api/v2/stages"
        # when
        answers = [http.get(url, headers=HEADERS, timeout=10) for _ in range(4)]
    # then
    assert [answer.status_code for answer in answers] == [200, 200, 429, 429]
    assert answers[1].headers["x-daily-ratelimit-token-remaining"] == "0"
    assert answers[3].headers["x-daily-ratelimit-token-remaining"] == "0"
    assert answers[0].headers["x-daily-ratelimit-token-limit"] == "2"


def test_pipedrive_renders_the_same_world_as_hubspot_and_aircall(business: Business) -> None:
    # given
    with start_sandbox(business=business) as sandbox:
        crm = sandbox.pipedrive
    users = {user["id"]: user for user in crm.users}
    persons = [item.body for item in crm.persons.values()]
    deals = [item.body for item in crm.deals.values()]
    # then: one person per lead, one deal per plan, as many users as HubSpot owners
    assert len(persons) == len(business.leads) == len(business.contacts)
    assert len(deals) == len(business.deal_plans) == len(business.deals)
    assert len(users) == business.totals()["hubspot/owners"]
    # agents map by e-mail to Aircall users (case and spaces aside)
    aircall = {a.aircall_email.strip().lower() for a in business.aircall_users()}
    assert aircall & {user["email"] for user in users.values()}
    assert all(deal["owner_id"] in users for deal in deals)
    assert {deal["person_id"] for deal in deals if deal["person_id"]} <= {p["id"] for p in persons}
    assert {deal["status"] for deal in deals} >= {"open", "won", "lost", "deleted"}
    assert all(deal["won_time"] for deal in deals if deal["status"] == "won")
    hubspot_sources = {c.properties["hs_analytics_source"] for c in business.contacts.all()}
    assert {deal["channel"] for deal in deals if deal["channel"]} <= hubspot_sources
    assert {"WebForms", "ManuallyCreated"} <= {deal["origin"] for deal in deals}
    phones = [phone for person in persons for phone in person["phones"]]
    assert phones and {phone["label"] for phone in phones} <= {"mobile", "work"}
    assert all(isinstance(phone["value"], str) for phone in phones)


def test_raw_writer_lands_pipedrive_like_an_http_sync(tmp_path: Path) -> None:
    # given one business written directly and synced over HTTP
    business = Business(SandboxConfig(seed=5, scale=0.05, as_of=dt.date(2026, 6, 15)))
    direct, synced = tmp_path / "direct.duckdb", tmp_path / "synced.duckdb"
    written = write_raw(direct, business, pipedrive=True)
    with start_sandbox(business=business) as sandbox:
        config = PipedriveConfig("sandbox-pipedrive-token", sandbox.base_url_for("pipedrive"))
        for stream in build_pipedrive_streams(config).values():
            sync_stream(stream, synced, "http")
    # then
    for table in PIPEDRIVE_STREAMS:
        stream = f"pipedrive/{table}"
        assert _rows(direct, stream) == _rows(synced, stream), stream
        assert written[stream] == len(_rows(synced, stream))


def test_raw_writer_leaves_pipedrive_empty_by_default(tmp_path: Path) -> None:
    # given
    business = Business(SandboxConfig(seed=5, scale=0.02, as_of=dt.date(2026, 6, 15)))
    # when
    started = time.perf_counter()
    written = write_raw(tmp_path / "w.duckdb", business)
    # then
    assert not any(stream.startswith("pipedrive/") for stream in written)
    assert _rows(tmp_path / "w.duckdb", "pipedrive/deals") == set()
    assert time.perf_counter() - started < 60


def _rows(path: Path, stream: str) -> set[tuple[object, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        sql = (
            f"SELECT id, CAST(record AS VARCHAR), modified_at, is_archived FROM {raw_table(stream)}"
        )
        return set(con.execute(sql).fetchall())
