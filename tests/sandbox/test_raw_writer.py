"""The raw writer lands exactly what a full HTTP sync of the same sandbox lands."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from connectors.aircall.config import AircallConfig
from connectors.hubspot.config import HubSpotConfig
from connectors.landing import sync_stream
from connectors.registry import config_streams
from connectors.warehouse import RAW_STREAMS, raw_table
from sandbox import Business, start_sandbox
from sandbox.raw_writer import write_raw
from sandbox.world.sizes import Size, size_business

AS_OF = dt.date(2026, 6, 15)


def _rows(path: Path, stream: str) -> set[tuple[object, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        sql = (
            f"SELECT id, CAST(record AS VARCHAR), modified_at, is_archived FROM {raw_table(stream)}"
        )
        return set(con.execute(sql).fetchall())


def _sync(business: Business, path: Path) -> None:
    with start_sandbox(business=business) as sandbox:
        streams = config_streams(
            HubSpotConfig("sandbox-hubspot-token", base_url=sandbox.base_url),
            AircallConfig(
                "sandbox-aircall-id",
                "sandbox-aircall-token",
                base_url=sandbox.base_url,
                start_date=AS_OF - dt.timedelta(days=400),
            ),
        )
        for stream in streams.values():
            sync_stream(stream, path, "http-sync")


@pytest.fixture(scope="module")
def pod_business() -> Business:
    """Two pods (50 staff, 20 lines) at a small volume: every code path of a size."""
    return size_business(
        Size("tiny", pods=2, lead_scale=0.15, call_scale=0.15), seed=11, as_of=AS_OF
    )


def test_raw_writer_lands_the_records_of_a_full_http_sync(tmp_path: Path, pod_business: Business):
    # given the same business written directly and synced over HTTP
    direct, synced = tmp_path / "direct.duckdb", tmp_path / "synced.duckdb"
    written = write_raw(direct, pod_business)
    _sync(pod_business, synced)
    # then every raw table holds the same records, keys, modified times and flags
    for stream in RAW_STREAMS:
        assert _rows(direct, stream) == _rows(synced, stream), stream
    assert written == pod_business.totals()


def test_size_grows_agents_teams_and_lines(pod_business: Business):
    # given a two-pod size
    totals = pod_business.totals()
    # then staff, lines and teams double against the SME, with unique ids and numbers
    assert totals["aircall/numbers"] == 20
    assert totals["aircall/teams"] == 6
    assert len({a.email for a in pod_business.agents}) == 50
    assert len({line.e164 for line in pod_business.lines}) == 20
    owner_teams = {team for a in pod_business.agents for team in a.hubspot_teams}
    assert len(owner_teams) == 8


def test_raw_writer_backdates_loads_to_the_night_after_each_record(
    tmp_path: Path, pod_business: Business
):
    # given a size written straight into raw
    path = tmp_path / "direct.duckdb"
    write_raw(path, pod_business)
    end = dt.datetime.fromtimestamp(pod_business.calendar.end, dt.UTC)
    # when reading the load times of calls
    with duckdb.connect(str(path), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        wrong, spread = con.execute(
            "SELECT count(*) FILTER (WHERE _loaded_at <= make_timestamptz("
            "cast(record ->> '$.started_at' AS bigint) * 1000000) OR _loaded_at > ?), "
            "count(DISTINCT _loaded_at) FROM raw_aircall.calls",
            [end],
        ).fetchone()
    # then every call was loaded after it started, by the end of the year, over many nights
    assert wrong == 0
    assert spread > 300
