"""Webhook events → raw_aircall.messages: each message once, nothing lost to kills or failures."""

import json
import signal
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import requests

from connectors.aircall import messages as messages_module
from connectors.aircall.messages import LandingCursor, MessagesStream
from connectors.aircall.webhooks import landing_line
from connectors.warehouse import stream_cursor
from connectors.webhook_landing import SegmentWriter, closed_segments
from sandbox.apis.aircall_webhooks import envelope, sample_messages
from tests.connectors.webhook_testkit import (
    TOKEN,
    ingest,
    landed_lines,
    raw_messages,
    receiver_thread,
    start_receiver_process,
)


def _events(count: int, seed: int = 7) -> list[dict]:
    return [envelope(message, TOKEN) for message in sample_messages(count, seed)]


def test_redelivered_event_lands_once_in_raw(tmp_path):
    # given: Aircall delivers the same event twice (the first answer was lost, say)
    event = _events(1)[0]
    with receiver_thread(tmp_path / "landing" / "webhooks") as url:
        for _ in range(2):
            assert requests.post(url, json=event, timeout=5).status_code == 200
    # when
    result = ingest(tmp_path / "landing" / "webhooks", tmp_path / "warehouse.duckdb")
    # then
    assert result.records == 2
    assert raw_messages(tmp_path / "warehouse.duckdb") == {event["data"]["id"]: "sent"}


def test_latest_status_wins_even_when_an_older_event_is_redelivered_later(tmp_path):
    # given: sent, delivered and read within one second, then ``sent`` redelivered
    sent = _events(1, seed=3)[0]
    sent["data"]["direction"], sent["data"]["status"] = "outbound", "sent"
    later = [{**sent, "event": "message.status_updated", "data": {**sent["data"], "status": s}}
             for s in ("delivered", "read")]  # fmt: skip
    with receiver_thread(tmp_path / "landing" / "webhooks") as url:
        for event in (sent, *later):
            requests.post(url, json=event, timeout=5)
    ingest(tmp_path / "landing" / "webhooks", tmp_path / "warehouse.duckdb", "run-1")
    with receiver_thread(tmp_path / "landing" / "webhooks") as url:
        requests.post(url, json=sent, timeout=5)
    # when
    ingest(tmp_path / "landing" / "webhooks", tmp_path / "warehouse.duckdb", "run-2")
    # then
    assert raw_messages(tmp_path / "warehouse.duckdb") == {sent["data"]["id"]: "read"}


def test_event_acknowledged_before_a_sigkill_is_loaded_by_the_next_ingest(tmp_path):
    # given: the receiver answers 200 and is killed at once (no shutdown, segment left open)
    process, url = start_receiver_process(tmp_path / "landing" / "webhooks")
    event = _events(1)[0]
    try:
        assert requests.post(url, json=event, timeout=5).status_code == 200
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    assert list((tmp_path / "landing" / "webhooks" / "aircall").glob("*.open"))
    # when
    ingest(tmp_path / "landing" / "webhooks", tmp_path / "warehouse.duckdb")
    # then
    assert set(raw_messages(tmp_path / "warehouse.duckdb")) == {event["data"]["id"]}


def test_ten_thousand_events_from_eight_concurrent_clients_all_land_once(tmp_path):
    # given
    process, url = start_receiver_process(tmp_path / "landing" / "webhooks")
    events = _events(10_000)

    def client(share: list[dict]) -> list[int]:
        with requests.Session() as session:
            return [session.post(url, json=event, timeout=10).status_code for event in share]

    # when
    try:
        with ThreadPoolExecutor(8) as pool:
            statuses = [s for part in pool.map(client, [events[i::8] for i in range(8)])
                        for s in part]  # fmt: skip
    finally:
        process.send_signal(signal.SIGTERM)  # graceful: the open segment is closed
        process.wait(30)
    ingest(tmp_path / "landing" / "webhooks", tmp_path / "warehouse.duckdb")
    # then: every line intact (none interleaved, none lost), every message once in raw
    assert statuses == [200] * 10_000
    assert landed_lines(tmp_path / "landing" / "webhooks") == 10_000
    raw = raw_messages(tmp_path / "warehouse.duckdb")
    assert set(raw) == {event["data"]["id"] for event in events}


