"""Every stream against the local sandbox over HTTP: caps, faults, mutations, crash and resume."""

import json
import logging
import time
from collections.abc import Iterator
from datetime import date, timedelta
from email.utils import formatdate
from pathlib import Path
from typing import Any

import duckdb
import pytest
from connector_testkit import Sleeps

from connectors.aircall.config import AircallConfig
from connectors.aircall.source import SOURCE as AIRCALL
from connectors.aircall.streams import build_aircall_streams
from connectors.errors import FatalError, MalformedResponseError
from connectors.http import RetryPolicy
from connectors.hubspot.config import HubSpotConfig
from connectors.hubspot.search import SearchCursor
from connectors.hubspot.source import SOURCE as HUBSPOT
from connectors.hubspot.streams import build_hubspot_streams
from connectors.registry import (
    Stream,
    SyncProgress,
    raw_row_count,
    reconcile,
    source_total,
    stream_cursor,
    sync_stream,
)
from connectors.transport import Transport
from connectors.warehouse import raw_table
from sandbox import Business, RunningSandbox, SandboxConfig, start_sandbox

# The default sandbox run reads these sources (HubSpot + Aircall).
RAW_STREAMS = HUBSPOT.stream_names + AIRCALL.stream_names

AS_OF = date(2026, 6, 15)
SCALE = 0.05  # ~2 000 calls, ~170 deals: every path in seconds
TOKEN = "sandbox-hubspot-token"
# Small caps force keyset restarts (HubSpot) and window halving (Aircall) on this small data set.
CAPS = {"search_cap": 60, "aircall_list_cap": 300}


def sandbox_config(**options: Any) -> SandboxConfig:
    return SandboxConfig(seed=7, scale=SCALE, as_of=AS_OF, **{**CAPS, **options})


@pytest.fixture(scope="module")
def shared_business() -> Business:
    """One synthetic business for the read-only tests (tests that mutate build their own)."""
    return Business(sandbox_config())


@pytest.fixture
def sandbox(shared_business: Business) -> Iterator[RunningSandbox]:
    with start_sandbox(sandbox_config(), business=shared_business) as running:
        yield running


@pytest.fixture
def own_sandbox() -> Iterator[RunningSandbox]:
    with start_sandbox(sandbox_config()) as running:
        yield running


def streams_for(sandbox: RunningSandbox, sleeps: Sleeps | None = None, token: str = TOKEN,
                **aircall: Any) -> dict[str, Stream]:  # fmt: skip
    retry = RetryPolicy(max_attempts=4, backoff_seconds=0.01, max_wait_seconds=30)
    sleep = sleeps or Sleeps()
    hubspot = HubSpotConfig(
        token,
        base_url=sandbox.base_url,
        search_page_size=20,
        list_page_size=50,
        search_result_cap=CAPS["search_cap"],
        owners_page_size=10,
        transport=Transport(retry, sleep=sleep),
    )
    options = {
        "start_date": AS_OF - timedelta(days=400),
        "window_days": 90,
        "result_cap": CAPS["aircall_list_cap"],
        # The data ends at AS_OF, months before today: check the whole synced history.
        "reconciliation_days": 500,
        **aircall,
    }
    air = AircallConfig(
        "sandbox-aircall-id",
        "sandbox-aircall-token",
        base_url=sandbox.base_url,
        transport=Transport(retry, sleep=sleep),
        **options,
    )
    return {**build_hubspot_streams(hubspot), **build_aircall_streams(air)}


def raw_content(path: Path, stream: str) -> list[tuple[str, str]]:
    with duckdb.connect(str(path)) as con:
        query = f"SELECT id, CAST(record AS VARCHAR) FROM {raw_table(stream)} ORDER BY id"
        return con.execute(query).fetchall()


def sync_all(streams: dict[str, Stream], path: Path, run_id: str) -> dict[str, Any]:
    return {name: sync_stream(stream, path, run_id) for name, stream in streams.items()}


