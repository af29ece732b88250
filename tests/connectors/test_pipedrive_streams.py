"""Pipedrive streams against the local sandbox over real HTTP: cursor pages, watermarks with
overlap, deleted and archived deals, burst 429s, the daily budget and a rejected token."""

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from connector_testkit import Sleeps
from sync_testkit import raw_content, sandbox_config

from connectors.errors import FatalError, QuotaExhaustedError
from connectors.http import RetryPolicy
from connectors.landing import sync_stream
from connectors.pipedrive.client import PipedrivePolicy
from connectors.pipedrive.config import PipedriveConfig
from connectors.pipedrive.source import SOURCE
from connectors.pipedrive.streams import build_pipedrive_streams
from connectors.streams import Stream, parse_timestamp
from connectors.transport import Transport
from connectors.warehouse import raw_row_count, stream_cursor
from sandbox import Business, RunningSandbox, start_sandbox

TOKEN = "sandbox-pipedrive-token"
DEALS, PERSONS = "pipedrive/deals", "pipedrive/persons"


@pytest.fixture(scope="module")
def business() -> Business:
    """Read-only tests share it; tests that mutate build their own."""
    return Business(sandbox_config())


@pytest.fixture
def sandbox(business: Business) -> Iterator[RunningSandbox]:
    with start_sandbox(sandbox_config(), business=business) as running:
        yield running


def pipedrive_streams(
    sandbox: RunningSandbox,
    *,
    page_limit: int = 500,
    overlap_minutes: int = 10,
    token: str = TOKEN,
    sleeps: Sleeps | None = None,
) -> dict[str, Stream]:
    transport = Transport(
        RetryPolicy(max_attempts=4, backoff_seconds=0.01, max_wait_seconds=30),
        sleep=sleeps or Sleeps(),
    )
    config = PipedriveConfig(
        token,
        base_url=sandbox.base_url_for("pipedrive"),
        overlap_minutes=overlap_minutes,
        page_limit=page_limit,
        transport=transport,
    )
    return build_pipedrive_streams(config)


def record(path: Path, stream: str, record_id: int) -> dict:
    rows = dict(raw_content(path, stream))
    return json.loads(rows[str(record_id)])


@pytest.mark.parametrize(
    ("page_limit", "future_cursor", "pages"),
    [
        pytest.param(500, True, 1, id="empty"),
        pytest.param(500, False, 1, id="one-page"),
        pytest.param(40, False, 9, id="many-pages"),
    ],
)
def test_persons_cursor_pages_land_every_record_once(
    tmp_path: Path, sandbox: RunningSandbox, page_limit: int, future_cursor: bool, pages: int
) -> None:
    # given
    stream = pipedrive_streams(sandbox, page_limit=page_limit, overlap_minutes=0)[PERSONS]
    path = tmp_path / "w.duckdb"
    cursor = "2999-01-01T00:00:00.000+00:00" if future_cursor else None
    live = [i for i in sandbox.pipedrive.persons.values() if not i.deleted]
    # when
    read = list(stream.read(cursor))
    sync_stream(pipedrive_streams(sandbox, page_limit=page_limit)[PERSONS], path, "r1")
    # then
    records = [r for page in read for r in page.records]
    assert len(records) == (0 if future_cursor else len(live))
    assert len(read) - 1 == pages  # one final watermark page after the vendor's pages
    assert raw_row_count(path, PERSONS) == len(live)
    assert parse_timestamp(stream_cursor(path, PERSONS)) == parse_timestamp(
        max(i.body["update_time"] for i in live)
    )


def test_deals_equal_update_times_survive_page_and_run_boundaries(tmp_path: Path) -> None:
    # given: 12 deals edited in the very same second, read 5 per page
    business = Business(sandbox_config())
    path, same_second = tmp_path / "w.duckdb", int(time.time()) - 60
    with start_sandbox(sandbox_config(), business=business) as sandbox:
        sync_stream(pipedrive_streams(sandbox, page_limit=5)[DEALS], path, "first")
        first = sandbox.mutate_pipedrive(at=same_second, edit_deals=12)["edit_deals"]
        sync_stream(pipedrive_streams(sandbox, page_limit=5, overlap_minutes=0)[DEALS], path, "2")
        # ...then 4 more deals show up stamped with that same second after the run ended
        late = sandbox.mutate_pipedrive(at=same_second, edit_deals=4)["edit_deals"]
        # when: the next run starts exactly at the stored watermark (no overlap)
        sync_stream(pipedrive_streams(sandbox, page_limit=5, overlap_minutes=0)[DEALS], path, "3")
        crm = sandbox.pipedrive
        # then: every edit landed, the first ones across page boundaries, the late ones too
        for deal_id in {*first, *late}:
            assert record(path, DEALS, deal_id)["value"] == crm.deals[deal_id].body["value"]
        assert parse_timestamp(stream_cursor(path, DEALS)).timestamp() >= same_second


