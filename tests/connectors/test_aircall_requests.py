"""Aircall calls requests against the sandbox over HTTP: the rate limit (60 a minute) is the
wall on real accounts, so windows are sized from the calls per second already seen, an empty
stretch costs one request, and a window found past the cap is retried narrower, never truncated."""

import math
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from connector_testkit import Sleeps

from connectors.aircall.config import AircallConfig
from connectors.aircall.streams import build_aircall_streams
from connectors.http import RetryPolicy
from connectors.registry import Stream, raw_row_count, sync_stream
from connectors.transport import Transport
from sandbox import RunningSandbox, SandboxConfig, start_sandbox

AS_OF = date(2026, 6, 15)


def calls_stream(sandbox: RunningSandbox, **aircall: Any) -> Stream:
    """The product's calls stream with its default page size, first window and cap."""
    transport = Transport(RetryPolicy(max_attempts=3, backoff_seconds=0.01), sleep=Sleeps())
    air = AircallConfig("sandbox-aircall-id", "sandbox-aircall-token", base_url=sandbox.base_url,
                        start_date=AS_OF - timedelta(days=400), transport=transport,
                        **aircall)  # fmt: skip
    return build_aircall_streams(air)["aircall/calls"]


def calls_requests(sandbox: RunningSandbox) -> int:
    return sandbox.stats().get("/v1/calls", 0)


def test_calls_cost_the_vendor_minimum_within_five_percent(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    # given: 400 days to now, about 17,000 calls in the year before AS_OF, months of none since
    path = tmp_path / "w.duckdb"
    sandbox.clear_stats()
    # when
    result = sync_stream(calls_stream(sandbox), path, "run")
    # then: windows sized from the calls per second seen, empty stretches in one request each
    requests = calls_requests(sandbox)
    assert raw_row_count(path, "aircall/calls") == sandbox.totals()["aircall/calls"]
    assert requests <= 1.05 * math.ceil(result.records / 50)


def test_calls_past_the_cap_are_all_read_at_little_cost(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    # given: a cap of 2,000 calls per query, so most estimates are checked against it
    capped = SandboxConfig(seed=7, scale=0.4, as_of=AS_OF, aircall_list_cap=2_000)
    path = tmp_path / "w.duckdb"
    with start_sandbox(capped, business=sandbox.business) as small_cap:
        stream = calls_stream(small_cap, result_cap=2_000)
        # when
        result = sync_stream(stream, path, "run")
        requests = calls_requests(small_cap)
    # then: nothing truncated, and few probes thrown away
    assert raw_row_count(path, "aircall/calls") == sandbox.totals()["aircall/calls"]
    assert requests <= 1.05 * math.ceil(result.records / 50)
