"""Fault 6: a vendor keeps answering empty pages that announce more, over real HTTP; the loop
guard stops the sync after a bounded number of pages and nothing is written."""

from pathlib import Path

import pytest
from connector_testkit import Reply, ScriptedServer, Seen, Sleeps

from connectors.aircall.config import AircallConfig
from connectors.aircall.streams import build_aircall_streams
from connectors.errors import PaginationLoopError
from connectors.http import RetryPolicy
from connectors.pagination import MAX_EMPTY_PAGES
from connectors.registry import sync_stream
from connectors.transport import Transport
from connectors.warehouse import raw_row_count, stream_cursor


def endless_empty_pages(seen: Seen) -> Reply:
    """An empty users page whose next link always points one page further."""
    page = int((seen.query.get("page") or ["1"])[0])
    link = f"https://api.aircall.io/v1/users?page={page + 1}&per_page=50"
    meta = {"count": 0, "total": 5, "current_page": page, "per_page": 50, "next_page_link": link}
    return Reply(200, {"users": [], "meta": meta})


def test_sync_stops_after_bounded_empty_pages_that_promise_more(
    scripted_server: ScriptedServer, tmp_path: Path
) -> None:
    # given
    scripted_server.fallback = endless_empty_pages
    transport = Transport(RetryPolicy(max_attempts=2), sleep=Sleeps())
    aircall = AircallConfig("id", "token", base_url=scripted_server.base_url, transport=transport)
    stream = build_aircall_streams(aircall)["aircall/users"]
    path = tmp_path / "w.duckdb"
    # when / then
    with pytest.raises(PaginationLoopError, match=f"{MAX_EMPTY_PAGES} empty pages"):
        sync_stream(stream, path, "run-1")
    assert len(scripted_server.seen) == MAX_EMPTY_PAGES
    assert raw_row_count(path, "aircall/users", include_archived=True) == 0
    assert stream_cursor(path, "aircall/users") is None
