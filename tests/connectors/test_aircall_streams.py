"""Aircall streams: windows, halving at the cap, trailing re-read (recorded and generated pages)."""

from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from connector_testkit import FakeClient, load_page

from connectors.aircall.config import AircallConfig
from connectors.aircall.streams import CallsStream, ListStream
from connectors.errors import ConnectorError

NOW = int(datetime(2024, 7, 10, tzinfo=UTC).timestamp())
DAY = 86_400


def calls_server(starts: list[int], per_page: int = 50) -> FakeClient:
    """A fake /v1/calls: filters on from/to (inclusive), silently truncates at 4 like the cap."""

    def answer(method: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
        if "?" in path:
            query = parse_qs(urlsplit(path).query)
            path, params = urlsplit(path).path, {key: values[0] for key, values in query.items()}
        lower, upper, page = int(params["from"]), int(params["to"]), int(params.get("page", 1))
        matching = [start for start in starts if lower <= start <= upper]
        reachable = matching[:4]
        chunk = reachable[(page - 1) * per_page : page * per_page]
        more = page * per_page < len(reachable)
        link = (
            f"https://api.aircall.io/v1/calls?from={lower}&to={upper}&page={page + 1}"
            if more
            else None
        )
        calls = [{"id": start, "started_at": start} for start in chunk]
        return {"calls": calls, "meta": {"total": len(matching), "next_page_link": link}}

    return FakeClient(answer, now=NOW)


def calls_stream(client: FakeClient, **options: Any) -> CallsStream:
    config = AircallConfig("id", "token", result_cap=4, per_page=2, **options)
    return CallsStream(client, config)  # type: ignore[arg-type]


def test_calls_first_run_reads_from_the_start_date_in_windows() -> None:
    # given
    starts = [NOW - 9 * DAY, NOW - 5 * DAY, NOW - DAY]
    client = calls_server(starts, per_page=2)
    stream = calls_stream(client, start_date=date(2024, 6, 30), window_days=7)
    # when
    pages = list(stream.read(None))
    # then
    ids = [record["id"] for page in pages for record in page.records]
    assert ids == starts
    checkpoints = [page.cursor for page in pages if page.checkpoint]
    assert checkpoints == ["2024-07-07T00:00:00.000+00:00", "2024-07-10T00:00:00.000+00:00"]
    assert client.calls[0][2] == {
        "from": NOW - 10 * DAY,
        "to": NOW - 3 * DAY,
        "order": "asc",
        "per_page": 2,
    }


def test_calls_window_reaching_the_cap_is_halved_until_it_fits() -> None:
    # given: 6 calls in one window with a cap of 4
    starts = [NOW - 6 * DAY + n * 3600 for n in range(6)]
    client = calls_server(starts, per_page=2)
    stream = calls_stream(client, start_date=date(2024, 7, 3), window_days=7)
    # when
    pages = list(stream.read(None))
    # then
    ids = sorted({record["id"] for page in pages for record in page.records})
    assert ids == starts
    windows = [(p["from"], p["to"]) for method, path, p in client.calls if "from" in p]
    assert all(upper - lower < 7 * DAY for lower, upper in windows[1:])


def test_calls_empty_stretch_costs_one_request() -> None:
    # given: one call in 120 days, read from a first window of 7 days
    client = calls_server([NOW - 100 * DAY])
    stream = calls_stream(client, start_date=date(2024, 3, 12), window_days=7)
    # when
    pages = list(stream.read(None))
    # then: the empty first week holds no rate, so the rest of the range is one window
    assert [record["id"] for page in pages for record in page.records] == [NOW - 100 * DAY]
    assert [(p["from"], p["to"]) for _, _, p in client.calls] == [
        (NOW - 120 * DAY, NOW - 113 * DAY),
        (NOW - 113 * DAY, NOW),
    ]


def test_calls_window_past_the_cap_costs_one_probe_when_its_calls_are_even() -> None:
    # given: a call a day for 6 days of a 7-day window, with a cap of 4
    starts = [NOW - 7 * DAY + n * DAY + DAY // 2 for n in range(6)]
    client = calls_server(starts, per_page=2)
    stream = calls_stream(client, start_date=date(2024, 7, 3), window_days=7)
    # when
    pages = list(stream.read(None))
    # then: every call read; the first probe found too many, and the retry narrowed by its
    # rate (not halved blindly) and the rest sized from the count left fit at once
    assert sorted({record["id"] for page in pages for record in page.records}) == starts
    first_pages = [p for _, path, p in client.calls if "from" in p]
    totals = [len([s for s in starts if p["from"] <= s <= p["to"]]) for p in first_pages]
    assert [total >= 4 for total in totals] == [True] + [False] * (len(totals) - 1)


def test_calls_past_the_cap_within_one_second_fail_rather_than_truncate() -> None:
    # given: more calls than the cap start in the same second
    client = calls_server([NOW - DAY] * 5)
    stream = calls_stream(client, start_date=date(2024, 7, 8), window_days=7)
    # when / then
    with pytest.raises(ConnectorError, match="within one second"):
        list(stream.read(None))


def test_calls_incremental_run_rereads_the_trailing_window() -> None:
    # given
    client = calls_server([NOW - 3600])
    stream = calls_stream(client, trailing_hours=48)
    # when
    pages = list(stream.read("2024-07-09T12:00:00.000+00:00"))
    # then
    assert client.calls[0][2]["from"] == NOW - 12 * 3600 - 48 * 3600
    assert pages[-1].cursor == "2024-07-10T00:00:00.000+00:00"


def test_calls_cursor_never_moves_back() -> None:
    # given
    client = calls_server([])
    stream = calls_stream(client, trailing_hours=48, window_days=1)
    # when
    pages = list(stream.read("2024-07-10T00:00:00.000+00:00"))
    # then
    assert {page.cursor for page in pages if page.checkpoint} == {"2024-07-10T00:00:00.000+00:00"}


def test_calls_keep_large_ids_and_recorded_fields() -> None:
    # given
    def recorded(method: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
        return load_page("aircall", "calls.page_2" if "page=2" in path else "calls.page_1")

    stream = calls_stream(FakeClient(recorded, now=NOW), start_date=date(2024, 7, 8), window_days=7)
    # when
    records = [record for page in stream.read(None) for record in page.records]
    # then
    assert [stream.shape.key(record) for record in records] == [
        "1820036551",
        "1820037110",
        "9007199254740993",
    ]
    assert "user" not in records[1] and records[1]["raw_digits"] == "anonymous"


def test_list_streams_follow_next_links_on_the_configured_host() -> None:
    # given
    client = FakeClient(lambda method, path, params: load_page("aircall", "users.page_1"))
    stream = ListStream("aircall/users", client, 50)  # type: ignore[arg-type]
    # when
    records = [record for page in stream.read(None) for record in page.records]
    # then
    assert [record["id"] for record in records] == [731416]
    assert client.calls == [("GET", "/v1/users", {"per_page": 50})]
    assert stream.source_total() == 1
