"""The messaging world: threads split between the two vendors, every journey kind, conversion by
messaging channel, and a CRM/telephony world that messaging never touches."""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import itertools
from collections.abc import Iterator

import pytest
import requests
from sandbox_testkit import AIRCALL_AUTH, HUBSPOT_HEADERS

from sandbox import Business, SandboxConfig, start_sandbox
from sandbox.world.conversations import (
    TWILIO_SMS_NUMBER,
    TWILIO_WHATSAPP_SENDER,
    ConversationFact,
)
from sandbox.world.message_journeys import calls_by_number, lead_outcomes

AS_OF = dt.date(2026, 6, 15)
SMALL = SandboxConfig(seed=20260615, scale=0.05, as_of=AS_OF, messaging=True)
DAY = 86_400


@pytest.fixture(scope="module")
def small() -> Business:
    return Business(SMALL)


def _authors(conversation: ConversationFact) -> set[str]:
    return {message.author_kind for message in conversation.messages}


def test_each_thread_is_carried_by_the_vendor_of_its_business_number(small: Business) -> None:
    # given the Aircall mobile lines the telephony API serves
    mobile_lines = {line.e164 for line in small.lines if line.kind == "mobile"}
    threads = small.conversations.conversations
    # then Aircall carries the threads of its lines, Twilio those of its own two senders
    assert {c.business_address for c in threads if c.source == "aircall"} <= mobile_lines
    twilio = {(c.channel, c.business_address) for c in threads if c.source == "twilio"}
    assert twilio == {("whatsapp", TWILIO_WHATSAPP_SENDER), ("sms", TWILIO_SMS_NUMBER)}
    assert not {TWILIO_WHATSAPP_SENDER, TWILIO_SMS_NUMBER} & {ln.e164 for ln in small.lines}
    # and both vendors carry both channels
    assert {(c.source, c.channel) for c in threads} == {
        (source, channel) for source in ("aircall", "twilio") for channel in ("whatsapp", "sms")
    }
    # and the totals count each vendor's own records
    totals = small.totals()
    assert totals["twilio/conversations"] + sum(c.source == "aircall" for c in threads) == len(
        threads
    )
    assert totals["aircall/messages"] == small.conversations.message_count("aircall")


def test_every_journey_kind_is_drawn_at_a_small_scale(small: Business) -> None:
    # given the threads and the leads' expected first touch
    threads = small.conversations.conversations
    first_touch = collections.Counter(lead.channel for lead in small.leads)
    # then leads arrive by WhatsApp, by SMS, and by a message the company sent first
    assert first_touch["whatsapp"] and first_touch["sms"] and first_touch["outbound_message"]
    inbound = [c for c in threads if c.direction == "inbound"]
    # and agents reply by message, on both vendors
    assert {c.source for c in inbound if "agent" in _authors(c)} == {"aircall", "twilio"}
    # and some threads get only an auto-reply, some no answer at all
    assert any(_authors(c) == {"customer", "auto"} for c in inbound)
    assert any(_authors(c) == {"customer"} for c in inbound)
    # and customers write from the lead numbers the CRM knows
    numbers = {number for lead in small.leads for number in lead.numbers}
    assert all(c.customer_address in numbers for c in threads)


def test_a_lead_writes_on_whatsapp_and_is_then_called_back(small: Business) -> None:
    # given every planned call per customer number
    days = range(len(small.calendar.days))
    calls = calls_by_number({day: [fact for _, fact in small.calls.rows(day)] for day in days})
    # when looking for WhatsApp threads nobody answered in writing, followed by a call
    called_back = [
        conversation
        for conversation in small.conversations.conversations
        if conversation.channel == "whatsapp"
        and conversation.direction == "inbound"
        and "agent" not in _authors(conversation)
        and any(
            0 < call.started_at - conversation.messages[-1].sent_at <= 6 * 3600
            and (call.direction == "outbound" or call.answered_at)
            for call in calls.get(conversation.customer_address, ())
        )
    ]
    # then there are such leads, called after their last message
    assert called_back
    assert all(c.lead_key is not None for c in called_back)


