"""A small hand-made raw layer exercising the attribution edge cases (see test_fixture_kpis).

Scenario (UTC times; Paris is UTC+1 in winter, UTC+2 from 2026-03-29 01:00Z to 2026-10-25 01:00Z):
- C1 two numbers in two formats; first call 2 h after creation, missed, called back at 59 min.
- C2 first call 30 h after creation (outside the grace) -> CRM original source.
- C3 first touch outbound (before creation); C4 created on the 23 h DST day, local date != UTC
  date, first call on a seed-mapped line, called back at 61 min; an anonymous missed call.
- C5 created on the 25 h DST day, answered first call (response = wait), callback at exactly 24 h.
- C6 + C7 share deal D3 (USD, converted); C7 created first in the association list but later.
- D2 makes C1 a repeat customer; D4 unowned and lost; D5 archived; D6 has no contact; D7 open.
- Owner 101 and Aircall user 501 are one agent (e-mails differ in case and spaces).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from .settings import ChannelOverride, Settings

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
KEY = "fixture-key"


def settings() -> Settings:
    return Settings(
        now=NOW,
        pii_hash_key=KEY,
        channel_mapping={
            "+33970123456": ChannelOverride("campaign_radio_2026", "Radio campaign 2026")
        },
        currency_rates={"USD": Decimal("0.92"), "GBP": Decimal("1.17")},
    )


def epoch(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def contact(cid: str, created: str, props: dict[str, Any]) -> dict[str, Any]:
    base = {"createdate": f"{created}.000Z", "hs_object_id": cid}
    return {"id": cid, "properties": base | props, "archived": False}


def deal(did: str, created: str, closed: str | None, contacts: list[str], **props: Any) -> dict:
    properties = {"createdate": f"{created}.000Z", "hs_object_id": did, "pipeline": "default"}
    properties |= {"closedate": f"{closed}Z" if closed else None} | props
    associations = {
        "contacts": {"results": [{"id": c, "type": "deal_to_contact"} for c in contacts]}
    }
    record = {"id": did, "properties": properties, "archived": False}
    return record | ({"associations": associations} if contacts else {})


def call(cid: int, direction: str, number: int, digits: str, start: str, **extra: Any) -> dict:
    started = epoch(start)
    answer = extra.pop("answer", None)
    user = extra.pop("user", None)
    record = {
        "id": cid,
        "direction": direction,
        "status": "done",
        "started_at": started,
        "answered_at": started + answer if answer is not None else None,
        "ended_at": started + extra.pop("length", 30),
        "raw_digits": digits,
        "number": {"id": number, "digits": NUMBERS[number]},
        "missed_call_reason": extra.pop("reason", None),
        "voicemail": extra.pop("voicemail", None),
        "archived": extra.pop("archived", False),
    }
    return record | ({"user": USERS_BY_ID[user]} if user else {})


NUMBERS = {1: "+33 800 12 34 56", 2: "+33 1 87 65 43 21", 3: "+33 9 70 12 34 56"}
USERS = [
    {"id": 501, "name": "Lea D.", "email": "lea.dubois@example.com"},
    {"id": 502, "name": "Sam Support", "email": "sam@example.com"},
    {"id": 503, "name": "Nomail", "email": None},
]
USERS_BY_ID = {u["id"]: u for u in USERS}

OWNERS = [
    {"id": "101", "email": " Lea.Dubois@Example.com ", "firstName": "Léa", "lastName": "Dubois",
     "userId": 9001, "archived": False,
     "teams": [{"id": "1", "name": "Inside Sales", "primary": True}]},
    {"id": "102", "email": "marc@example.com", "firstName": "Marc", "lastName": "Petit",
     "userId": 9002, "archived": False, "teams": [{"id": "2", "name": "Field", "primary": False}]},
    {"id": "103", "email": "old@example.com", "firstName": "Old", "lastName": "Timer",
     "userId": 9003, "archived": True, "teams": []},
]  # fmt: skip
TEAMS = [
    {"id": 20, "name": "Support", "users": [{"id": 502}]},
    {"id": 10, "name": "Night", "users": [{"id": 502}, {"id": 503}]},
]


def _stage(sid: str, closed: bool, probability: str) -> dict[str, Any]:
    return {"id": sid, "metadata": {"isClosed": str(closed).lower(), "probability": probability}}


PIPELINES = [
    {"id": "default", "label": "Sales Pipeline", "stages": [
        _stage("appointmentscheduled", False, "0.2"), _stage("closedwon", True, "1.0"),
        _stage("closedlost", True, "0.0")]},
    {"id": "777", "label": "Renewals", "stages": [
        _stage("1", False, "0.5"), _stage("2", True, "1.0"), _stage("3", True, "0.0")]},
]  # fmt: skip

CONTACTS = [
    contact("1", "2026-03-02T10:00:00", {"phone": "06 11 11 11 11",
            "mobilephone": "+33 7 56 78 90 12", "hs_analytics_source": "PAID_SEARCH",
            "hubspot_owner_id": "101"}),
    contact("2", "2026-03-10T08:00:00", {"phone": "+33 6 33 33 33 33",
            "hs_analytics_source": "ORGANIC_SEARCH", "hubspot_owner_id": "102"}),
    contact("3", "2026-04-01T07:00:00", {"mobilephone": "07 44 44 44 44", "phone": ""}),
    contact("4", "2026-03-29T22:10:00", {"phone": "+33 6 55 55 55 55",
            "hs_analytics_source": "REFERRALS", "hubspot_owner_id": "101"}),
    contact("5", "2026-10-25T09:00:00", {"phone": "0142685300", "hs_analytics_source": "OFFLINE",
            "hubspot_owner_id": "101"}),
    contact("6", "2026-05-01T08:00:00", {"phone": "+33 6 66 66 66 66",
            "hs_analytics_source": "DIRECT_TRAFFIC", "hubspot_owner_id": "102"}),
    contact("7", "2026-05-02T08:00:00", {"phone": "+33 6 77 77 77 77"}),
]  # fmt: skip

WON, LOST, OPEN = "closedwon", "closedlost", "appointmentscheduled"
DEALS = [
    deal("11", "2026-03-03T09:00:00", "2026-03-28T23:30:00", ["1"], dealstage=WON,
         hubspot_owner_id="101", amount="999", deal_currency_code="GBP",
         amount_in_home_currency="1200"),
    deal("12", "2026-04-10T10:00:00", "2026-05-15T10:00:00", ["1"], pipeline="777",
         dealstage="2", hubspot_owner_id="101", amount="500", deal_currency_code=None),
    deal("13", "2026-05-04T10:00:00", "2026-06-01T08:00:00", ["7", "6"], dealstage=WON,
         hubspot_owner_id="101", amount="1000", deal_currency_code="USD"),
    deal("14", "2026-03-12T10:00:00", "2026-03-20T10:00:00", ["2"], dealstage=LOST,
         hubspot_owner_id=None, amount="300"),
    deal("15", "2026-03-30T10:00:00", "2026-04-02T10:00:00", ["4"], dealstage=WON,
         hubspot_owner_id="101", amount="10000"),  # archived below
    deal("16", "2026-06-05T10:00:00", "2026-06-06T10:00:00", [], dealstage=WON,
         hubspot_owner_id="102", amount="250", deal_currency_code="EUR"),
    deal("17", "2026-04-02T10:00:00", None, ["3"], dealstage=OPEN, hubspot_owner_id="102",
         amount="800"),
    deal("18", "2026-10-25T10:00:00", "2026-10-26T10:00:00", ["5"], dealstage=WON,
         hubspot_owner_id="101", amount="2000", deal_currency_code="EUR"),
]  # fmt: skip
ARCHIVED_DEALS = {"15"}

GOALS = [
    {"id": "g1", "properties": {"hs_target_amount": "3000", "hubspot_owner_id": "101",
     "hs_start_datetime": "2026-02-28T23:00:00Z", "hs_end_datetime": "2026-05-31T21:59:59.999Z"}},
    {"id": "g2", "properties": {"hs_target_amount": "500", "hubspot_owner_id": "102",
     "hs_start_datetime": "2026-06-01T00:00:00Z", "hs_end_datetime": "2026-06-30T23:59:59.999Z"}},
]  # fmt: skip

C1, C1B, C4, C5 = "+33 7 56 78 90 12", "+33 6 11 11 11 11", "+33 6 55 55 55 55", "+33 1 42 68 53 00"
CALLS = [
    call(1, "inbound", 1, C1, "2026-03-02T12:00:00", reason="agents_did_not_answer",
         voicemail="https://vm.example/1"),
    call(2, "outbound", 2, C1, "2026-03-02T12:59:00", user=501, answer=20, length=380),
    call(3, "inbound", 2, C1B, "2026-03-05T09:00:00", user=502, answer=40, length=640),
    call(4, "inbound", 2, "+33 6 33 33 33 33", "2026-03-11T14:00:00", user=502, answer=10,
         length=130),
    call(5, "outbound", 2, "+33 7 44 44 44 44", "2026-04-01T06:30:00", user=501),
    call(6, "inbound", 1, "+33744444444", "2026-04-01T09:00:00", user=502, answer=5, length=65),
    call(7, "inbound", 3, C4, "2026-03-29T22:20:00", reason="out_of_opening_hours"),
    call(8, "outbound", 3, C4, "2026-03-29T23:21:00", user=503, answer=30, length=630),
    call(9, "inbound", 1, "anonymous", "2026-03-29T22:30:00", reason="no_available_agent"),
    call(10, "inbound", 2, C5, "2026-10-25T08:00:00", user=501, answer=45, length=345),
    call(11, "outbound", 2, C5, "2026-10-25T22:30:00", user=502, archived=True),
    call(12, "inbound", 2, C5, "2026-10-25T23:10:00", reason="agents_did_not_answer"),
    call(13, "inbound", 2, C5, "2026-10-26T23:10:00", user=501, answer=5, length=125),
    call(14, "inbound", 1, "+33 6 66 66 66 66", "2026-05-01T09:00:00", user=501, answer=20,
         length=620),
    call(15, "inbound", 2, "+33 6 77 77 77 77", "2026-05-03T09:00:00", user=502, answer=10,
         length=310),
    call(16, "outbound", 2, "+33 6 77 77 77 77", "2026-05-20T09:00:00", user=503, answer=30,
         length=210),
    call(17, "outbound", 2, "+33 6 66 66 66 66", "2026-06-10T09:00:00", user=502, answer=10,
         length=70),
]  # fmt: skip


def _records() -> dict[str, list[tuple[dict[str, Any], bool]]]:
    return {
        "raw_hubspot.deals": [(d, d["id"] in ARCHIVED_DEALS) for d in DEALS],
        "raw_hubspot.contacts": [(c, False) for c in CONTACTS],
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
            "_loaded_at timestamptz not null, _run_id varchar not null)"
        )
        con.executemany(
            f"insert into {table} values (?, ?, null, ?, now(), 'fixture')",
            [(str(r["id"]), json.dumps(r, sort_keys=True), a) for r, a in rows],
        )
    con.close()
