"""Test kit for fault tests that sync the in-process sandbox: streams with knobs, raw content."""

import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
from connector_testkit import Sleeps

from connectors.aircall.config import AircallConfig
from connectors.aircall.streams import build_aircall_streams
from connectors.http import RetryPolicy
from connectors.hubspot.config import HubSpotConfig
from connectors.hubspot.streams import build_hubspot_streams
from connectors.registry import Stream
from connectors.transport import Transport
from connectors.warehouse import raw_table
from sandbox import RunningSandbox, SandboxConfig

AS_OF = date(2026, 6, 15)
SCALE = 0.05  # ~2 000 calls, ~170 deals: every path in seconds
# The streams whose incremental reads depend on time: the fault tests compare these three.
TIMED_STREAMS = ("hubspot/deals", "hubspot/contacts", "aircall/calls")


def sandbox_config(**options: Any) -> SandboxConfig:
    """The small pinned business of the fault tests."""
    return SandboxConfig(seed=7, scale=SCALE, as_of=AS_OF, **options)


def streams_for(
    sandbox: RunningSandbox,
    clock: Callable[[], float] = time.time,
    overlap_minutes: int = 10,
    trailing_hours: int = 48,
    sleeps: Sleeps | None = None,
    associations_batch_size: int = 1_000,
) -> dict[str, Stream]:
    """Every stream of the sandbox, with the connector's clock and lookbacks set by the test."""
    sleeps = sleeps or Sleeps()
    retry = RetryPolicy(max_attempts=4, backoff_seconds=0.01, max_wait_seconds=30)
    transport = Transport(retry, sleep=sleeps, clock=clock)
    hubspot = HubSpotConfig(
        "sandbox-hubspot-token",
        base_url=sandbox.base_url,
        overlap_minutes=overlap_minutes,
        search_page_size=50,
        associations_batch_size=associations_batch_size,
        transport=transport,
    )
    aircall = AircallConfig(
        "sandbox-aircall-id",
        "sandbox-aircall-token",
        base_url=sandbox.base_url,
        start_date=AS_OF - timedelta(days=400),
        trailing_hours=trailing_hours,
        window_days=90,
        transport=transport,
    )
    return {**build_hubspot_streams(hubspot), **build_aircall_streams(aircall)}


def raw_content(path: Path, stream: str) -> list[tuple[str, str]]:
    """Every (id, record) of a raw table, ordered: equal lists mean nothing missing or extra."""
    with duckdb.connect(str(path), read_only=True) as con:
        query = f"SELECT id, CAST(record AS VARCHAR) FROM {raw_table(stream)} ORDER BY id"
        return con.execute(query).fetchall()