def test_webhook_threads_of_one_customer_and_number_are_more_than_a_day_apart(
    small: Business,
) -> None:
    # given the Aircall threads grouped by customer and business number
    pairs: dict[tuple[str, str], list[ConversationFact]] = collections.defaultdict(list)
    for conversation in small.conversations.carried_by("aircall"):
        pairs[(conversation.business_address, conversation.customer_address)].append(conversation)
    gaps = []
    for threads in pairs.values():
        threads.sort(key=lambda c: c.started_at)
        gaps += [b.started_at - a.messages[-1].sent_at for a, b in itertools.pairwise(threads)]
    # then each later thread starts more than 24 h after the previous one's last message,
    # some of them only minutes past the 24 h (a new conversation only because of the gap)
    assert gaps and min(gaps) > DAY
    assert any(gap <= DAY + 3600 for gap in gaps)
    # and no Aircall thread is ever closed (webhooks have no closing), Twilio's mostly are
    assert all(c.closed_at is None for c in small.conversations.carried_by("aircall"))
    assert any(c.closed_at for c in small.conversations.carried_by("twilio"))


def test_twilio_threads_of_one_binding_never_overlap(small: Business) -> None:
    # given the Twilio threads per customer and sender
    pairs: dict[tuple[str, str], list[ConversationFact]] = collections.defaultdict(list)
    for conversation in small.conversations.carried_by("twilio"):
        pairs[(conversation.business_address, conversation.customer_address)].append(conversation)
    # then a thread starts only after the previous one of its binding was closed
    for threads in pairs.values():
        threads.sort(key=lambda c: c.started_at)
        for earlier, later in itertools.pairwise(threads):
            assert earlier.closed_at is not None and earlier.closed_at < later.started_at


def test_conversion_differs_by_messaging_channel() -> None:
    # given a larger world, and each lead's best planned deal outcome
    world = Business(dataclasses.replace(SMALL, scale=0.5))
    outcomes = lead_outcomes(world.deal_plans)
    leads, won = collections.Counter(), collections.Counter()
    for lead in world.leads:
        leads[lead.channel] += 1
        won[lead.channel] += outcomes.get(lead.key) == "won"
    rate = {channel: won[channel] / leads[channel] for channel in ("whatsapp", "sms")}
    # then leads who first wrote on WhatsApp buy far more often than those who sent an SMS
    assert min(leads["whatsapp"], leads["sms"]) >= 50
    assert rate["whatsapp"] > rate["sms"] + 0.1


def _responses(base_url: str, session: requests.Session) -> Iterator[bytes]:
    """Every HubSpot list page and Aircall list page of a sandbox, as bytes."""
    for path in ("/crm/v3/objects/contacts", "/crm/v3/objects/deals",
                 "/crm/v3/objects/goal_targets"):  # fmt: skip
        for archived in ("false", "true"):
            after: str | None = "0"
            while after is not None:
                params = {"limit": 100, "archived": archived, "after": after,
                          "associations": "contacts,deals"}  # fmt: skip
                response = session.get(base_url + path, params=params, headers=HUBSPOT_HEADERS)
                yield response.content.replace(base_url.encode(), b"")
                after = (response.json().get("paging") or {}).get("next", {}).get("after")
    for path in ("/crm/v3/owners", "/crm/v3/pipelines/deals"):
        yield session.get(base_url + path, headers=HUBSPOT_HEADERS, timeout=30).content
    for resource in ("calls", "users", "numbers", "teams"):
        url: str | None = f"{base_url}/v1/{resource}?per_page=50"
        while url:
            response = session.get(url, auth=AIRCALL_AUTH, timeout=30)
            yield response.content.replace(base_url.encode(), b"")
            url = response.json()["meta"]["next_page_link"]


def test_messaging_on_leaves_every_hubspot_and_aircall_response_identical() -> None:
    # given the same world without and with messaging
    off = dataclasses.replace(SMALL, messaging=False)
    with (
        start_sandbox(off) as plain,
        start_sandbox(SMALL) as chatty,
        requests.Session() as session,
    ):
        # when both serve every list page
        before = list(_responses(plain.base_url, session))
        after = list(_responses(chatty.base_url, session))
    # then the bytes are the same, page for page
    assert len(before) > 40
    assert before == after
