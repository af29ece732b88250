"""The Aircall webhook receiver over real HTTP: what it refuses, what it lands, and when."""

import json
import time

import pytest
import requests

from connectors.aircall.webhooks import MAX_BODY_BYTES, ReceiverConfig
from sandbox.apis.aircall_webhooks import envelope, sample_messages
from tests.connectors.webhook_testkit import TOKEN, landed_lines, receiver_thread


@pytest.fixture
def receiver(tmp_path):
    with receiver_thread(tmp_path / "landing") as url:
        yield url, tmp_path / "landing"


def _event(token: str = TOKEN, **changes) -> dict:
    return {**envelope(next(sample_messages(1)), token), **changes}


@pytest.mark.parametrize(
    "token", [pytest.param("wrong", id="wrong"), pytest.param(None, id="missing"),
              pytest.param(12, id="not-a-string"), pytest.param("", id="empty")],
)  # fmt: skip
def test_receiver_refuses_a_wrong_token_and_lands_nothing(receiver, token):
    # given
    url, landing = receiver
    event = _event()
    event.pop("token")
    if token is not None:
        event["token"] = token
    # when
    response = requests.post(url, json=event, timeout=5)
    # then
    assert response.status_code == 401
    assert landed_lines(landing) == 0


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"{not json", id="not-json"),
        pytest.param(b"\xff\xfe", id="not-utf8"),
        pytest.param(b"[1, 2]", id="array"),
        pytest.param(json.dumps(_event(data={"body": "no id"})).encode(), id="no-data-id"),
        pytest.param(json.dumps(_event(data="text")).encode(), id="data-not-object"),
        pytest.param(json.dumps(_event(event=None)).encode(), id="no-event"),
    ],
)
def test_receiver_answers_400_to_a_malformed_event(receiver, body):
    url, landing = receiver
    response = requests.post(url, data=body, timeout=5)
    assert response.status_code == 400
    assert landed_lines(landing) == 0


def test_receiver_answers_413_to_an_oversized_body(receiver):
    url, landing = receiver
    event = _event()
    event["data"]["body"] = "x" * MAX_BODY_BYTES
    response = requests.post(url, json=event, timeout=5)
    assert response.status_code == 413
    assert landed_lines(landing) == 0


def test_receiver_refuses_an_oversized_chunked_body_while_it_streams(receiver):
    # given: no Content-Length, so only counting the stream can stop it
    url, landing = receiver
    sent = 0

    def chunks():
        nonlocal sent
        for _ in range(64):  # 4 MiB offered in 64 KiB chunks
            sent += 1
            yield b"x" * 65536

    # when
    try:
        status = requests.post(url, data=chunks(), timeout=5).status_code
    except requests.ConnectionError:
        status = 413  # the server may close the connection before the client sent it all
    # then
    assert status == 413
    assert landed_lines(landing) == 0


def test_receiver_ignores_events_other_than_messages(receiver):
    url, landing = receiver
    response = requests.post(url, json=_event(event="call.created", resource="call"), timeout=5)
    assert response.status_code == 200
    assert response.json() == {"status": "ignored"}
    assert landed_lines(landing) == 0


def test_receiver_lands_a_message_event_fsynced_before_answering_without_its_token(receiver):
    # given
    url, landing = receiver
    event = _event()
    # when
    response = requests.post(url, json=event, timeout=5)
    # then: on disk when the answer arrives (still in the open segment), minus the secret
    assert response.status_code == 200
    assert response.json() == {"status": "stored"}
    [segment] = list((landing / "aircall").glob("*.open"))
    stored = json.loads(segment.read_text())
    assert stored["event"] == {key: value for key, value in event.items() if key != "token"}
    assert TOKEN not in segment.read_text()


def test_receiver_closes_its_segment_once_it_is_old(tmp_path):
    with receiver_thread(tmp_path, segment_seconds=0.2) as url:
        requests.post(url, json=_event(), timeout=5)
        folder = tmp_path / "aircall"
        for _ in range(50):
            if list(folder.glob("*.ndjson")):
                break
            time.sleep(0.1)
        assert len(list(folder.glob("*.ndjson"))) == 1
        assert not list(folder.glob("*.open"))


def test_receiver_config_refuses_an_empty_token(tmp_path):
    with pytest.raises(ValueError, match="AIRCALL_WEBHOOK_TOKEN"):
        ReceiverConfig("", tmp_path)
