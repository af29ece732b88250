"""Schema drift at the dbt layer (reliability.md faults 24-27, issue 7 item 3).

A renamed or emptied vendor field must fail `dbt build` naming the field, a new field must change
nothing, and ids or phones sent as big JSON numbers must come through staging digit for digit.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import duckdb
from dbt_harness import DbtWarehouse, run_dbt

from publishing.contract import EXPORT_COLUMNS

ABOVE_2_53 = "9007199254740993"  # 2^53 + 1: the first integer a double cannot hold
INT64_MAX = "9223372036854775807"


def _execute(warehouse: DbtWarehouse, *statements: str) -> None:
    with duckdb.connect(str(warehouse.path)) as con:
        for statement in statements:
            con.execute(statement)


def _rename_property(table: str, old: str, new: str, where: str = "true") -> str:
    """SQL renaming a HubSpot property in raw JSON (a merge-patch null removes the old key)."""
    return (
        f"update {table} set record = json_merge_patch(record, json_object('properties', "
        f"json_object('{old}', null, '{new}', record -> '$.properties.{old}'))) where {where}"
    )


def _build_deals(warehouse: DbtWarehouse) -> subprocess.CompletedProcess[str]:
    """`dbt build` of the deals staging model and its tests, returned even when it fails."""
    return run_dbt(
        warehouse.path, warehouse.scratch, "build", "-s", "stg_hubspot__deals", check=False
    )


def _marts(path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            table: con.execute(f"select * from marts.{table} order by all").fetchall()
            for table in EXPORT_COLUMNS
        }


def test_renamed_deal_amount_fails_the_build_naming_amount(warehouse_copy):
    # given: HubSpot renamed `amount` to `amount_eur` on every deal (the issue 7 regression)
    _execute(warehouse_copy, _rename_property("raw_hubspot.deals", "amount", "amount_eur"))
    # when
    done = _build_deals(warehouse_copy)
    # then: the build fails, and the failing test names the field
    assert done.returncode != 0
    assert "Failure in test not_all_null_stg_hubspot__deals_amount " in done.stdout


def test_property_null_across_the_board_fails_the_build_naming_it(warehouse_copy):
    # given: a permission change leaves every deal's `pipeline` NULL, every contact's phone too
    _execute(
        warehouse_copy,
        "update raw_hubspot.deals set record = json_merge_patch(record, "
        '\'{"properties": {"pipeline": null}}\')',
        "update raw_hubspot.contacts set record = json_merge_patch(record, "
        '\'{"properties": {"phone": null}}\')',
    )
    # when
    done = run_dbt(
        warehouse_copy.path, warehouse_copy.scratch, "build", "-s", "staging", check=False
    )
    # then: one failure per emptied field, each named, and nothing else failed
    assert "Failure in test not_all_null_stg_hubspot__deals_pipeline_id " in done.stdout
    assert "Failure in test not_all_null_stg_hubspot__contacts_phone_raw__200 " in done.stdout
    assert "ERROR=2 " in done.stdout


def test_field_vanishing_from_the_latest_load_fails_while_old_rows_keep_it(warehouse_copy):
    # given: old deals loaded two days ago keep `amount`; 25 deals of today's run arrive without it
    _execute(
        warehouse_copy,
        "update raw_hubspot.deals set _loaded_at = now() - interval 2 days",
        "insert into raw_hubspot.deals (id, record, modified_at, is_archived, _loaded_at, _run_id) "
        "select d.id || '-' || n, json_merge_patch(d.record, json_object('id', d.id || '-' || n)), "
        "d.modified_at, d.is_archived, now(), 'today' "
        "from raw_hubspot.deals d, range(5) r(n)",
        _rename_property("raw_hubspot.deals", "amount", "amount_eur", "_run_id = 'today'"),
    )
    # when
    done = _build_deals(warehouse_copy)
    # then
    assert "Failure in test not_all_null_stg_hubspot__deals_amount " in done.stdout
    assert "ERROR=1 " in done.stdout


def test_new_vendor_field_lands_in_raw_and_leaves_the_marts_unchanged(
    dbt_warehouse, warehouse_copy
):
    # given: HubSpot and Aircall both start sending a field nobody asked for
    _execute(
        warehouse_copy,
        "update raw_hubspot.deals set record = json_merge_patch(record, "
        '\'{"properties": {"hs_new_score": "7"}}\')',
        "update raw_aircall.calls set record = json_merge_patch(record, '{\"sentiment\": 0.4}')",
    )
    # when
    run_dbt(warehouse_copy.path, warehouse_copy.scratch, "build")
    # then: every test passed (run_dbt fails otherwise) and the marts are row-for-row the same
    assert _marts(warehouse_copy.path) == _marts(dbt_warehouse.path)


def test_ids_and_phones_sent_as_big_numbers_survive_staging_digit_for_digit(warehouse_copy):
    # given: a call whose ids exceed 2^53 and whose caller number arrives as a JSON integer
    patch = (
        f'{{"id": {ABOVE_2_53}, "user": {{"id": {INT64_MAX}}}, '
        f'"number": {{"id": {ABOVE_2_53}, "digits": "+33 1 80 00 00 00"}}, '
        '"raw_digits": 33612345678}'
    )
    _execute(
        warehouse_copy,
        "insert into raw_aircall.calls (id, record, modified_at, is_archived, _loaded_at, _run_id) "
        f"select '{ABOVE_2_53}', json_merge_patch(record, '{patch}'), modified_at, is_archived, "
        "_loaded_at, _run_id from raw_aircall.calls order by id limit 1",
    )
    # when
    run_dbt(warehouse_copy.path, warehouse_copy.scratch, "run", "-s", "stg_aircall__calls")
    # then: text equal to what the vendor sent, never a rounded double (…992) or a float repr
    with duckdb.connect(str(warehouse_copy.path), read_only=True) as con:
        row = con.execute(
            "select call_id, user_id, number_id, customer_number_raw "
            f"from staging.stg_aircall__calls where call_id = '{ABOVE_2_53}'"
        ).fetchone()
    assert row == (ABOVE_2_53, INT64_MAX, ABOVE_2_53, "33612345678")
