"""A small hand-made raw layer (exact vendor record shapes) for building the dbt project in tests.

It follows the raw-layer contract of docs/architecture.md: one table per stream with
`id, record, modified_at, is_archived, _loaded_at, _run_id, _deleted_at`, the vendor record
verbatim.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb

RAW_TABLES = {
    "raw_hubspot": ("deals", "contacts", "owners", "deal_pipelines", "goal_targets"),
    "raw_aircall": ("calls", "users", "numbers", "teams", "messages"),
    # Created empty, as connectors/warehouse.py does: the dbt sources of every source must exist.
    "raw_pipedrive": ("deals", "persons", "pipelines", "stages", "users"),
    "raw_twilio": ("conversations", "participants", "messages"),
}
LOADED_AT = dt.datetime(2026, 3, 20, 6, 0, tzinfo=dt.UTC)
RUN_ID = "fixture-run"


def epoch(text: str) -> int:
    """UNIX seconds of an ISO UTC timestamp (Aircall's time format)."""
    return int(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def owner(
    owner_id: str,
    email: str,
    first: str,
    last: str,
    user_id: int,
    team: str | None,
    archived: bool = False,
) -> dict[str, Any]:
    teams = [{"id": "3001", "name": team, "primary": True}] if team else []
    return {
        "id": owner_id,
        "email": email,
        "type": "PERSON",
        "firstName": first,
        "lastName": last,
        "userId": user_id,
        "userIdIncludingInactive": user_id,
        "createdAt": "2025-01-01T09:00:00.000Z",
        "updatedAt": "2025-06-01T09:00:00.000Z",
        "archived": archived,
        "teams": teams,
    }


def contact(
    contact_id: str,
    created: str,
    phone: str | None,
    mobile: str | None,
    source: str | None,
    owner_id: str | None,
) -> dict[str, Any]:
    return {
        "id": contact_id,
        "properties": {
            "createdate": created,
            "email": f"c{contact_id}@example.org",
            "firstname": "C",
            "lastname": contact_id,
            "hs_analytics_source": source,
            "hs_object_id": contact_id,
            "lastmodifieddate": created,
            "lifecyclestage": "lead",
            "phone": phone,
            "mobilephone": mobile,
            "hubspot_owner_id": owner_id,
        },
        "createdAt": created,
        "updatedAt": created,
        "archived": False,
    }


def deal(
    deal_id: str,
    created: str,
    stage: str,
    close: str | None,
    amount: str | None,
    owner_id: str | None,
    contacts: list[str],
    currency: str | None = "EUR",
    archived: bool = False,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": deal_id,
        "properties": {
            "amount": amount,
            "closedate": close,
            "createdate": created,
            "deal_currency_code": currency,
            "dealname": f"Deal {deal_id}",
            "dealstage": stage,
            "hs_is_closed": str(stage.startswith("closed")).lower(),
            "hs_is_closed_won": str(stage == "closedwon").lower(),
            "hs_lastmodifieddate": created,
            "hs_object_id": deal_id,
            "hubspot_owner_id": owner_id,
            "pipeline": "default",
        },
        "createdAt": created,
        "updatedAt": created,
        "archived": archived,
    }
    if contacts:
        record["associations"] = {
            "contacts": {"results": [{"id": c, "type": "deal_to_contact"} for c in contacts]}
        }
    return record


def call(
    call_id: int,
    direction: str,
    started: str,
    answered_after: int | None,
    talk: int,
    raw_digits: str,
    number: dict[str, Any],
    user: dict[str, Any] | None,
    missed_reason: str | None = None,
    voicemail: bool = False,
) -> dict[str, Any]:
    start = epoch(started)
    answered = start + answered_after if answered_after is not None else None
    ended = (answered + talk) if answered is not None else start + 30
    record: dict[str, Any] = {
        "id": call_id,
        "direct_link": f"https://api.aircall.io/v1/calls/{call_id}",
        "direction": direction,
        "status": "done",
        "missed_call_reason": missed_reason,
        "started_at": start,
        "answered_at": answered,
        "ended_at": ended,
        "duration": ended - start,
        "cost": "0.0",
        "hangup_cause": None,
        "voicemail": "https://media.example/vm.mp3" if voicemail else None,
        "recording": None,
        "asset": None,
        "raw_digits": raw_digits,
        "archived": False,
        "number": number,
        "contact": None,
        "teams": [],
        "tags": [],
        "comments": [],
    }
    if user is not None:
        record["user"] = user
    return record


PIPELINE = {
    "id": "default",
    "label": "Sales Pipeline",
    "displayOrder": 0,
    "archived": False,
    "createdAt": "2025-01-10T09:00:00Z",
    "updatedAt": "2025-03-02T11:20:00Z",
    "stages": [
        {
            "id": "qualifiedtobuy",
            "label": "Qualified",
            "displayOrder": 0,
            "metadata": {"isClosed": "false", "probability": "0.4"},
            "archived": False,
        },
        {
            "id": "closedwon",
            "label": "Closed won",
            "displayOrder": 5,
            "metadata": {"isClosed": "true", "probability": "1.0"},
            "archived": False,
        },
        {
            "id": "closedlost",
            "label": "Closed lost",
            "displayOrder": 6,
            "metadata": {"isClosed": "true", "probability": "0.0"},
            "archived": False,
        },
    ],
}

NUMBER_TOLL_FREE = {
    "id": 397375,
    "name": "Numéro vert",
    "digits": "+33 8 00 91 23 45",
    "country": "FR",
    "time_zone": "Europe/Paris",
    "is_ivr": True,
}
NUMBER_PARIS = {
    "id": 397386,
    "name": "Standard Paris",
    "digits": "+33 1 87 65 43 21",
    "country": "FR",
    "time_zone": "Europe/Paris",
    "is_ivr": True,
}
NUMBER_MOBILE = {
    "id": 397397,
    "name": "Mobile commercial",
    "digits": "+33 6 44 55 66 77",
    "country": "FR",
    "time_zone": "Europe/Paris",
    "is_ivr": False,
}
USER_LEA = {"id": 731416, "name": "Léa Dubois", "email": "lea.dubois@example.com"}
USER_MAX = {"id": 731417, "name": "Max Petit", "email": "max.petit@example.com"}


def records() -> dict[str, list[tuple[dict[str, Any], bool]]]:
    """Every raw stream as (record, is_archived) pairs."""
    owners = [
        owner("41629779", " Lea.Dubois@Example.com ", "Léa", "Dubois", 9586504, "Inside Sales FR"),
        owner("41629780", "max.petit@example.com", "Max", "Petit", 9586505, None),
        owner("41629781", "old.agent@example.com", "Old", "Agent", 9586506, None, archived=True),
    ]
    contacts = [
        # inbound toll-free first touch 2 h after creation, answered
        contact(
            "551201",
            "2026-03-02T08:00:00.000Z",
            "01 42 68 53 00",
            "+33 6 12 34 56 78",
            "PAID_SEARCH",
            "41629779",
        ),
        # first call 30 h after creation: outside the grace, CRM source
        contact(
            "551202", "2026-03-02T08:00:00.000Z", "+33756789012", None, "ORGANIC_SEARCH", "41629780"
        ),
        # first touch is an outbound call
        contact("551203", "2026-03-03T08:00:00.000Z", "06 11 22 33 44", None, None, None),
        # no interaction, no source
        contact("551204", "2026-03-04T08:00:00.000Z", None, None, None, None),
    ]
    deals = [
        deal(
            "1001",
            "2026-03-02T10:00:00.000Z",
            "closedwon",
            "2026-03-10T15:00:00Z",
            "12500",
            "41629779",
            ["551201", "551202"],
        ),
        deal(
            "1002",
            "2026-03-03T10:00:00.000Z",
            "closedlost",
            "2026-03-12T09:00:00Z",
            "980.5",
            "41629780",
            ["551203"],
        ),
        deal("1003", "2026-03-04T10:00:00.000Z", "qualifiedtobuy", None, "500", None, []),
        deal(
            "1004",
            "2026-03-05T10:00:00.000Z",
            "closedwon",
            "2026-03-29T22:30:00Z",
            "100",
            "41629780",
            ["551203"],
            currency="USD",
        ),
        deal(
            "1005",
            "2026-03-05T10:00:00.000Z",
            "closedwon",
            "2026-03-15T10:00:00Z",
            "999",
            "41629780",
            ["551203"],
            archived=True,
        ),
    ]
    goals = [
        {
            "id": "44027423340",
            "properties": {
                "hs_goal_name": "Q1 2026 revenue – Léa",
                "hs_target_amount": "30000",
                "hs_start_datetime": "2025-12-31T23:00:00Z",
                "hs_end_datetime": "2026-03-31T21:59:59.999Z",
                "hs_assignee_user_id": "9586504",
                "hs_created_by_user_id": "885536",
                "hs_createdate": "2025-12-20T10:00:00.000Z",
                "hs_lastmodifieddate": "2025-12-20T10:00:00.000Z",
                "hs_object_id": "44027423340",
            },
            "createdAt": "2025-12-20T10:00:00.000Z",
            "updatedAt": "2025-12-20T10:00:00.000Z",
            "archived": False,
        }
    ]
    calls = [
        call(
            1820036551,
            "inbound",
            "2026-03-02T10:00:00Z",
            15,
            213,
            "+33 6 12 34 56 78",
            NUMBER_TOLL_FREE,
            USER_LEA,
        ),
        call(
            1820036552,
            "inbound",
            "2026-03-03T14:00:00Z",
            None,
            0,
            "+33 7 56 78 90 12",
            NUMBER_PARIS,
            None,
            "agents_did_not_answer",
            voicemail=True,
        ),
        call(
            1820036553,
            "outbound",
            "2026-03-03T14:59:00Z",
            5,
            120,
            "+33 7 56 78 90 12",
            NUMBER_PARIS,
            USER_MAX,
        ),
        call(
            1820036554,
            "outbound",
            "2026-03-03T09:00:00Z",
            None,
            0,
            "+33 6 11 22 33 44",
            NUMBER_MOBILE,
            USER_MAX,
        ),
        call(
            1820036555,
            "inbound",
            "2026-03-03T09:30:00Z",
            20,
            300,
            "+33 6 11 22 33 44",
            NUMBER_PARIS,
            USER_LEA,
        ),
        call(
            1820036556,
            "inbound",
            "2026-03-28T23:30:00Z",
            None,
            0,
            "anonymous",
            NUMBER_PARIS,
            None,
            "out_of_opening_hours",
        ),
        call(
            1820036557,
            "inbound",
            "2026-03-29T22:30:00Z",
            None,
            0,
            "+33 6 99 88 77 66",
            NUMBER_TOLL_FREE,
            None,
            "short_abandoned",
        ),
        call(
            1820036558,
            "outbound",
            "2026-03-29T23:31:00Z",
            3,
            60,
            "+33 6 99 88 77 66",
            NUMBER_MOBILE,
            USER_LEA,
        ),
    ]
    teams = [
        {
            "id": 204848,
            "name": "Support",
            "created_at": "2025-01-09T13:09:37.000Z",
            "users": [{"id": 731417, "name": "Max Petit"}],
        },
        {
            "id": 204900,
            "name": "Sales",
            "created_at": "2025-01-09T13:09:37.000Z",
            "users": [{"id": 731416}, {"id": 731417}],
        },
    ]
    users = [
        dict(
            u,
            available=True,
            availability_status="available",
            created_at="2025-01-01T09:00:00.000Z",
        )
        for u in (USER_LEA, USER_MAX)
    ]
    return {
        "raw_hubspot.owners": [(o, o["archived"]) for o in owners],
        "raw_hubspot.contacts": [(c, False) for c in contacts],
        "raw_hubspot.deals": [(d, d["archived"]) for d in deals],
        "raw_hubspot.deal_pipelines": [(PIPELINE, False)],
        "raw_hubspot.goal_targets": [(g, False) for g in goals],
        "raw_aircall.calls": [(c, False) for c in calls],
        "raw_aircall.users": [(u, False) for u in users],
        "raw_aircall.numbers": [
            (n, False) for n in (NUMBER_TOLL_FREE, NUMBER_PARIS, NUMBER_MOBILE)
        ],
        "raw_aircall.teams": [(t, False) for t in teams],
    }


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create every raw table of the contract, empty."""
    for schema, tables in RAW_TABLES.items():
        con.execute(f"create schema if not exists {schema}")
        for table in tables:
            con.execute(
                f"create table if not exists {schema}.{table} (id varchar not null primary key,"
                " record json not null, modified_at timestamptz, is_archived boolean not null,"
                " _loaded_at timestamptz not null, _run_id varchar not null,"
                " _deleted_at timestamptz)"
            )


def load_fixture(path: Path) -> Path:
    """Write the fixture raw layer into a DuckDB file and return its path."""
    con = duckdb.connect(str(path))
    try:
        create_raw_tables(con)
        for table, rows in records().items():
            con.executemany(
                f"insert into {table} values (?, ?, ?, ?, ?, ?, null)",
                [
                    (str(r["id"]), json.dumps(r, sort_keys=True), None, archived, LOADED_AT, RUN_ID)
                    for r, archived in rows
                ],
            )
    finally:
        con.close()
    return path


if __name__ == "__main__":
    import sys

    print(load_fixture(Path(sys.argv[1])))
