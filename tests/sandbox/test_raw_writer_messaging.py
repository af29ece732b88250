"""``write_raw(messaging=True)`` lands the messaging tables exactly as the connectors do: Twilio
read over HTTP, Aircall pushed through the webhook receiver and ingested."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from connectors.landing import sync_stream
from connectors.transport import DEFAULT_TRANSPORT
from connectors.twilio.source import SOURCE as TWILIO
from connectors.warehouse import ensure_raw_schema, raw_table, stream_cursor
from sandbox import Business, SandboxConfig, start_sandbox
from sandbox.config import TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN
from sandbox.raw_writer import MESSAGING_STREAMS, write_raw
from tests.connectors.webhook_testkit import TOKEN, ingest, receiver_thread

CONFIG = SandboxConfig(seed=20260615, scale=0.05, as_of=dt.date(2026, 6, 15), messaging=True)


def _rows(path: Path, stream: str) -> set[tuple[object, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        sql = (
            f"SELECT id, CAST(record AS VARCHAR), modified_at, is_archived FROM {raw_table(stream)}"
        )
        return set(con.execute(sql).fetchall())


def _sync(business: Business, warehouse: Path) -> None:
    """A first Twilio sync reading the whole year, and every Aircall event pushed and ingested."""
    ensure_raw_schema(warehouse)
    with start_sandbox(business=business) as sandbox:
        env = {
            "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
            "TWILIO_CONVERSATIONS_BASE_URL": sandbox.base_url_for("twilio"),
            "TWILIO_HISTORY_DAYS": "5000",  # the sandbox year may lie far before today
        }
        for stream in TWILIO.streams(env, DEFAULT_TRANSPORT).values():
            sync_stream(stream, warehouse, "http-sync")
        landing = warehouse.parent / "webhooks"
        with receiver_thread(landing) as url:
            sandbox.deliver_webhooks("aircall_messages", url, TOKEN)
    ingest(landing, warehouse, "http-sync")


def test_raw_writer_lands_the_messaging_records_of_a_real_sync(tmp_path: Path) -> None:
    # given one messaging world written directly, and synced through the connectors
    business = Business(CONFIG)
    direct, synced = tmp_path / "direct" / "w.duckdb", tmp_path / "synced" / "w.duckdb"
    synced.parent.mkdir()
    written = write_raw(direct, business, messaging=True)
    _sync(business, synced)
    # then every messaging table holds the same records, keys, modified times and flags
    for stream in MESSAGING_STREAMS:
        rows = _rows(direct, stream)
        assert rows and rows == _rows(synced, stream), stream
        assert written[stream] == business.totals()[stream]
    # and the Twilio cursors name the conversations still open, as a sync stores them
    assert stream_cursor(direct, "twilio/messages") is not None
    assert '"open":["CH' in stream_cursor(direct, "twilio/conversations")


def test_raw_writer_leaves_the_messaging_tables_empty_unless_asked(tmp_path: Path) -> None:
    # given a messaging world written without the option
    path = tmp_path / "w.duckdb"
    written = write_raw(path, Business(CONFIG))
    # then the messaging tables exist and are empty, so older warehouses stay as they were
    assert not set(written) & set(MESSAGING_STREAMS)
    assert all(not _rows(path, stream) for stream in MESSAGING_STREAMS)