def test_deals_land_deleted_and_archived_deals_in_the_same_table(tmp_path: Path) -> None:
    # given a first sync, then two deletes and two archives
    business = Business(sandbox_config())
    path = tmp_path / "w.duckdb"
    with start_sandbox(sandbox_config(), business=business) as sandbox:
        sync_stream(pipedrive_streams(sandbox)[DEALS], path, "first")
        changed = sandbox.mutate_pipedrive(delete_deals=2, archive_deals=2)
        # when
        sync_stream(pipedrive_streams(sandbox)[DEALS], path, "second")
        live = [item for item in sandbox.pipedrive.deals.values() if not item.deleted]
    # then: deleted deals keep their record and are not live; archived deals stay live
    for deal_id in changed["delete_deals"]:
        body = record(path, DEALS, deal_id)
        assert body["is_deleted"] is True and body["status"] == "deleted"
    for deal_id in changed["archive_deals"]:
        body = record(path, DEALS, deal_id)
        assert body["is_archived"] is True and body["archive_time"]
    assert raw_row_count(path, DEALS) == len(live)


def test_deals_wait_for_the_burst_reset_after_a_429_then_succeed(
    tmp_path: Path, sandbox: RunningSandbox
) -> None:
    # given: the next deals request is throttled with a 1-second burst reset
    body = '{"success":false,"error":"request over limit"}'
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1"}
    sandbox.add_fault("/pipedrive/api/v2/deals", "status", status=429, headers=headers, body=body)
    sleeps = Sleeps()
    # when
    result = sync_stream(pipedrive_streams(sandbox, sleeps=sleeps)[DEALS], tmp_path / "w", "r")
    # then: one wait of the announced reset (plus margin), then everything landed
    assert sleeps.waits == [pytest.approx(1.1)]
    assert result.records > 0


def test_policy_pauses_when_the_burst_window_is_spent() -> None:
    # given a successful response that used the window's last request
    response = requests.Response()
    response.headers.update({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "2"})
    # when / then
    assert PipedrivePolicy().wait_after_success(response, time.time()) == pytest.approx(2.1)


def test_deals_stop_cleanly_when_the_daily_budget_is_spent_and_resume_without_gap(
    tmp_path: Path,
) -> None:
    # given: a reference sync, then a day whose budget allows 5 requests (2 side passes and 3
    # of the 9 live pages)
    business = Business(sandbox_config())
    reference, path = tmp_path / "reference.duckdb", tmp_path / "nightly.duckdb"
    with start_sandbox(sandbox_config(), business=business) as unlimited:
        sync_stream(pipedrive_streams(unlimited, page_limit=20)[DEALS], reference, "clean")
    sleeps = Sleeps()
    with start_sandbox(sandbox_config(pipedrive_daily_tokens=5), business=business) as today:
        stream = pipedrive_streams(today, page_limit=20, sleeps=sleeps)[DEALS]
        # when
        with pytest.raises(QuotaExhaustedError, match="daily"):
            sync_stream(stream, path, "today", checkpoint_records=20)
        landed, cursor = (
            raw_row_count(path, DEALS, include_archived=True),
            stream_cursor(path, DEALS),
        )
    with start_sandbox(sandbox_config(), business=business) as tomorrow:
        sync_stream(pipedrive_streams(tomorrow, page_limit=20)[DEALS], path, "tomorrow")
    # then: today kept its complete pages without retrying the spent budget...
    assert 0 < landed < raw_row_count(reference, DEALS, include_archived=True)
    assert cursor is not None and sleeps.waits == []
    # ...and tomorrow filled the gap exactly
    assert raw_content(path, DEALS) == raw_content(reference, DEALS)


def test_a_rejected_token_is_fatal_at_once_and_never_shown(
    tmp_path: Path, sandbox: RunningSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    # given
    secret = "not-the-token-3f9a1c"
    sandbox.clear_stats()
    stream = pipedrive_streams(sandbox, token=secret)["pipedrive/users"]
    # when
    with caplog.at_level(logging.DEBUG), pytest.raises(FatalError) as raised:
        sync_stream(stream, tmp_path / "w.duckdb", "r")
    # then
    assert raised.value.status == 401
    assert sandbox.stats() == {"/pipedrive/v1/users": 1}
    assert secret not in str(raised.value) and secret not in caplog.text
    assert "PIPEDRIVE_API_TOKEN" in str(raised.value)


def test_source_plugin_builds_every_declared_stream_without_showing_the_token() -> None:
    # given
    environ = dict(SOURCE.sandbox_credentials)
    # when
    streams = SOURCE.streams(environ, Transport())
    config = PipedriveConfig(environ["PIPEDRIVE_API_TOKEN"])
    # then
    assert tuple(streams) == SOURCE.stream_names
    assert SOURCE.secrets == ("PIPEDRIVE_API_TOKEN",)
    assert environ["PIPEDRIVE_API_TOKEN"] not in repr(config)
