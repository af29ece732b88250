"""Fault 14: the source's clock runs 5 minutes ahead of or behind ours; the lookback covers it.

The sandbox stamps changes with real time, so the skew is put on our side: a connector clock
``skew`` seconds behind real time is a source clock ``skew`` seconds ahead of ours.
"""

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sync_testkit import TIMED_STREAMS, raw_content, sandbox_config, streams_for

from connectors.registry import Stream, raw_row_count, sync_stream
from sandbox import RunningSandbox, start_sandbox

SKEW_SECONDS = 300


class SkewedClock:
    """Our clock, ``offset`` seconds away from real time; tests move it to let time pass."""

    def __init__(self, offset: float) -> None:
        self.offset = offset

    def __call__(self) -> float:
        return time.time() + self.offset


def sync_timed(streams: dict[str, Stream], path: Path, run_id: str) -> None:
    for name in TIMED_STREAMS:
        sync_stream(streams[name], path, run_id)


def three_nights(
    sandbox: RunningSandbox, path: Path, clock: SkewedClock, **lookbacks: int
) -> Callable[[], dict[str, Stream]]:
    """Sync, change the source, sync, change again, then sync ten minutes later (our clock)."""

    def streams() -> dict[str, Stream]:
        return streams_for(sandbox, clock=clock, **lookbacks)

    sync_timed(streams(), path, "run-1")
    sandbox.mutate(deals=5, contacts=5, new_contacts=2, new_calls=3)
    sync_timed(streams(), path, "run-2")
    sandbox.mutate(deals=3, new_deals=1, new_calls=2)
    clock.offset += 600
    sync_timed(streams(), path, "run-3")
    return streams


@pytest.mark.slow
@pytest.mark.parametrize(
    "source_ahead_seconds",
    [pytest.param(SKEW_SECONDS, id="source-5min-ahead"), pytest.param(-SKEW_SECONDS, id="behind")],
)
def test_sync_source_clock_skew_loses_and_duplicates_nothing(
    tmp_path: Path, source_ahead_seconds: int
) -> None:
    # given: our clock differs from the source's by 5 minutes, with the default lookbacks
    clock = SkewedClock(-source_ahead_seconds)
    path, reference = tmp_path / "nightly.duckdb", tmp_path / "fresh.duckdb"
    with start_sandbox(sandbox_config()) as sandbox:
        # when: three incremental nights with changes in between
        streams = three_nights(sandbox, path, clock)
        # ...compared with a fresh full load of the final state
        sync_timed(streams(), reference, "fresh")
        totals = sandbox.totals()
    # then
    for name in TIMED_STREAMS:
        assert raw_row_count(reference, name, include_archived=True) == totals[name], name
        assert raw_content(path, name) == raw_content(reference, name), name


@pytest.mark.slow
def test_sync_without_a_lookback_loses_calls_when_the_source_clock_is_behind(
    tmp_path: Path,
) -> None:
    # given: the fault is real: with no trailing re-read, calls the source stamps "5 minutes
    # ago" after our run ended fall before our stored cursor and are never read
    clock = SkewedClock(+SKEW_SECONDS)
    path, reference = tmp_path / "nightly.duckdb", tmp_path / "fresh.duckdb"
    with start_sandbox(sandbox_config()) as sandbox:
        # when
        streams = three_nights(sandbox, path, clock, trailing_hours=0)
        sync_timed(streams(), reference, "fresh")
    # then: the 5 new calls are missing, which the default 48 h trailing window prevents
    nightly = {call_id for call_id, _ in raw_content(path, "aircall/calls")}
    fresh = {call_id for call_id, _ in raw_content(reference, "aircall/calls")}
    assert nightly < fresh and len(fresh - nightly) == 5
