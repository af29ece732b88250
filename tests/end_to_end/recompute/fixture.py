"""The hand-made raw fixture: its settings and a raw layer with the architecture.md columns.

`fixture_data` holds the CRM and call edge cases, `fixture_messaging` the messaging ones (with
the contacts, deals and calls they need); the raw rows are what the connectors land.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from connectors.aircall.messages import MESSAGE_SHAPE
from connectors.streams import RecordShape
from connectors.twilio.streams import TWILIO_SHAPE
from connectors.warehouse import create_raw_schema

from . import fixture_data, fixture_messaging
from .fixture_builders import NUMBERS, USERS, twilio_sid
from .fixture_data import (
    ARCHIVED_CONTACTS,
    ARCHIVED_DEALS,
    GOALS,
    GONE,
    GONE_CONTACTS,
    GONE_DEALS,
    OWNERS,
    PIPELINES,
    TEAMS,
)
from .settings import ChannelOverride, Settings

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
KEY = "fixture-key"
CONTACTS = fixture_data.CONTACTS + fixture_messaging.CONTACTS
DEALS = fixture_data.DEALS + fixture_messaging.DEALS
CALLS = fixture_data.CALLS + fixture_messaging.CALLS


def settings() -> Settings:
    return Settings(
        now=NOW,
        pii_hash_key=KEY,
        channel_mapping={
            "+33970123456": ChannelOverride("campaign_radio_2026", "Radio campaign 2026"),
            fixture_messaging.TWILIO_SMS_MAPPED: ChannelOverride(
                "sms_promo_2026", "SMS promo 2026"
            ),
        },
        currency_rates={"USD": Decimal("0.92"), "GBP": Decimal("1.17")},
    )


def _records() -> dict[str, list[tuple[dict[str, Any], bool]]]:
    return {
        "raw_hubspot.deals": [(d, d["id"] in ARCHIVED_DEALS) for d in DEALS],
        "raw_hubspot.contacts": [
            (c | {"archived": True}, True) if c["id"] in ARCHIVED_CONTACTS else (c, False)
            for c in CONTACTS
        ],
        "raw_hubspot.owners": [(o, o["archived"]) for o in OWNERS],
        "raw_hubspot.deal_pipelines": [(p, False) for p in PIPELINES],
        "raw_hubspot.goal_targets": [(g, False) for g in GOALS],
        "raw_aircall.calls": [(c, False) for c in CALLS],
        "raw_aircall.users": [(u, False) for u in USERS],
        "raw_aircall.numbers": [({"id": i, "digits": d}, False) for i, d in NUMBERS.items()],
        "raw_aircall.teams": [(t, False) for t in TEAMS],
    }


def write_fixture(path: Path) -> None:
    """Write the scenario as a raw layer with exactly the architecture.md columns."""
    con = duckdb.connect(str(path))
    for schema in ("raw_hubspot", "raw_aircall"):
        con.execute(f"create schema if not exists {schema}")
    for table, rows in _records().items():
        con.execute(
            f"create table {table} (id varchar not null primary key, record json not null, "
            "modified_at timestamptz, is_archived boolean not null, "
            "_loaded_at timestamptz not null, _run_id varchar not null, _deleted_at timestamptz)"
        )
        gone = (
            GONE_CONTACTS
            if table.endswith("contacts")
            else GONE_DEALS
            if table.endswith("deals")
            else set()
        )
        for record, archived in rows:
            con.execute(
                f"insert into {table} values (?, ?, null, ?, now(), 'fixture', ?)",
                (
                    str(record["id"]),
                    json.dumps(record, sort_keys=True),
                    archived,
                    GONE if str(record["id"]) in gone else None,
                ),
            )
    # Every other source's raw tables exist, empty, as connectors/warehouse.py creates them.
    create_raw_schema(con)
    _write_messaging(con)
    con.close()


def _messaging_rows() -> dict[str, tuple[RecordShape, list[dict[str, Any]]]]:
    return {
        "raw_twilio.conversations": (TWILIO_SHAPE, fixture_messaging.TWILIO_CONVERSATIONS),
        "raw_twilio.participants": (TWILIO_SHAPE, fixture_messaging.TWILIO_PARTICIPANTS),
        "raw_twilio.messages": (TWILIO_SHAPE, fixture_messaging.TWILIO_MESSAGES),
        "raw_aircall.messages": (MESSAGE_SHAPE, fixture_messaging.AIRCALL_MESSAGES),
    }


def _write_messaging(con: duckdb.DuckDBPyConnection) -> None:
    """Messaging rows as the connectors land them: key and modified time from the stream's
    record shape; a conversation the scan found gone carries `_deleted_at`, its children not."""
    gone = {twilio_sid("CH", name) for name in fixture_messaging.DELETED_CONVERSATIONS}
    for table, (shape, records) in _messaging_rows().items():
        for record in records:
            key = shape.key(record)
            deleted = GONE if table == "raw_twilio.conversations" and key in gone else None
            con.execute(
                f"insert into {table} values (?, ?, ?, false, now(), 'fixture', ?)",
                (key, json.dumps(record, sort_keys=True), shape.modified_at(record), deleted),
            )
