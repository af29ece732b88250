"""Aircall message events rendered from the world: the §3.8 working shape, a line and users the
Aircall API serves, free-text customer numbers, and each message's status lifecycle."""

from __future__ import annotations

import collections
import datetime as dt
import re
from collections.abc import Iterator

import phonenumbers
import pytest
import requests
from sandbox_testkit import AIRCALL_AUTH

from sandbox import Business, RunningSandbox, SandboxConfig, start_sandbox
from sandbox.apis.aircall_messages_render import (
    MessageEvent,
    latest_events,
    message_events,
    message_id,
)
from sandbox.apis.aircall_webhooks import envelope

CONFIG = SandboxConfig(seed=20260615, scale=0.2, as_of=dt.date(2026, 6, 15), messaging=True)
DATA_KEYS = {"id", "direction", "status", "channel", "body", "created_at", "external_number",
             "origin", "number", "user"}  # fmt: skip
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture(scope="module")
def business() -> Business:
    return Business(CONFIG)


@pytest.fixture(scope="module")
def events(business: Business) -> list[MessageEvent]:
    return message_events(business)


@pytest.fixture(scope="module")
def sandbox(business: Business) -> Iterator[RunningSandbox]:
    with start_sandbox(business=business) as running:
        yield running


def _listed(sandbox: RunningSandbox, resource: str) -> list[dict]:
    url = f"{sandbox.base_url}/v1/{resource}"
    return requests.get(url, params={"per_page": 50}, auth=AIRCALL_AUTH, timeout=10).json()[
        resource
    ]


def test_every_event_carries_the_working_shape(events: list[MessageEvent]) -> None:
    # then every data dict has exactly the §3.8 fields, with their types and vocabularies
    assert events
    for event in events:
        data = event.data
        assert set(data) == DATA_KEYS
        assert isinstance(data["id"], str) and data["origin"] == "native"
        assert data["channel"] in ("whatsapp", "sms") and data["body"]
        assert ISO_UTC.match(data["created_at"]), data["created_at"]
        assert (data["direction"] == "inbound") == (data["status"] == "received")
        assert data["status"] in ("received", "sent", "delivered", "read", "failed")
    # and the envelope is Aircall's, timed at the event
    first = events[0]
    wrapped = envelope(first.data, "t", first.event, first.at)
    assert wrapped["resource"] == "message" and wrapped["timestamp"] == first.at


def test_the_line_and_the_agents_are_those_the_aircall_api_serves(
    business: Business, events: list[MessageEvent], sandbox: RunningSandbox
) -> None:
    # given the numbers and users of the Aircall API
    numbers = {n["id"]: n for n in _listed(sandbox, "numbers")}
    users = {u["id"]: u for u in _listed(sandbox, "users")}
    # then each message names its Aircall line as /v1/numbers prints it
    for event in events:
        number = event.data["number"]
        listed = numbers[number["id"]]
        assert number == {key: listed[key] for key in number}
        assert set(number) == {"id", "name", "digits", "country", "time_zone"}
    # and agent messages name the agent's Aircall user; customers and automation none
    agent_users = [e.data["user"] for e in events if e.data["user"] is not None]
    assert agent_users
    for user in agent_users:
        assert user == {key: users[user["id"]][key] for key in ("id", "name", "email")}
    by_id = {message_id(m): m for c in business.conversations.carried_by("aircall")
             for m in c.messages}  # fmt: skip
    for event in events:
        is_agent = by_id[event.data["id"]].author_kind == "agent"
        assert (event.data["user"] is not None) == is_agent


def test_customer_numbers_come_in_free_text_forms_of_the_leads_numbers(
    business: Business, events: list[MessageEvent]
) -> None:
    # given the threads behind the events
    threads = {message_id(m): c for c in business.conversations.carried_by("aircall")
               for m in c.messages}  # fmt: skip
    # then every external number normalises to the thread's customer number
    forms = collections.Counter()
    for event in events:
        written = event.data["external_number"]
        e164 = phonenumbers.format_number(
            phonenumbers.parse(written, "FR"), phonenumbers.PhoneNumberFormat.E164
        )
        assert e164 == threads[event.data["id"]].customer_address
        national, spaced = written.startswith("0"), " " in written
        forms["national" if national else ("international" if spaced else "e164")] += 1
    # and the forms are mixed: 06 12 34 56 78, +33 6 12 34 56 78 and +33612345678
    assert set(forms) == {"national", "international", "e164"}


def test_outbound_messages_go_from_sent_to_delivered_read_or_failed(
    business: Business, events: list[MessageEvent]
) -> None:
    # given each message's events in sending order
    lifecycles: dict[str, list[MessageEvent]] = collections.defaultdict(list)
    for event in events:
        lifecycles[event.data["id"]].append(event)
    # then there is one per message, and the first one says received or sent
    messages = business.conversations.message_count("aircall")
    assert len(lifecycles) == messages
    statuses = collections.Counter()
    for steps in lifecycles.values():
        first, *updates = steps
        assert (
            first.event
            == {"inbound": "message.received", "outbound": "message.sent"}[first.data["direction"]]
        )
        assert all(u.event == "message.status_updated" for u in updates)
        assert [u.at for u in steps] == sorted(u.at for u in steps)
        statuses[tuple(step.data["status"] for step in steps)] += 1
    # and every lifecycle of the working shape occurs; SMS is never read
    assert set(statuses) == {("received",), ("sent",), ("sent", "delivered"),
                             ("sent", "delivered", "read"), ("sent", "failed")}  # fmt: skip
    read_channels = {e.data["channel"] for e in events if e.data["status"] == "read"}
    assert read_channels == {"whatsapp"}
    # and the latest event of each message is its last in time
    latest = {e.data["id"]: e for e in latest_events(business)}
    assert {key: steps[-1] for key, steps in lifecycles.items()} == latest
