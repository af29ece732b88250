"""Fault 7: HubSpot's daily quota runs out mid-sync; the run stops cleanly with its checkpoint,
and the next day's run resumes with no gap and no duplicate."""

from pathlib import Path

import pytest
from connector_testkit import Sleeps
from sync_testkit import raw_content, sandbox_config, streams_for

from connectors.errors import QuotaExhaustedError
from connectors.hubspot.search import SearchCursor
from connectors.registry import raw_row_count, sync_stream
from connectors.warehouse import stream_cursor
from sandbox import Business, start_sandbox

DEALS = "hubspot/deals"


def test_sync_daily_quota_stops_with_a_checkpoint_and_resumes_the_next_day(
    tmp_path: Path,
) -> None:
    # given: one business; today's server allows 4 HubSpot requests: 2 pages of deals and
    # their associations batch (2 pages a batch), then a third page that waits for its batch
    business = Business(sandbox_config())
    reference, path = tmp_path / "reference.duckdb", tmp_path / "nightly.duckdb"
    with start_sandbox(sandbox_config(), business=business) as unlimited:
        sync_stream(streams_for(unlimited)[DEALS], reference, "clean")
    sleeps = Sleeps()
    with start_sandbox(sandbox_config(hubspot_daily_limit=4), business=business) as today:
        stream = streams_for(today, sleeps=sleeps, associations_batch_size=100)[DEALS]
        # when
        with pytest.raises(QuotaExhaustedError, match="daily"):
            sync_stream(stream, path, "today", checkpoint_records=20)
        landed, cursor = (
            raw_row_count(path, DEALS, include_archived=True),
            stream_cursor(path, DEALS),
        )
    # ...and tomorrow, with a fresh quota
    with start_sandbox(sandbox_config(), business=business) as tomorrow:
        sync_stream(streams_for(tomorrow)[DEALS], path, "tomorrow")
    # then: today kept its complete pages and their cursor, without retrying the spent quota;
    # the page still waiting for its associations never landed
    assert landed == 100 < raw_row_count(reference, DEALS, include_archived=True)
    assert cursor is not None and sleeps.waits == []
    # ...and tomorrow filled the gap exactly
    assert raw_content(path, DEALS) == raw_content(reference, DEALS)
    # (the cursors hold each run's own window times: both must have finished their window)
    assert SearchCursor.parse(stream_cursor(path, DEALS)).after_id is None
    assert SearchCursor.parse(cursor).after_id is not None, "today stopped inside its window"