def _land_directly(landing, events, segment_bytes: int) -> None:
    writer = SegmentWriter(landing / "aircall", segment_bytes=segment_bytes)
    for event in events:
        writer.append([landing_line(event, datetime.now(UTC))])
    writer.close()


class _FailingAfter(MessagesStream):
    """Raises after ``pages`` pages, as a crash mid-ingest would."""

    def __init__(self, landing, pages: int) -> None:
        super().__init__(landing, page_lines=100)
        self.pages = pages

    def read(self, cursor):
        for number, page in enumerate(super().read(cursor)):
            if number == self.pages:
                raise RuntimeError("killed mid-ingest")
            yield page


def _lines_before(landing, cursor: str | None) -> set[str]:
    """Message ids of every landed line the stored cursor claims is consumed."""
    position = LandingCursor.parse(cursor)
    ids = set()
    for name in (*position.done, position.segment):
        path = landing / "aircall" / f"{name}.ndjson"
        if name is None or not path.exists():
            continue
        data = path.read_bytes()
        if name == position.segment:
            data = data[: position.offset]
        ids |= {json.loads(line)["event"]["data"]["id"] for line in data.splitlines()}
    return ids


@pytest.mark.parametrize("fail_after_pages", [3, 7, 12], ids=["early", "middle", "late"])
def test_ingest_cursor_never_passes_unloaded_lines_and_a_rerun_loses_nothing(
    tmp_path, fail_after_pages
):
    # given: 1 500 events in segments of about 400 lines, an ingest that dies part-way
    from connectors.landing import sync_stream

    landing, warehouse = tmp_path / "landing" / "webhooks", tmp_path / "warehouse.duckdb"
    events = _events(1_500)
    _land_directly(landing, events, segment_bytes=200_000)
    assert len(closed_segments(landing / "aircall")) >= 3
    # when
    with pytest.raises(RuntimeError, match="killed"):
        sync_stream(_FailingAfter(landing, fail_after_pages), warehouse, "run-1",
                    checkpoint_records=250)  # fmt: skip
    cursor = stream_cursor(warehouse, "aircall/messages")
    # then: some pages were committed before the failure, and all they claim is in raw
    assert cursor is not None
    assert _lines_before(landing, cursor) <= set(raw_messages(warehouse))
    # and the rerun completes it, each message once
    ingest(landing, warehouse, "run-2")
    assert set(raw_messages(warehouse)) == {event["data"]["id"] for event in events}


def test_consumed_segments_are_deleted_by_the_run_after_their_commit(tmp_path, monkeypatch):
    # given
    landing, warehouse = tmp_path / "landing" / "webhooks", tmp_path / "warehouse.duckdb"
    _land_directly(landing, _events(300), segment_bytes=50_000)
    segments = closed_segments(landing / "aircall")
    # when: the first run commits them and keeps them (its cursor names them)
    first = ingest(landing, warehouse, "run-1")
    # then
    assert closed_segments(landing / "aircall") == segments
    assert LandingCursor.parse(first.cursor).done == tuple(segments)
    # when: a second run whose deletes fail (disk trouble) neither re-reads nor forgets them
    monkeypatch.setattr(messages_module, "remove_segment", lambda folder, name: None)
    second = ingest(landing, warehouse, "run-2")
    assert (second.records, second.inserted, second.updated) == (0, 0, 0)
    assert LandingCursor.parse(second.cursor).done == tuple(segments)
    # then: a healthy third run deletes them, and raw still holds every message
    monkeypatch.undo()
    ingest(landing, warehouse, "run-3")
    assert closed_segments(landing / "aircall") == []
    assert len(raw_messages(warehouse)) == 300


def test_messages_stream_reports_no_vendor_count(tmp_path):
    stream = MessagesStream(tmp_path)
    assert stream.source_total() is None
    assert stream.count_scope(None).source_count is None


def test_landing_pruning_never_removes_unconsumed_webhook_segments(tmp_path):
    # given: the default layout, data/landing/webhooks beside data/warehouse.duckdb, where the
    # pruner removes the pipeline's own landing/<source>/<table>/<run> folders
    from connectors.retention import prune_landing

    landing = tmp_path / "landing" / "webhooks"
    _land_directly(landing, _events(10), segment_bytes=1_000)
    segments = closed_segments(landing / "aircall")
    # when
    prune_landing(tmp_path, keep_days=0)
    # then: segments are files at the depth of run folders; only folders are pruned
    assert closed_segments(landing / "aircall") == segments
