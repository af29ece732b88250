"""Twilio Conversations faithfulness: paging meta, filters, bindings, authors, auth, 429; and the
messaging facts, which must leave the HubSpot and Aircall world untouched."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Iterator

import pytest
import requests
from sandbox_testkit import AS_OF

from sandbox import Business, RunningSandbox, SandboxConfig, start_sandbox
from sandbox.apis.twilio_render import conversation_sid
from sandbox.config import TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN
from sandbox.world.conversations import TWILIO_SMS_NUMBER, TWILIO_WHATSAPP_SENDER

TWILIO_AUTH = (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)
MESSAGING = SandboxConfig(seed=7, scale=0.1, as_of=AS_OF, messaging=True)


@pytest.fixture(scope="module")
def chat_business() -> Business:
    return Business(MESSAGING)


@pytest.fixture(scope="module")
def chat_sandbox(chat_business: Business) -> Iterator[RunningSandbox]:
    with start_sandbox(business=chat_business) as running:
        yield running


def _get(sandbox: RunningSandbox, path: str, **params: object) -> requests.Response:
    url = sandbox.base_url + "/twilio/v1/Conversations" + path
    return requests.get(url, params=params, auth=TWILIO_AUTH, timeout=10)


def _page_through(url: str | None, key: str) -> list[dict]:
    records = []
    while url:
        body = requests.get(url, auth=TWILIO_AUTH, timeout=10).json()
        records.extend(body[key])
        url = body["meta"]["next_page_url"]
    return records


def _world(business: Business) -> list[bytes]:
    """Every HubSpot object and Aircall call of a business, as bytes."""
    objects = [
        json.dumps([record.id, record.properties, record.associations], sort_keys=True).encode()
        for store in (business.deals, business.contacts, business.goal_targets)
        for record in store.all()
    ]
    _, rows = business.calls.window(None, None, False, 0, business.calls.total())
    return objects + [business.calls.fragment(row) for row in rows]


def test_twilio_messaging_flag_leaves_the_crm_and_calls_byte_identical() -> None:
    # given
    off = Business(SandboxConfig(seed=11, scale=0.05, as_of=AS_OF))
    on = Business(dataclasses.replace(off.config, messaging=True))
    # then
    assert _world(off) == _world(on)
    assert len(off.conversations) == 0 and len(on.conversations) > 0
    assert set(on.totals()) - set(off.totals()) == {
        "twilio/conversations",
        "twilio/participants",
        "twilio/messages",
        "aircall/messages",
    }


def test_twilio_facts_are_deterministic_and_cover_every_kind_of_thread(
    chat_business: Business,
) -> None:
    # given
    again = Business(MESSAGING).conversations.conversations
    facts = chat_business.conversations.conversations
    # then
    assert [dataclasses.asdict(c) for c in again] == [dataclasses.asdict(c) for c in facts]
    kinds = Counter(
        (c.direction, bool(c.agent_emails()), any(m.author_kind == "auto" for m in c.messages))
        for c in facts
    )
    assert kinds[("inbound", True, False)] and kinds[("inbound", False, False)]  # never answered
    assert kinds[("inbound", False, True)] and kinds[("outbound", True, False)]  # auto only
    assert kinds[("outbound", False, True)]  # a template nobody followed up
    assert {c.channel for c in facts} == {"whatsapp", "sms"}
    month_ago = chat_business.calendar.end - 30 * 86_400
    assert any(c.closed_at is None and c.started_at < month_ago for c in facts)  # old, open
    emails = {agent.email for agent in chat_business.agents}
    numbers = {n for lead in chat_business.leads for n in lead.numbers}
    for conversation in facts:
        assert set(conversation.agent_emails()) <= emails
        assert conversation.customer_address in numbers
        times = [m.sent_at for m in conversation.messages]
        assert times == sorted(times) and times[-1] < chat_business.calendar.end


def test_twilio_conversations_page_with_meta_and_page_size_clamp(
    chat_sandbox: RunningSandbox,
) -> None:
    # when
    body = _get(chat_sandbox, "", PageSize=500).json()
    small = _get(chat_sandbox, "", PageSize=2).json()
    # then
    assert body["meta"]["page_size"] == 100 and len(body["conversations"]) <= 100
    meta = small["meta"]
    assert meta["key"] == "conversations" and meta["page"] == 0
    assert meta["previous_page_url"] is None
    assert meta["next_page_url"].startswith(chat_sandbox.base_url + "/twilio/v1/Conversations?")
    assert "PageToken=PT" in meta["next_page_url"] and "Page=1" in meta["next_page_url"]
    conversation = small["conversations"][0]
    assert conversation["sid"].startswith("CH") and len(conversation["sid"]) == 34
    assert conversation["date_created"].endswith("Z") and conversation["attributes"] == "{}"


def test_twilio_paging_reads_every_conversation_once_in_creation_order(
    chat_sandbox: RunningSandbox, chat_business: Business
) -> None:
    # when
    url = chat_sandbox.base_url + "/twilio/v1/Conversations?PageSize=7"
    records = _page_through(url, "conversations")
    # then
    sids = [record["sid"] for record in records]
    assert len(sids) == len(set(sids)) == len(chat_business.conversations.carried_by("twilio"))
    created = [record["date_created"] for record in records]
    assert created == sorted(created)


def test_twilio_filters_on_creation_date_and_state(
    chat_sandbox: RunningSandbox, chat_business: Business
) -> None:
    # given
    everything = _page_through(chat_sandbox.base_url + "/twilio/v1/Conversations", "conversations")
    day = everything[len(everything) // 2]["date_created"][:10]
    # when
    since = _get(chat_sandbox, "", StartDate=day, PageSize=100)
    until = _get(chat_sandbox, "", EndDate=day, PageSize=100)
    active = _page_through(since.url.replace(f"StartDate={day}", "State=active"), "conversations")
    # then
    assert all(c["date_created"][:10] >= day for c in since.json()["conversations"])
    assert all(c["date_created"][:10] <= day for c in until.json()["conversations"])
    assert f"StartDate={day}" in (since.json()["meta"]["next_page_url"] or f"StartDate={day}")
    assert active and {c["state"] for c in active} == {"active"}
    threads = chat_business.conversations.carried_by("twilio")
    expected = sum(1 for c in threads if c.closed_at is None)
    assert len(active) == expected
    assert _get(chat_sandbox, "", StartDate="yesterday").json()["code"] == 20001
    assert _get(chat_sandbox, "", State="open").status_code == 400


def test_twilio_participants_bind_the_customer_and_name_agents_by_email(
    chat_sandbox: RunningSandbox, chat_business: Business
) -> None:
    # given
    facts = chat_business.conversations.carried_by("twilio")
    fact = next(c for c in facts if c.channel == "whatsapp" and c.agent_emails())
    sms = next(c for c in facts if c.channel == "sms")
    # when
    by_kind = {
        c.channel: _get(chat_sandbox, f"/{conversation_sid(c)}/Participants").json()
        for c in (fact, sms)
    }
    # then
    listed = by_kind["whatsapp"]["participants"]
    customer = next(p for p in listed if p["messaging_binding"])
    agents = [p for p in listed if p is not customer]
    assert customer["identity"] is None
    assert customer["messaging_binding"] == {
        "type": "whatsapp",
        "address": f"whatsapp:{fact.customer_address}",
        "proxy_address": f"whatsapp:{TWILIO_WHATSAPP_SENDER}",
    }
    assert sorted(a["identity"] for a in agents) == sorted(fact.agent_emails())
    assert all(a["messaging_binding"] is None for a in agents)
    binding = by_kind["sms"]["participants"][0]["messaging_binding"]
    assert binding == {
        "type": "sms",
        "address": sms.customer_address,
        "proxy_address": TWILIO_SMS_NUMBER,
    }


def test_twilio_messages_carry_authors_in_index_order(
    chat_sandbox: RunningSandbox, chat_business: Business
) -> None:
    # given
    fact = next(
        c
        for c in chat_business.conversations.carried_by("twilio")
        if {m.author_kind for m in c.messages} == {"customer", "agent", "auto"}
    )
    sid = conversation_sid(fact)
    # when
    url = f"{chat_sandbox.base_url}/twilio/v1/Conversations/{sid}/Messages?PageSize=1"
    messages = _page_through(url, "messages")
    newest_first = _get(chat_sandbox, f"/{sid}/Messages", Order="desc").json()["messages"]
    # then
    assert [m["index"] for m in messages] == list(range(len(fact.messages)))
    assert [m["index"] for m in newest_first] == list(reversed(range(len(fact.messages))))
    prefix = "whatsapp:" if fact.channel == "whatsapp" else ""
    customer = prefix + fact.customer_address
    expected = [
        {"customer": customer, "agent": m.agent_email, "auto": "system"}[m.author_kind]
        for m in fact.messages
    ]
    assert [m["author"] for m in messages] == expected
    assert all((m["delivery"] is None) == (m["author"] == customer) for m in messages)
    assert all(m["sid"].startswith("IM") and m["conversation_sid"] == sid for m in messages)


def test_twilio_rejects_bad_credentials_and_unknown_sids_with_twilio_bodies(
    chat_sandbox: RunningSandbox,
) -> None:
    # when
    url = chat_sandbox.base_url + "/twilio/v1/Conversations"
    denied = requests.get(url, auth=(TWILIO_ACCOUNT_SID, "wrong"), timeout=10)
    missing = _get(chat_sandbox, "/CH00000000000000000000000000000000/Messages")
    # then
    assert denied.status_code == 401 and denied.json()["code"] == 20003
    assert missing.status_code == 404 and missing.json()["code"] == 20404
    assert missing.json()["more_info"] == "https://www.twilio.com/docs/errors/20404"


def test_twilio_throttles_with_code_20429_past_the_per_second_budget() -> None:
    # given
    config = dataclasses.replace(MESSAGING, scale=0.02, twilio_per_second=2)
    with start_sandbox(config) as sandbox:
        # when
        statuses = [_get(sandbox, "", PageSize=1) for _ in range(4)]
    # then
    throttled = [r for r in statuses if r.status_code == 429]
    assert throttled and throttled[0].json()["code"] == 20429
    assert throttled[0].headers["Retry-After"] == "1"
