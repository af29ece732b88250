"""A Pipedrive + Aircall deployment (HubSpot's raw tables empty) builds and reads Pipedrive right.

The records are Pipedrive's own shapes (source_apis.md §2.3-2.6, v2 deals and persons, v1
users); each assertion is one row of kpis.md "Per-CRM readings".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from dbt_harness import PII_HASH_KEY, run_dbt
from raw_fixture import LOADED_AT, NUMBER_PARIS, USER_LEA, call, load_fixture

LEA_AGENT_ID = hashlib.md5(b"lea.dubois@example.com").hexdigest()[:12]
JEANNE_NUMBER = "+33 6 70 00 11 22"


def deal(deal_id: int, person_id: int | None, status: str, value: float, currency: str,
         added: str, **fields: Any) -> dict[str, Any]:  # fmt: skip
    record = {
        "id": deal_id, "title": f"Deal {deal_id}", "owner_id": 9001, "person_id": person_id,
        "org_id": None, "pipeline_id": 1, "stage_id": 5, "value": value, "currency": currency,
        "add_time": added, "update_time": added, "is_deleted": False, "is_archived": False,
        "status": status, "won_time": None, "lost_time": None, "close_time": None,
        "origin": "ManuallyCreated", "custom_fields": {},
    }  # fmt: skip
    return record | fields


def person(person_id: int, added: str, phones: list[str], **fields: Any) -> dict[str, Any]:
    record = {
        "id": person_id,
        "name": f"Person {person_id}",
        "owner_id": 9001,
        "add_time": added,
        "update_time": added,
        "is_deleted": False,
        "emails": [{"value": f"p{person_id}@acme.fr", "primary": True, "label": "work"}],
        "phones": [{"value": v, "primary": n == 0, "label": "work"} for n, v in enumerate(phones)],
        "custom_fields": {},
    }
    return record | fields


DEALS = [
    deal(1042, 311, "won", 12500, "EUR", "2026-03-02T09:00:00Z",
         won_time="2026-03-10T14:00:00Z", close_time="2026-03-11T00:00:00Z"),
    # lost without lost_time: closes at close_time; the person's earliest live deal (WebForms)
    deal(1043, 312, "lost", 1000, "USD", "2026-03-03T09:00:00Z",
         close_time="2026-03-12T10:00:00Z", origin="WebForms"),
    deal(1044, 312, "open", 500, "", "2026-03-04T09:00:00Z", origin="API"),
    deal(1047, 312, "won", 100, "USD", "2026-03-05T09:00:00Z", won_time="2026-03-15T10:00:00Z"),
    # deleted three ways: excluded everywhere, and no origin either (it is the earliest)
    deal(1045, 312, "deleted", 900, "EUR", "2026-03-01T09:00:00Z", is_deleted=True),
    deal(1046, 311, "won", 800, "EUR", "2026-03-01T09:00:00Z", is_archived=True,
         won_time="2026-03-05T10:00:00Z"),
    deal(1048, None, "won", 700, "EUR", "2026-03-01T09:00:00Z", won_time="2026-03-05T10:00:00Z"),
]  # fmt: skip
DELETED_BY_STATUS = {"1048"}  # the connector's raw flag alone (it maps is_deleted there)
PERSONS = [
    person(311, "2026-03-02T08:00:00Z", [JEANNE_NUMBER, "not a number"]),
    person(312, "2026-03-03T08:00:00Z", []),
    person(313, "2026-03-03T08:00:00Z", ["+33 6 70 00 33 44"], is_deleted=True),
]
USERS = [
    {"id": 9001, "name": "Léa D.", "email": " Lea.Dubois@Example.com ", "active_flag": True},
    {"id": 9002, "name": "Max Petit", "email": "max.petit@example.com", "active_flag": False},
]
PIPELINES = [{"id": 1, "name": "Ventes France", "order_nr": 1, "is_deleted": False}]
STAGES = [{"id": 5, "name": "Négociation", "pipeline_id": 1, "deal_probability": 60,
           "order_nr": 3, "is_deleted": False}]  # fmt: skip


def _insert(con: duckdb.DuckDBPyConnection, table: str, records: list[dict[str, Any]],
            archived: set[str] = frozenset()) -> None:  # fmt: skip
    con.executemany(
        f"insert into {table} values (?, ?, null, ?, ?, 'pipedrive-run', null)",
        [
            (str(r["id"]), json.dumps(r, sort_keys=True), str(r["id"]) in archived, LOADED_AT)
            for r in records
        ],
    )


@pytest.fixture(scope="module")
def pipedrive_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture's Aircall raw tables, HubSpot's emptied, Pipedrive's filled; dbt build."""
    scratch = tmp_path_factory.mktemp("pipedrive")
    path = load_fixture(scratch / "warehouse.duckdb")
    first_touch = call(1_950_000_001, "inbound", "2026-03-02T08:30:00Z", 10, 120,
                       JEANNE_NUMBER, NUMBER_PARIS, USER_LEA)  # fmt: skip
    with duckdb.connect(str(path)) as con:
        for table in ("deals", "contacts", "owners", "deal_pipelines", "goal_targets"):
            con.execute(f"delete from raw_hubspot.{table}")
        _insert(con, "raw_aircall.calls", [first_touch])
        _insert(con, "raw_pipedrive.deals", DEALS, archived=DELETED_BY_STATUS)
        _insert(con, "raw_pipedrive.persons", PERSONS)
        _insert(con, "raw_pipedrive.users", USERS)
        _insert(con, "raw_pipedrive.pipelines", PIPELINES)
        _insert(con, "raw_pipedrive.stages", STAGES)
    # every model, data test and unit test, as in production
    run_dbt(path, scratch, "build")
    return path


