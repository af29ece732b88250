"""The messaging part of the hand-made fixture (fixture_messaging.py) against hand-computed KPIs.

The raw rows are written as the connectors land them, then read back by the loader, so these
checks cover the raw formats (Twilio resources, Aircall webhook events) as well as the rules.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from . import fixture, fixture_messaging
from .agents import agent_key
from .fixture_builders import CHAT_SERVICE, twilio_sid
from .kpis_activity import response_seconds
from .kpis_customers import customer_key
from .loader import load_raw
from .model import Warehouse, build_warehouse
from .tables import BY_NAME

LEA = agent_key("lea.dubois@example.com", "")
SAM = agent_key("sam@example.com", "")
MARC = agent_key("marc@example.com", "")
TWILIO_WA, TWILIO_SMS, AIRCALL = "+33645454545", "+33756781234", "+33644556677"


@pytest.fixture(scope="module")
def raw_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fixture_messaging") / "raw.duckdb"
    fixture.write_fixture(path)
    return path


@pytest.fixture(scope="module")
def warehouse(raw_path: Path) -> Iterator[Warehouse]:
    with duckdb.connect(str(raw_path), read_only=True) as con:
        raw = load_raw(con)
    yield build_warehouse(raw, fixture.settings())


def rows(w: Warehouse, table: str) -> list[dict]:
    spec = BY_NAME[table]
    return [dict(zip(spec.columns, r, strict=True)) for r in spec.compute(w)]


def test_raw_rows_are_what_the_connectors_land(raw_path: Path) -> None:
    # given the fixture's raw layer
    with duckdb.connect(str(raw_path), read_only=True) as con:
        aircall = con.execute(
            "select id, record, modified_at from raw_aircall.messages where id = 'msg-52-3'"
        ).fetchall()
        gone = con.execute(
            "select id from raw_twilio.conversations where _deleted_at is not null"
        ).fetchall()
        children = con.execute(
            "select count(*) from raw_twilio.messages where record->>'conversation_sid' = ?",
            [twilio_sid("CH", "c56")],
        ).fetchone()
        columns = [c[0] for c in con.execute("describe raw_twilio.messages").fetchall()]
    # then the status-updated Aircall message is one row, keyed by message id, without a token
    [(key, record, modified)] = aircall
    envelope = json.loads(record)
    assert key == envelope["data"]["id"] and "token" not in envelope
    assert (envelope["event"], envelope["data"]["status"]) == ("message.status_updated", "read")
    assert modified.timestamp() == envelope["timestamp"] + 0.002  # the status rank, in ms
    # and only the deleted conversation's own row is marked gone; its messages stay in raw
    assert gone == [(twilio_sid("CH", "c56"),)] and children == (2,)
    assert columns[-1] == "_deleted_at"


def test_conversations_daily_by_hand(warehouse: Warehouse) -> None:
    # given ten live conversations (the deleted one left out)
    table = rows(warehouse, "kpi_conversations_daily")
    measures = [
        (r["date"], r["business_line"], r["channel"], r["agent_id"], r["direction"],
         r["conversations"], r["replied_conversations"], r["first_response_seconds"],
         r["replied_within_5m"], r["messages_in"], r["messages_out"])
        for r in table
    ]  # fmt: skip
    # then each conversation is one row, in grain order, with the hand-computed measures
    assert measures == [
        # WhatsApp replied at exactly 300 s: within 5 minutes
        (date(2026, 10, 1), TWILIO_WA, "whatsapp", LEA, "inbound", 1, 1, 300, 1, 1, 1),
        # auto-reply only, on the seed-mapped line: no reply
        (
            date(2026, 10, 2),
            TWILIO_SMS,
            "sms_promo_2026",
            "unassigned",
            "inbound",
            1,
            0,
            0,
            0,
            1,
            1,
        ),
        # a bot nobody knows at 10 s (automated), Sam at 301 s: replied, not within 5 minutes
        (date(2026, 10, 5), AIRCALL, "sms", SAM, "inbound", 1, 1, 301, 0, 1, 2),
        # a template by automation first: outbound, never "replied"
        (date(2026, 10, 6), TWILIO_WA, "whatsapp", MARC, "outbound", 1, 0, 0, 0, 1, 2),
        # Léa wrote first
        (date(2026, 10, 7), AIRCALL, "whatsapp", LEA, "outbound", 1, 0, 0, 0, 1, 1),
        # the same customer and line: SMS and WhatsApp are two conversations
        (date(2026, 10, 8), AIRCALL, "sms", "unassigned", "inbound", 1, 0, 0, 0, 1, 0),
        # a message exactly 24 h after the previous one stays in the conversation
        (date(2026, 10, 8), AIRCALL, "whatsapp", LEA, "inbound", 1, 1, 120, 1, 2, 1),
        # 24 h + 1 s later: a new conversation, answered by automation only
        (date(2026, 10, 10), AIRCALL, "whatsapp", "unassigned", "inbound", 1, 0, 0, 0, 1, 1),
        # SMS on the WhatsApp sender number; an unknown identity first, Sam at 360 s
        (date(2026, 10, 13), TWILIO_WA, "sms", SAM, "inbound", 1, 1, 360, 0, 1, 2),
        # web chat: the chat service is the business line
        (date(2026, 10, 14), CHAT_SERVICE, "web_chat", LEA, "inbound", 1, 1, 90, 1, 1, 1),
    ]
    mapped = table[1]
    assert (mapped["channel_group"], mapped["channel_label"]) == ("messaging", "SMS promo 2026")
    assert (table[0]["agent_name"], table[0]["team"]) == ("Léa Dubois", "Inside Sales")
    # and the kpis.md invariants: conversations and messages of the sources
    assert sum(r["conversations"] for r in table) == 10
    all_messages = len(fixture_messaging.TWILIO_MESSAGES) + len(fixture_messaging.AIRCALL_MESSAGES)
    assert sum(r["messages_in"] + r["messages_out"] for r in table) == all_messages - 2


def test_messaging_leads_first_touch_and_speed_to_lead(warehouse: Warehouse) -> None:
    leads = warehouse.leads
    channels = {cid: leads[cid].channel.channel for cid in map(str, range(50, 58))}
    # then each lead's channel is its first touch's: WhatsApp before a call inside the grace, the
    # seed's name, outbound_message when the company wrote first, the CRM without a touch
    assert channels == {
        "50": "whatsapp",
        "51": "sms_promo_2026",
        "52": "sms",
        "53": "outbound_message",
        "54": "outbound_message",
        "55": "whatsapp",
        "56": "crm_paid_social",  # its conversation was deleted
        "57": "sms",
    }
    agents = {cid: leads[cid].first_touch_agent for cid in map(str, range(50, 58))}
    assert agents == {
        "50": LEA,  # the conversation, not the later call (Sam)
        "51": "unassigned",  # an auto-reply never handles
        "52": SAM,
        "53": MARC,
        "54": LEA,
        "55": LEA,  # an unlisted telephony user with Léa's e-mail
        "56": "unassigned",
        "57": SAM,
    }
    speed = {cid: response_seconds(leads[cid]) for cid in map(str, range(50, 58))}
    assert speed == {"50": 300, "51": None, "52": 301, "53": None, "54": None, "55": 120,
                     "56": None, "57": 360}  # fmt: skip
    by_date = {r["date"]: r for r in rows(warehouse, "kpi_leads_daily")}
    first = by_date[date(2026, 10, 1)]
    assert (first["channel_group"], first["leads_responded_within_5m"]) == ("messaging", 1)
    assert (first["leads_with_opportunity"], first["leads_won"]) == (1, 1)
    assert by_date[date(2026, 10, 5)]["leads_responded_within_5m"] == 0
    assert by_date[date(2026, 10, 6)]["channel_group"] == "outbound"


def test_conversations_earn_agent_credit(warehouse: Warehouse) -> None:
    table = rows(warehouse, "kpi_agent_credit_daily")
    # D50 won on 2026-10-10: WhatsApp, Marc owns it, Léa's conversation is the first touch,
    # Sam's call (later, before the close) the last; both assist
    won = {(r["credit_role"], r["agent_id"]): r for r in table if r["date"] == date(2026, 10, 10)}
    assert set(won) == {("owner", MARC), ("first_touch", LEA), ("last_touch", SAM),
                        ("assist", LEA), ("assist", SAM)}  # fmt: skip
    assert all(r["channel"] == "whatsapp" for r in won.values())
    assert won[("assist", LEA)]["credited_revenue_won"] == pytest.approx(250.0)
    # D53 (open, created 2026-10-06) came through an outbound message handled by Marc
    opened = {(r["credit_role"], r["agent_id"]) for r in table if r["date"] == date(2026, 10, 6)}
    assert opened == {("owner", LEA), ("first_touch", MARC), ("last_touch", MARC),
                      ("assist", MARC)}  # fmt: skip


def test_a_messaging_customer_is_acquired_by_whatsapp(warehouse: Warehouse) -> None:
    customers = {r["customer_key"]: r for r in rows(warehouse, "kpi_customers")}
    c50 = customers[customer_key("50", fixture.KEY)]
    assert (c50["acquisition_channel_group"], c50["acquisition_channel"]) == (
        "messaging",
        "whatsapp",
    )
    assert (c50["acquisition_agent_id"], c50["owner_agent_id"], c50["revenue"]) == (
        LEA,
        MARC,
        Decimal("500.00"),
    )
    retention = {(r["month"], r["channel"]): r for r in rows(warehouse, "kpi_retention_monthly")}
    assert retention[(date(2026, 10, 1), "whatsapp")]["new_customers"] == 1
    assert retention[(date(2026, 11, 1), "whatsapp")]["customers_base"] == 1


def test_calls_daily_stays_calls_only(warehouse: Warehouse) -> None:
    table = rows(warehouse, "kpi_calls_daily")
    # then no messaging line or message appears among the calls
    assert sum(r["calls"] for r in table) == len(fixture.CALLS)
    assert not {r["business_line"] for r in table} & {TWILIO_WA, TWILIO_SMS, AIRCALL}
