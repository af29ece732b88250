"""A stop asked mid-stream commits the landed pages with their cursor, then stops."""

import pytest

from connectors.errors import StopRequested
from connectors.landing import sync_stream
from connectors.streams import Page, RecordShape
from connectors.warehouse import stream_cursor


class ThreePages:
    """Three one-record pages, each safe to resume after."""

    name, source, table, shape = "aircall/teams", "aircall", "teams", RecordShape()

    def read(self, cursor):
        for number in range(int(cursor or 0) + 1, 4):
            yield Page([{"id": number}], cursor=str(number))


def test_sync_stream_stops_after_the_page_it_landed_with_its_cursor_committed(tmp_path):
    # given a stop asked once two pages have landed
    pages_seen = []
    stream = ThreePages()
    path = tmp_path / "w.duckdb"
    # when
    with pytest.raises(StopRequested, match="stopped after 2 pages"):
        sync_stream(stream, path, "run-1", on_progress=pages_seen.append,
                    should_stop=lambda: len(pages_seen) >= 2)  # fmt: skip
    # then page 2's cursor is stored with its data, and the rerun reads page 3 only
    assert stream_cursor(path, "aircall/teams") == "2"
    result = sync_stream(stream, path, "run-2")
    assert (result.records, result.inserted) == (1, 1)


def test_sync_stream_without_a_stop_reads_every_page(tmp_path):
    result = sync_stream(ThreePages(), tmp_path / "w.duckdb", "run-1", should_stop=lambda: False)
    assert (result.records, result.cursor) == (3, "3")
