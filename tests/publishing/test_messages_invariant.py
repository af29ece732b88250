"""The audit checks kpi_conversations_daily's messages against the messaging sources' raw rows."""

from __future__ import annotations

import duckdb
import pytest

from connectors.registry import raw_total_queries, source_named
from publishing.invariants import invariant_failures, raw_total_invariants

MESSAGING = (source_named("twilio"), source_named("aircall_messages"))


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    """Two Twilio messages (one in a deleted conversation), one Aircall message, and the mart."""
    con = duckdb.connect()
    con.execute("create schema raw_twilio; create schema raw_aircall; create schema marts")
    for table in ("raw_twilio.conversations", "raw_twilio.messages", "raw_aircall.messages"):
        con.execute(f"create table {table} (id varchar, record json, _deleted_at timestamptz)")
    con.execute(
        "insert into raw_twilio.conversations values ('CH1', '{}', null), ('CH2', '{}', now())"
    )
    con.execute(
        "insert into raw_twilio.messages values"
        """ ('IM1', '{"conversation_sid": "CH1"}', null),"""
        """ ('IM2', '{"conversation_sid": "CH2"}', null)"""
    )
    con.execute(
        """insert into raw_aircall.messages values ('m1', '{"data": {"id": "m1"}}', null)"""
    )
    con.execute(
        "create table marts.kpi_conversations_daily (messages_in bigint, messages_out bigint)"
    )
    return con


def test_messages_match_the_raw_messages_of_live_conversations(con) -> None:
    # given the mart counts the live Twilio message and the Aircall one
    con.execute("insert into marts.kpi_conversations_daily values (1, 1)")
    # when the invariants of the two messaging sources run
    failures = invariant_failures(con, raw_total_invariants(raw_total_queries(MESSAGING)))
    # then they hold: the deleted conversation's message is not expected
    assert failures == []


def test_a_lost_message_fails_the_audit(con) -> None:
    # given the mart lost one message
    con.execute("insert into marts.kpi_conversations_daily values (1, 0)")
    # when the invariants run
    failures = invariant_failures(con, raw_total_invariants(raw_total_queries(MESSAGING)))
    # then the publication is blocked by name
    assert [failure.check for failure in failures] == ["messages_match_raw_messages"]
