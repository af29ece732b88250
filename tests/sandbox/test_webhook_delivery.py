"""The sandbox pushes its Aircall messages into a real receiver: every event lands (a few twice,
as Aircall redelivers), and the ingest holds each message once with its latest status."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sandbox import SandboxConfig, start_sandbox
from sandbox.apis.aircall_messages_render import latest_events
from tests.connectors.webhook_testkit import (
    TOKEN,
    ingest,
    landed_lines,
    raw_messages,
    receiver_thread,
)

CONFIG = SandboxConfig(seed=20260615, scale=0.05, as_of=dt.date(2026, 6, 15), messaging=True)


def test_delivered_events_land_every_message_once(tmp_path: Path) -> None:
    # given a sandbox with messaging and a receiver on a real port
    landing, warehouse = tmp_path / "webhooks", tmp_path / "warehouse.duckdb"
    with start_sandbox(CONFIG) as sandbox:
        with receiver_thread(landing) as url:
            # when the sandbox delivers the world's Aircall events to it
            delivery = sandbox.deliver_webhooks("aircall_messages", url, TOKEN)
        expected = {e.data["id"]: e.data["status"] for e in latest_events(sandbox.business)}
        messages = sandbox.totals()["aircall/messages"]
    result = ingest(landing, warehouse)
    # then every post landed, a few events more than once
    assert landed_lines(landing) == result.records == delivery.posts
    assert delivery.events > messages > 0 and delivery.redelivered > 0
    assert delivery.describe().startswith(
        f"{delivery.events} events delivered ({delivery.redelivered} redelivered) in "
    )
    # and raw holds each message once, with the status of its last event
    assert raw_messages(warehouse) == expected
    assert len(expected) == messages


def test_an_unknown_pushed_source_is_refused() -> None:
    with start_sandbox(CONFIG) as sandbox, pytest.raises(KeyError):
        sandbox.deliver_webhooks("no_such_source", "http://127.0.0.1:9/", TOKEN)
