"""Faults 10 and 11: a record committed late below the high-water mark, and millisecond
timestamps split by a run inside one second; both read exactly once.

A late commit is made in the sandbox by hiding a changed deal from search (as HubSpot's index
lag does) while later changes move our cursor past it, then letting it appear.
"""

import time
from datetime import UTC, datetime
from pathlib import Path

from sync_testkit import raw_content, sandbox_config, streams_for

from connectors.hubspot.search import SearchCursor
from connectors.registry import sync_stream
from connectors.streams import format_timestamp, parse_timestamp
from connectors.warehouse import stream_cursor
from sandbox import RunningSandbox, start_sandbox
from sandbox.world.objects import ObjectStore

DEALS = "hubspot/deals"


def set_visibility(store: ObjectStore, record_id: str, visible_at: float) -> None:
    """Hide a record from search until ``visible_at`` (0 shows it), as an index lag would."""
    store.get(int(record_id)).visible_at = visible_at
    store.touched(time.time() + 3600)  # keeps the search cache off while visibility is forced


def late_commit_nights(sandbox: RunningSandbox, path: Path, overlap_minutes: int) -> str:
    """Night 1 misses a hidden change while newer ones move the cursor; it appears before night 2.

    Returns:
        The id of the late deal.
    """
    sync_stream(streams_for(sandbox, overlap_minutes=overlap_minutes)[DEALS], path, "run-0")
    (late,) = sandbox.mutate(deals=1)["deals"]
    time.sleep(0.05)
    sandbox.mutate(deals=3)
    set_visibility(sandbox.business.deals, late, time.time() + 3600)
    sync_stream(streams_for(sandbox, overlap_minutes=overlap_minutes)[DEALS], path, "run-1")
    late_modified = sandbox.business.deals.get(int(late)).updated_ms
    assert SearchCursor.parse(stream_cursor(path, DEALS)).until > parse_timestamp(late_modified)
    set_visibility(sandbox.business.deals, late, 0.0)
    return late


def test_sync_late_commit_below_the_cursor_is_picked_up_by_the_lookback_once(
    tmp_path: Path,
) -> None:
    # given: a change committed late, below the cursor of the night that missed it
    path, fresh = tmp_path / "nightly.duckdb", tmp_path / "fresh.duckdb"
    with start_sandbox(sandbox_config()) as sandbox:
        late_commit_nights(sandbox, path, overlap_minutes=10)
        # when: the next night re-reads the 10-minute lookback
        night = sync_stream(streams_for(sandbox)[DEALS], path, "run-2")
        sync_stream(streams_for(sandbox)[DEALS], fresh, "fresh")
    # then: the late version landed, the re-read overlap changed nothing else, one row per id
    assert (night.inserted, night.updated) == (0, 1)
    assert raw_content(path, DEALS) == raw_content(fresh, DEALS)


def test_sync_without_a_lookback_misses_the_late_commit(tmp_path: Path) -> None:
    # given: the fault is real: with no overlap, the late change is never read
    path, fresh = tmp_path / "nightly.duckdb", tmp_path / "fresh.duckdb"
    with start_sandbox(sandbox_config()) as sandbox:
        late = late_commit_nights(sandbox, path, overlap_minutes=0)
        # when
        night = sync_stream(streams_for(sandbox, overlap_minutes=0)[DEALS], path, "run-2")
        sync_stream(streams_for(sandbox)[DEALS], fresh, "fresh")
    # then
    differing = {i for i, r in set(raw_content(path, DEALS)) ^ set(raw_content(fresh, DEALS))}
    assert night.updated == 0 and differing == {late}


def two_changes_in_one_second(sandbox: RunningSandbox) -> tuple[int, int]:
    """Change two deals in the same wall-clock second, at different milliseconds."""
    for _ in range(50):
        (first,) = sandbox.mutate(deals=1)["deals"]
        time.sleep(0.003)
        (second,) = sandbox.mutate(deals=1)["deals"]
        a = sandbox.business.deals.get(int(first)).updated_ms
        b = sandbox.business.deals.get(int(second)).updated_ms
        if first != second and a // 1000 == b // 1000 and a < b:
            return a, b
    raise AssertionError("could not place two changes inside one second")


def test_sync_split_inside_one_second_keeps_milliseconds_and_loses_nothing(
    tmp_path: Path,
) -> None:
    # given: two changes 3 ms apart in one second; night 1 ends between them
    path, fresh = tmp_path / "nightly.duckdb", tmp_path / "fresh.duckdb"
    with start_sandbox(sandbox_config()) as sandbox:
        sync_stream(streams_for(sandbox)[DEALS], path, "run-0")
        first_ms, _second_ms = two_changes_in_one_second(sandbox)
        night_end = (first_ms + 1.5) / 1000  # search reads modified < first + 1 ms
        sync_stream(streams_for(sandbox, clock=lambda: night_end)[DEALS], path, "run-1")
        cursor = stream_cursor(path, DEALS)
        # when: the next night starts at the cursor itself (no overlap: `>=` alone must do)
        night = sync_stream(streams_for(sandbox, overlap_minutes=0)[DEALS], path, "run-2")
        sync_stream(streams_for(sandbox)[DEALS], fresh, "fresh")
    # then: the cursor kept the milliseconds, the second change landed, the first is not doubled
    night_end_ms = datetime.fromtimestamp(night_end, tz=UTC)
    assert format_timestamp(SearchCursor.parse(cursor).until) == format_timestamp(night_end_ms)
    assert (night.inserted, night.updated) == (0, 1)
    assert raw_content(path, DEALS) == raw_content(fresh, DEALS)
