"""Forgetting a messaging customer rebuilds the same conversations and message counts, linked to
no number: the erased person's token keeps their messages together and matches no lead."""

from __future__ import annotations

from pathlib import Path

import duckdb
from dbt_harness import run_dbt
from raw_fixture import load_fixture

from connectors.erasure import ErasureConfig
from connectors.forget import Subject, forget
from tests.connectors.messaging_testkit import AIRCALL_EVENTS, VICTIM, deliver, sync_messaging

CONFIG = ErasureConfig(b"test-erasure-key", "FR")
SELECTED = ("--select", "+kpi_conversations_daily")
# loaded_at moves (forget rewrites the rows) and the number goes: everything else must stay.
CONVERSATIONS = (
    "select * exclude (customer_number_e164, loaded_at) from marts.fct_conversations order by all"
)


def snapshot(path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            "conversations": con.execute(CONVERSATIONS).fetchall(),
            "daily": con.execute(
                "select * from marts.kpi_conversations_daily order by all"
            ).fetchall(),
            "numbers": con.execute(
                "select distinct customer_number_e164 from marts.fct_conversations"
            ).fetchall(),
        }


def test_conversation_kpis_are_unchanged_by_forgetting_a_messaging_customer(
    tmp_path: Path,
) -> None:
    # given the raw fixture plus Twilio threads and Aircall messages of one customer (a lead's
    # mobile, written three ways at Aircall) and of someone else, built up to the daily KPIs
    path = load_fixture(tmp_path / "warehouse.duckdb")
    webhooks = tmp_path / "landing" / "webhooks"
    deliver(webhooks, list(AIRCALL_EVENTS))
    sync_messaging(path, webhooks, "run-1", erasure=None)
    run_dbt(path, tmp_path, "seed")
    run_dbt(path, tmp_path, "run", *SELECTED)
    before = snapshot(path)
    assert (VICTIM,) in before["numbers"] and len(before["conversations"]) == 6
    # when the customer is forgotten and the models are rebuilt from scratch
    forget(path, CONFIG, Subject(phones=(VICTIM,)))
    run_dbt(path, tmp_path, "run", "--full-refresh", *SELECTED)
    # then the same conversations, channels, directions, replies and message counts, per day
    after = snapshot(path)
    assert after["conversations"] == before["conversations"]
    assert after["daily"] == before["daily"]
    # and no conversation carries the number any more
    assert (VICTIM,) not in after["numbers"]