def _rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_sales_count_live_deals_won_and_lost_by_status_in_the_pipeline_name(
    pipedrive_warehouse: Path,
) -> None:
    # when the sales export is read (deleted, status=deleted and archived deals excluded)
    totals = _rows(
        pipedrive_warehouse,
        "select sum(opportunities_created), sum(opportunities_won), sum(opportunities_lost),"
        " sum(revenue_won), list(distinct pipeline) from marts.kpi_sales_daily",
    )[0]
    # then 4 live deals, 2 won (12500 EUR + 100 USD at the seed's rate), 1 lost
    rate = _rows(pipedrive_warehouse, "select rate_to_reporting from staging.currency_rates"
                 " where currency_code = 'USD'")[0][0]  # fmt: skip
    assert totals[:3] == (4, 2, 1)
    assert totals[3] == pytest.approx(12500 + round(100 * float(rate), 2))
    assert totals[4] == ["Ventes France"]


def test_close_time_is_won_time_else_close_time(pipedrive_warehouse: Path) -> None:
    closes = _rows(
        pipedrive_warehouse,
        "select deal_id, closed_date from marts.fct_opportunities where is_closed order by 1",
    )
    assert closes == [
        ("pipedrive:1042", dt.date(2026, 3, 10)),
        ("pipedrive:1043", dt.date(2026, 3, 12)),
        ("pipedrive:1047", dt.date(2026, 3, 15)),
    ]


def test_customer_keys_are_the_prefixed_person_ids_and_channels_follow_the_readings(
    pipedrive_warehouse: Path,
) -> None:
    customers = _rows(
        pipedrive_warehouse,
        "select customer_key, acquisition_channel, acquisition_agent_id, owner_agent_id, orders"
        " from marts.kpi_customers order by acquisition_channel",
    )

    def key(person_id: int) -> str:
        message = f"pipedrive:{person_id}".encode()
        return hmac.new(PII_HASH_KEY.encode(), message, hashlib.sha256).hexdigest()

    # 311: first touch is the call on the Paris line answered by Léa (the owner by e-mail);
    # 312: no interaction, so the origin of its earliest live deal (WebForms)
    assert customers == [
        (key(312), "crm_webforms", "unassigned", LEA_AGENT_ID, 1),
        (key(311), "phone_geographic", LEA_AGENT_ID, LEA_AGENT_ID, 1),
    ]


def test_deleted_persons_are_no_leads_and_owners_merge_with_telephony_users(
    pipedrive_warehouse: Path,
) -> None:
    leads = _rows(pipedrive_warehouse, "select sum(leads_created) from marts.kpi_leads_daily")
    agent = _rows(
        pipedrive_warehouse,
        f"select agent_name, crm_owner_ids, telephony_user_ids from marts.dim_agents"
        f" where agent_id = '{LEA_AGENT_ID}'",
    )
    assert leads == [(2,)]
    # the CRM owner's name wins; one agent for the Pipedrive user and the Aircall user
    assert agent == [("Léa D.", ["pipedrive:9001"], [str(USER_LEA["id"])])]
