"""Conversations stay equal to a full refresh when late messages re-cut them or a thread is deleted.

Conversations are re-processed on every run and fct_interactions drops those that no longer
exist (its post-hook), so an incremental run must give exactly what a full refresh gives.
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
from dbt_harness import DbtWarehouse, run_dbt
from raw_fixture import NUMBER_MOBILE, USER_LEA

FIRST_LOAD = dt.datetime(2026, 3, 20, 7, 0, tzinfo=dt.UTC)
LATE_LOAD = dt.datetime(2026, 3, 21, 6, 0, tzinfo=dt.UTC)
CUSTOMER = "06 11 22 33 44"  # contact 551203's number in the raw fixture
COMPARED = {
    "marts.fct_conversations": "conversation_id",
    "marts.fct_interactions": "interaction_id",
    "marts.kpi_conversations_daily": "date, business_line, channel, agent_id, direction",
    "marts.kpi_leads_daily": "date, channel, agent_id",
}


def aircall_message(message_id: str, direction: str, at: str, user: dict | None) -> dict:
    """A landed Aircall webhook event (the envelope without its token)."""
    return {
        "resource": "message",
        "event": "message.received" if direction == "inbound" else "message.sent",
        "timestamp": int(dt.datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp()),
        "data": {
            "id": message_id,
            "direction": direction,
            "status": "received" if direction == "inbound" else "sent",
            "channel": "whatsapp",
            "body": "…",
            "created_at": at,
            "external_number": CUSTOMER,
            "origin": "native",
            "number": NUMBER_MOBILE,
            "user": user,
        },
    }


def insert(con: duckdb.DuckDBPyConnection, table: str, key: str, record: dict, at: dt.datetime):
    con.execute(
        f"insert into {table} (id, record, modified_at, is_archived, _loaded_at, _run_id)"
        " values (?, ?, null, false, ?, 'messaging-run')",
        [key, json.dumps(record, sort_keys=True), at],
    )


def land_first_messages(path: str) -> None:
    """Two Aircall conversations (a gap of 24 h + 57 min) and one Twilio SMS thread."""
    with duckdb.connect(path) as con:
        for message in (
            aircall_message("m1", "inbound", "2026-03-10T09:00:00Z", None),
            aircall_message("m2", "outbound", "2026-03-10T09:03:00Z", USER_LEA),
            aircall_message("m3", "inbound", "2026-03-11T10:00:00Z", None),
        ):
            insert(con, "raw_aircall.messages", message["data"]["id"], message, FIRST_LOAD)
        conversation = {"sid": "CH1", "chat_service_sid": "IS1", "state": "active",
                        "date_created": "2026-03-12T08:00:00Z",
                        "date_updated": "2026-03-12T08:01:00Z"}  # fmt: skip
        customer = {"sid": "MB1", "conversation_sid": "CH1", "identity": None,
                    "date_created": "2026-03-12T08:00:00Z",
                    "messaging_binding": {"type": "sms", "address": "+33699887766",
                                          "proxy_address": "+33644556677"}}  # fmt: skip
        message = {"sid": "IM1", "conversation_sid": "CH1", "index": 0, "author": "+33699887766",
                   "participant_sid": "MB1", "date_created": "2026-03-12T08:00:00Z"}  # fmt: skip
        insert(con, "raw_twilio.conversations", "CH1", conversation, FIRST_LOAD)
        insert(con, "raw_twilio.participants", "MB1", customer, FIRST_LOAD)
        insert(con, "raw_twilio.messages", "IM1", message, FIRST_LOAD)


def land_late_changes(path: str) -> None:
    """A late message 23 h 57 min after m2 and 1 h before m3 joins the two; CH1 is deleted."""
    with duckdb.connect(path) as con:
        late = aircall_message("m_late", "inbound", "2026-03-11T09:00:00Z", None)
        insert(con, "raw_aircall.messages", "m_late", late, LATE_LOAD)
        con.execute(
            "update raw_twilio.conversations set _deleted_at = ?, _loaded_at = ? where id = 'CH1'",
            [LATE_LOAD, LATE_LOAD],
        )


def snapshot(path: str) -> dict[str, list[tuple]]:
    with duckdb.connect(path, read_only=True) as con:
        return {
            table: con.execute(
                f"select * exclude (loaded_at, processed_at) from {table} order by {order}"
                if table == "marts.fct_interactions"
                else f"select * exclude (loaded_at) from {table} order by {order}"
                if table == "marts.fct_conversations"
                else f"select * from {table} order by {order}"
            ).fetchall()
            for table, order in COMPARED.items()
        }


def conversation_ids(path: str) -> list[str]:
    with duckdb.connect(path, read_only=True) as con:
        rows = con.execute(
            "select source_id from marts.fct_interactions where interaction_type = 'message'"
            " order by source_id"
        ).fetchall()
    return [row[0] for row in rows]


def test_recut_and_deleted_conversations_equal_a_full_refresh(warehouse_copy: DbtWarehouse):
    # given a warehouse with two Aircall conversations and a Twilio one, built incrementally
    path = str(warehouse_copy.path)
    land_first_messages(path)
    run_dbt(warehouse_copy.path, warehouse_copy.scratch, "run")
    assert conversation_ids(path) == ["CH1", "aircall:m1", "aircall:m3"]
    # when a late message joins the Aircall two and the Twilio one is deleted
    land_late_changes(path)
    run_dbt(warehouse_copy.path, warehouse_copy.scratch, "run")
    incremental = snapshot(path)
    # then one conversation is left, and everything equals a full refresh of the same raw layer
    assert conversation_ids(path) == ["aircall:m1"]
    run_dbt(warehouse_copy.path, warehouse_copy.scratch, "run", "--full-refresh")
    assert incremental == snapshot(path)
    assert len(incremental["marts.fct_conversations"]) == 1
