"""The sandbox's Aircall webhook emitter: envelope shape and redelivery like Aircall's."""

import pytest
import requests

from sandbox.apis.aircall_webhooks import WebhookEmitter, envelope, sample_messages
from tests.connectors.webhook_testkit import TOKEN, ingest, raw_messages, receiver_thread


class _ScriptedSession:
    """Answers with the scripted statuses (an exception is raised instead)."""

    def __init__(self, script):
        self.script, self.posted = list(script), []

    def post(self, url, json, timeout):
        self.posted.append(json)
        outcome = self.script.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        response = requests.Response()
        response.status_code = outcome
        return response


def test_envelope_carries_aircall_fields_and_the_event_of_the_direction():
    inbound, outbound = (
        next(m for m in sample_messages(20) if m["direction"] == side)
        for side in ("inbound", "outbound")
    )
    assert envelope(inbound, "t")["event"] == "message.received"
    event = envelope(outbound, "t")
    assert event["event"] == "message.sent"
    assert set(event) == {"resource", "event", "timestamp", "token", "data"}
    assert isinstance(event["timestamp"], int)


def test_emitter_redelivers_the_same_event_after_a_failure():
    # given
    session = _ScriptedSession([503, requests.ConnectionError("reset"), 200])
    waits = []
    emitter = WebhookEmitter("http://receiver", "t", sleep=waits.append, session=session)
    # when
    attempts = emitter.post(envelope(next(sample_messages(1)), "t"))
    # then
    assert attempts == 3
    assert waits == [1.0, 2.0]
    assert session.posted[0] == session.posted[1] == session.posted[2]


def test_emitter_gives_up_after_its_last_delay():
    session = _ScriptedSession([500, 500, 500])
    emitter = WebhookEmitter("http://r", "t", retry_delays=(0.1, 0.2), sleep=lambda s: None,
                             session=session)  # fmt: skip
    with pytest.raises(RuntimeError, match="500"):
        emitter.post(envelope(next(sample_messages(1)), "t"))


def test_emitted_messages_land_in_raw_through_the_receiver(tmp_path):
    with receiver_thread(tmp_path / "webhooks") as url:
        delivered = WebhookEmitter(url, TOKEN).emit(sample_messages(25))
    ingest(tmp_path / "webhooks", tmp_path / "warehouse.duckdb")
    assert delivered == 25
    assert len(raw_messages(tmp_path / "warehouse.duckdb")) == 25