def test_full_sync_lands_every_record_of_every_stream_once(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    # given
    path, streams = tmp_path / "w.duckdb", streams_for(sandbox)
    # when
    first = sync_all(streams, path, "run-1")
    second = sync_all(streams, path, "run-2")
    # then
    totals = sandbox.totals()
    assert {
        name: raw_row_count(path, name, include_archived=True) for name in RAW_STREAMS
    } == totals
    assert all((result.inserted, result.updated) == (0, 0) for result in second.values())
    assert first["aircall/calls"].inserted == totals["aircall/calls"]


def test_source_totals_reconcile_with_live_raw_rows(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    # given
    path, streams = tmp_path / "w.duckdb", streams_for(sandbox)
    sync_all(streams, path, "run-1")
    # when
    expected = {name: source_total(stream) for name, stream in streams.items()}
    # then
    assert expected == {name: raw_row_count(path, name) for name in streams}


def test_reconciliation_ignores_records_created_after_the_sync(
    own_sandbox: RunningSandbox, tmp_path: Path
) -> None:
    # given: a full sync, then new records at the source before the check runs
    path, streams = tmp_path / "w.duckdb", streams_for(own_sandbox)
    sync_all(streams, path, "run-1")
    time.sleep(2)  # the sandbox backdates a new call by a second: keep it after the cursor
    own_sandbox.mutate(new_deals=3, new_contacts=2, new_calls=1)
    # when
    results = {name: reconcile(stream, path) for name, stream in streams.items()}
    # then: every stream agrees over the scope the sync covered
    assert {name: result.matches for name, result in results.items()} == dict.fromkeys(
        streams, True
    )
    assert results["aircall/calls"].source_count == results["aircall/calls"].raw_count > 0


def test_reconciliation_catches_a_record_lost_in_loading(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    # given: a full sync, then one call and one deal go missing from raw
    path, streams = tmp_path / "w.duckdb", streams_for(sandbox)
    sync_all(streams, path, "run-1")
    with duckdb.connect(str(path)) as con:
        for stream in ("aircall/calls", "hubspot/deals"):
            table = raw_table(stream)
            live = f"SELECT max(id) FROM {table} WHERE NOT is_archived"
            con.execute(f"DELETE FROM {table} WHERE id = ({live})")
    # when
    calls, deals = (reconcile(streams[name], path) for name in ("aircall/calls", "hubspot/deals"))
    # then
    assert not calls.matches and calls.source_count == calls.raw_count + 1
    assert not deals.matches and deals.source_count == deals.raw_count + 1


@pytest.mark.parametrize(
    ("stream_name", "aircall_options", "pages"),
    [
        pytest.param("aircall/calls", {"start_date": AS_OF + timedelta(days=1)}, 0, id="empty"),
        pytest.param("aircall/teams", {}, 1, id="single-page"),
        pytest.param("hubspot/owners", {}, 4, id="multi-page"),
    ],
)
def test_sync_page_shapes(sandbox: RunningSandbox, tmp_path: Path, stream_name: str,
                          aircall_options: dict[str, Any], pages: int) -> None:  # fmt: skip
    # given
    stream = streams_for(sandbox, **aircall_options)[stream_name]
    # when
    result = sync_stream(stream, tmp_path / "w.duckdb", "run-1")
    # then
    expected = sandbox.totals()[stream_name] if pages else 0
    assert result.records == result.inserted == expected
    assert result.pages >= pages


@pytest.mark.parametrize(
    "retry_after",
    [pytest.param("7", id="seconds"), pytest.param("http-date", id="http-date")],
)
def test_sync_429_waits_and_emits_no_page_twice(
    sandbox: RunningSandbox, tmp_path: Path, retry_after: str, caplog: pytest.LogCaptureFixture
) -> None:
    # given
    clean = sync_stream(streams_for(sandbox)["hubspot/deals"], tmp_path / "clean.duckdb", "clean")
    header = (
        formatdate(__import__("time").time() + 7, usegmt=True)
        if retry_after == "http-date"
        else "7"
    )
    sandbox.add_fault(
        "/crm/v3/objects/deals/search",
        "status",
        status=429,
        skip=1,
        times=2,
        headers={"Retry-After": header},
        body='{"policyName":"TEN_SECONDLY_ROLLING"}',
    )
    sleeps = Sleeps()
    # when
    with caplog.at_level(logging.WARNING):
        result = sync_stream(
            streams_for(sandbox, sleeps)["hubspot/deals"], tmp_path / "w.duckdb", "r"
        )
    # then
    assert len(sleeps.waits) == 2 and min(sleeps.waits) >= 6
    assert (result.records, result.pages) == (clean.records, clean.pages)
    assert raw_content(tmp_path / "w.duckdb", "hubspot/deals") == raw_content(
        tmp_path / "clean.duckdb", "hubspot/deals"
    )
    assert "retry 2 of 3" in caplog.text


@pytest.mark.parametrize(
    ("prefix", "kind", "options"),
    [
        pytest.param(
            "/crm/v3/objects/contacts/search",
            "status",
            {"status": 503, "times": 2},
            id="503-503-200",
        ),
        pytest.param("/v1/calls", "reset", {"skip": 3}, id="connection-reset"),
        pytest.param("/v1/calls", "truncate", {"skip": 5}, id="truncated-body"),
    ],
)
def test_sync_transient_failures_give_the_same_tables(
    sandbox: RunningSandbox, tmp_path: Path, prefix: str, kind: str, options: dict[str, Any]
) -> None:
    # given
    name = "hubspot/contacts" if "contacts" in prefix else "aircall/calls"
    sync_stream(streams_for(sandbox)[name], tmp_path / "clean.duckdb", "clean")
    sandbox.add_fault(prefix, kind, **options)
    sleeps = Sleeps()
    # when
    sync_stream(streams_for(sandbox, sleeps)[name], tmp_path / "w.duckdb", "faulty")
    # then
    assert sleeps.waits
    assert raw_content(tmp_path / "w.duckdb", name) == raw_content(tmp_path / "clean.duckdb", name)


def test_sync_401_fails_fast_without_the_token(
    sandbox: RunningSandbox, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # given
    wrong = "pat-na1-wrong-token-0000"
    sandbox.clear_stats()
    sleeps = Sleeps()
    # when
    with caplog.at_level(logging.DEBUG), pytest.raises(FatalError) as raised:
        sync_stream(
            streams_for(sandbox, sleeps, token=wrong)["hubspot/deals"], tmp_path / "w.duckdb", "r"
        )
    # then
    assert raised.value.status == 401 and "check HUBSPOT_ACCESS_TOKEN" in str(raised.value)
    assert sum(sandbox.stats().values()) == 1 and sleeps.waits == []
    assert wrong not in str(raised.value) and wrong not in caplog.text


@pytest.mark.parametrize(
    "kind", [pytest.param("malformed", id="malformed-json"), pytest.param("html", id="html")]
)
def test_sync_malformed_200_fails_and_keeps_the_cursor(
    own_sandbox: RunningSandbox, tmp_path: Path, kind: str
) -> None:
    # given
    path = tmp_path / "w.duckdb"
    stream = streams_for(own_sandbox)["hubspot/deals"]
    sync_stream(stream, path, "run-1")
    cursor, rows = stream_cursor(path, "hubspot/deals"), raw_content(path, "hubspot/deals")
    own_sandbox.mutate(deals=5)
    own_sandbox.add_fault("/crm/v3/objects/deals/search", kind, skip=0)
    # when
    with pytest.raises(MalformedResponseError):
        sync_stream(stream, path, "run-2")
    # then
    assert stream_cursor(path, "hubspot/deals") == cursor
    assert raw_content(path, "hubspot/deals") == rows


def test_sync_after_mutations_updates_exactly_the_changed_records(
    own_sandbox: RunningSandbox, tmp_path: Path
) -> None:
    # given
    path, streams = tmp_path / "w.duckdb", streams_for(own_sandbox)
    sync_all(streams, path, "run-1")
    changed = own_sandbox.mutate(deals=7, contacts=4, new_contacts=2, archive_deals=3)
    changed_deals = set(changed["deals"]) | {str(deal_id) for deal_id in changed["archive_deals"]}
    # when
    deals = sync_stream(streams["hubspot/deals"], path, "run-2")
    contacts = sync_stream(streams["hubspot/contacts"], path, "run-2")
    # then
    assert (deals.inserted, deals.updated) == (0, len(changed_deals))
    assert (contacts.inserted, contacts.updated) == (2, 4)
    assert (
        raw_row_count(path, "hubspot/deals", include_archived=True)
        == own_sandbox.totals()["hubspot/deals"]
    )


def test_sync_crash_after_checkpoint_resumes_to_the_uninterrupted_tables(
    own_sandbox: RunningSandbox, tmp_path: Path
) -> None:
    # given: 250 deals modified together, read in pages of 20 with checkpoints every 100
    clean, crashed = tmp_path / "clean.duckdb", tmp_path / "crashed.duckdb"
    own_sandbox.mutate(deals=150, new_deals=100)
    stream = streams_for(own_sandbox)["hubspot/deals"]
    sync_stream(stream, clean, "clean", checkpoint_records=100)

    def crash(progress: SyncProgress) -> None:
        if progress.checkpoint and progress.records >= 200:
            raise KeyboardInterrupt("killed after a checkpoint")

    # when
    with pytest.raises(KeyboardInterrupt):
        sync_stream(stream, crashed, "crash", crash, checkpoint_records=100)
    landed = raw_row_count(crashed, "hubspot/deals", include_archived=True)
    sync_stream(stream, crashed, "resume", checkpoint_records=100)
    # then
    assert 0 < landed < own_sandbox.totals()["hubspot/deals"]
    assert raw_content(crashed, "hubspot/deals") == raw_content(clean, "hubspot/deals")
    # Both end on a complete window (the cursor holds run times, so the texts differ).
    assert SearchCursor.parse(stream_cursor(crashed, "hubspot/deals")).after_id is None
    assert SearchCursor.parse(stream_cursor(clean, "hubspot/deals")).after_id is None


def test_calls_records_keep_vendor_fields_verbatim(sandbox: RunningSandbox, tmp_path: Path) -> None:
    # given
    path = tmp_path / "w.duckdb"
    # when
    sync_stream(streams_for(sandbox)["aircall/calls"], path, "run-1")
    # then
    call_id, record = raw_content(path, "aircall/calls")[0]
    assert json.loads(record)["id"] == int(call_id)
    assert record == json.dumps(
        json.loads(record), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
