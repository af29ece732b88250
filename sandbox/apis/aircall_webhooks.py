"""Aircall's side of messaging webhooks: POST ``message.*`` events to a receiver, retrying.

Aircall redelivers an event that did not get a 2xx (several times, with growing delays), so the
same event can arrive more than once; this emitter does the same, and ``deliver_world`` also
sends a few events twice unasked, as Aircall does when our 2xx reaches it late. The messages
are dicts in the ``data`` shape of docs source_apis.md §3.8: the world's Aircall threads
(``aircall_messages_render``), or ``sample_messages`` in tests that need no world.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from sandbox.apis.aircall_messages_render import message_events
from sandbox.apis.webhook_delivery import Delivery
from sandbox.world.business import Business

EVENT_BY_DIRECTION = {"inbound": "message.received", "outbound": "message.sent"}
RETRY_DELAYS = (1.0, 2.0, 4.0, 8.0, 16.0)
TIMEOUT = (5, 30)
REDELIVERED_SHARE = 0.02  # events Aircall sends twice although the first got its 2xx
# Concurrent senders: the receiver fsyncs once per batch of the lines that arrived together, so
# where fsync is slow (5 ms) four senders halve the wall time; on a fast local disk the
# in-process delivery is CPU-bound (about 1 ms an event) and they cost nothing.
SENDERS = 4
SAMPLE_NUMBER = {
    "id": 397375,
    "name": "Support FR",
    "digits": "+33 1 87 65 43 21",
    "country": "FR",
    "time_zone": "Europe/Paris",
}


def envelope(
    message: dict[str, Any], token: str, event: str | None = None, timestamp: int | None = None
) -> dict[str, Any]:
    """Aircall's webhook envelope around one message.

    Args:
        message: the §3.8 ``data``.
        token: the webhook token.
        event: default: received or sent, from the message's direction.
        timestamp: when the event happened (UNIX s); default: the message's ``created_at``.
    """
    if timestamp is None:
        created = datetime.fromisoformat(str(message["created_at"]).replace("Z", "+00:00"))
        timestamp = int(created.timestamp())
    return {
        "resource": "message",
        "event": event or EVENT_BY_DIRECTION[message.get("direction", "inbound")],
        "timestamp": timestamp,
        "token": token,
        "data": message,
    }


def world_envelopes(business: Business, token: str) -> list[dict[str, Any]]:
    """The envelopes of every event of the world's Aircall messages, in sending order."""
    return [envelope(e.data, token, e.event, e.at) for e in message_events(business)]


def with_redeliveries(envelopes: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The envelopes with a few of them sent a second time, right after the first."""
    posted: list[dict[str, Any]] = []
    for position, event in enumerate(envelopes):
        posted.append(event)
        digest = hashlib.md5(f"redeliver:{position}".encode()).digest()
        if int.from_bytes(digest[:4], "big") / 2**32 < REDELIVERED_SHARE:
            posted.append(event)
    return posted


def deliver_world(business: Business, url: str, token: str, senders: int = SENDERS) -> Delivery:
    """POST every event of the world's Aircall messages to a receiver, a few of them twice.

    Raises:
        requests.RequestException, RuntimeError: an event could not be delivered (see
            ``WebhookEmitter.post``).
    """
    started = time.perf_counter()
    envelopes = world_envelopes(business, token)
    posted = with_redeliveries(envelopes)
    shares = [posted[i::senders] for i in range(senders)]

    def send(share: list[dict[str, Any]]) -> int:
        with requests.Session() as session:  # one keep-alive connection per sender
            session.trust_env = False  # no proxy lookup per request: the receiver is local
            emitter = WebhookEmitter(url, token, session=session)
            for event in share:
                emitter.post(event)
        return len(share)

    with ThreadPoolExecutor(senders) as pool:
        posts = sum(pool.map(send, shares))
    return Delivery(len(envelopes), posts, time.perf_counter() - started)


@dataclass
class WebhookEmitter:
    """Posts events to ``url``; a non-2xx answer or a connection error is retried.

    Attributes:
        url: the receiver, e.g. ``http://127.0.0.1:8787/webhooks/aircall``.
        token: the webhook token Aircall would send.
        retry_delays: waits before each redelivery; the event is given up after the last.
        sleep: injectable for tests.
    """

    url: str
    token: str
    retry_delays: tuple[float, ...] = RETRY_DELAYS
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(default_factory=requests.Session)

    def post(self, event: dict[str, Any]) -> int:
        """Deliver one event, redelivering it until a 2xx; returns the attempts it took.

        Raises:
            requests.RequestException: the last attempt failed to connect.
            RuntimeError: every attempt got a non-2xx answer.
        """
        for attempt, delay in enumerate((*self.retry_delays, None), start=1):
            try:
                response = self.session.post(self.url, json=event, timeout=TIMEOUT)
                if 200 <= response.status_code < 300:
                    return attempt
                failure: Exception = RuntimeError(f"receiver answered {response.status_code}")
            except requests.ConnectionError as error:
                failure = error
            if delay is None:
                raise failure
            self.sleep(delay)
        raise AssertionError("unreachable")

    def emit(self, messages: Iterable[dict[str, Any]]) -> int:
        """Post one event per message; returns how many were delivered."""
        delivered = 0
        for message in messages:
            self.post(envelope(message, self.token))
            delivered += 1
        return delivered


def sample_messages(count: int, seed: int = 7, start: datetime | None = None) -> Iterator[dict]:
    """Synthetic messages in the §3.8 working shape, until the world module feeds real ones."""
    rng = random.Random(seed)
    moment = start or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for index in range(count):
        outbound = rng.random() < 0.5
        moment += timedelta(seconds=rng.randint(1, 600))
        yield {
            "id": f"msg-{seed}-{index:06d}",
            "direction": "outbound" if outbound else "inbound",
            "status": "sent" if outbound else "received",
            "channel": rng.choice(("sms", "whatsapp")),
            "body": f"message {index}",
            "created_at": moment.isoformat().replace("+00:00", "Z"),
            "external_number": f"+3361234{rng.randint(0, 9999):04d}",
            "origin": "native",
            "number": SAMPLE_NUMBER,
            "user": {"id": 731416, "name": "Léa Dubois", "email": "lea.dubois@example.com"}
            if outbound
            else None,
        }
