"""Contacts deleted or merged in the CRM stop being leads on the next run; restored ones return.

kpis.md: a deleted contact "stops being a lead from the next run on, even though it was loaded
as live before. Its calls still count as calls; a merged-away contact's phones, deals and
interactions belong to the contact it was merged into". Each step changes the raw layer the way
the connectors land a delete, then runs the ordinary (incremental) `dbt build`.
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
from dbt_harness import DbtWarehouse, run_dbt

NEXT_LOAD = dt.datetime(2026, 3, 21, 6, 0, tzinfo=dt.UTC)


def set_contact(path: str, contact_id: str, archived: bool, merged_ids: str | None = None) -> None:
    """Re-land a contact archived or not, optionally listing the contacts merged into it."""
    patch = {"archived": archived}
    with duckdb.connect(path) as con:
        con.execute(
            "update raw_hubspot.contacts set is_archived = ?, _loaded_at = ?,"
            " record = json_merge_patch(record, ?) where id = ?",
            [archived, NEXT_LOAD, json.dumps(patch), contact_id],
        )
        if merged_ids is not None:
            con.execute(
                "update raw_hubspot.contacts set record = json_merge_patch(record, ?) where id = ?",
                [json.dumps({"properties": {"hs_merged_object_ids": merged_ids}}), contact_id],
            )


def mark_deal_gone(path: str, deal_id: str) -> None:
    """What a full-key reconciliation does to a deal the vendor no longer lists."""
    with duckdb.connect(path) as con:
        con.execute(
            "update raw_hubspot.deals set _deleted_at = ? where id = ?", [NEXT_LOAD, deal_id]
        )


def query(path: str, sql: str) -> list[tuple]:
    with duckdb.connect(path, read_only=True) as con:
        return con.execute(sql).fetchall()


def leads(path: str) -> set[str]:
    return {row[0] for row in query(path, "select contact_id from marts.dim_leads")}


def primaries(path: str) -> dict[str, tuple[str | None, int]]:
    sql = "select deal_id, primary_contact_id, associated_contacts from marts.fct_opportunities"
    return {deal: (primary, count) for deal, primary, count in query(path, sql)}


def calls_daily(path: str) -> list[tuple]:
    return query(path, "select * from marts.kpi_calls_daily order by all")


def test_deleted_and_merged_contacts_leave_the_leads_on_the_next_run(
    warehouse_copy: DbtWarehouse,
) -> None:
    # given a warehouse built while every contact was live
    path = str(warehouse_copy.path)
    assert leads(path) == {"551201", "551202", "551203", "551204"}
    calls_before = calls_daily(path)
    # when 551203 is archived, 551202 merged into 551201 and deal 1003 found gone, then dbt runs
    set_contact(path, "551203", archived=True)
    set_contact(path, "551201", archived=False, merged_ids="551202")
    mark_deal_gone(path, "1003")
    run_dbt(warehouse_copy.path, warehouse_copy.scratch, "build")
    # then neither is a lead any more, and the calls are exactly the calls of before
    assert leads(path) == {"551201", "551204"}
    assert calls_daily(path) == calls_before
    # the merged contact's deal link and phone are the survivor's; the archived one's deals
    # have no contact; the gone deal is no opportunity
    deals = primaries(path)
    assert deals["1001"] == ("551201", 1)
    assert deals["1002"] == (None, 0) and deals["1004"] == (None, 0)
    assert "1003" not in deals
    numbers = query(path, "select numbers_e164 from marts.dim_leads where contact_id = '551201'")
    assert "+33756789012" in numbers[0][0]  # 551202's phone
    created = query(path, "select sum(leads_created) from marts.kpi_leads_daily")[0][0]
    assert created == 2


def test_a_restored_contact_is_a_lead_again_on_the_next_run(warehouse_copy: DbtWarehouse) -> None:
    # given a contact archived and a run that dropped it
    path = str(warehouse_copy.path)
    set_contact(path, "551203", archived=True)
    run_dbt(warehouse_copy.path, warehouse_copy.scratch, "run")
    assert "551203" not in leads(path)
    # when it is restored in the CRM (re-landed live) and dbt runs again
    set_contact(path, "551203", archived=False)
    run_dbt(warehouse_copy.path, warehouse_copy.scratch, "build")
    # then it is a lead again, with its deals
    assert "551203" in leads(path)
    assert primaries(path)["1004"] == ("551203", 1)
