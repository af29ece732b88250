"""Incremental facts stay equal to a full refresh when late and changed calls arrive."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
from dbt_harness import DbtWarehouse, run_dbt
from raw_fixture import NUMBER_MOBILE, NUMBER_PARIS, USER_LEA, call

LATE_LOAD = dt.datetime(2026, 3, 21, 6, 0, tzinfo=dt.UTC)
COMPARED = {
    "marts.fct_interactions": "interaction_id",
    "marts.fct_calls": "call_id",
    "marts.kpi_calls_daily": "date, business_line, agent_id, direction",
}


def land_call(path: str, record: dict) -> None:
    """One call landed by a later run, as the connector's merge writes it."""
    with duckdb.connect(path) as con:
        con.execute(
            "insert into raw_aircall.calls (id, record, modified_at, is_archived, _loaded_at,"
            " _run_id) values (?, ?, null, false, ?, 'late-run')",
            [str(record["id"]), json.dumps(record, sort_keys=True), LATE_LOAD],
        )


def land_late_calls(path: str) -> None:
    """A late callback of an old missed call, and a re-written (now answered) call."""
    late = call(1820036600, "outbound", "2026-03-29T22:45:00Z", 4, 90, "+33 6 99 88 77 66",
                NUMBER_MOBILE, USER_LEA)  # fmt: skip
    changed = call(1820036556, "inbound", "2026-03-28T23:30:00Z", 12, 40, "anonymous",
                   NUMBER_PARIS, USER_LEA)  # fmt: skip
    land_call(path, late)
    with duckdb.connect(path) as con:
        con.execute(
            "update raw_aircall.calls set record = ?, _loaded_at = ? where id = ?",
            [json.dumps(changed, sort_keys=True), LATE_LOAD, str(changed["id"])],
        )


def change_user_email(path: str) -> None:
    """Max's telephony e-mail changes: his old calls must move to the new agent id."""
    with duckdb.connect(path) as con:
        con.execute(
            "update raw_aircall.users set record = json_merge_patch(record, ?), _loaded_at = ?"
            " where id = '731417'",
            ['{"email": "max.petit@new-domain.example"}', LATE_LOAD],
        )


def snapshot(path: str) -> dict[str, list[tuple]]:
    with duckdb.connect(path, read_only=True) as con:
        return {
            table: con.execute(
                f"select * exclude (loaded_at, processed_at) from {table} order by {order}"
            ).fetchall()
            if "kpi_" not in table
            else con.execute(f"select * from {table} order by {order}").fetchall()
            for table, order in COMPARED.items()
        }


def test_incremental_run_equals_full_refresh(warehouse_copy: DbtWarehouse) -> None:
    # given a built warehouse and calls that arrive late or change
    path = str(warehouse_copy.path)
    land_late_calls(path)
    change_user_email(path)
    with duckdb.connect(path, read_only=True) as con:
        before = con.execute(
            "select is_missed_called_back_1h from marts.fct_calls where call_id = '1820036557'"
        ).fetchall()
    assert before == [(False,)]  # the only callback came 61 min later
    # when the facts run incrementally
    run_dbt(warehouse_copy.path, warehouse_copy.scratch, "run")
    incremental = snapshot(path)
    # then they equal a full refresh of the same raw layer
    run_dbt(warehouse_copy.path, warehouse_copy.scratch, "run", "--full-refresh")
    assert incremental == snapshot(path)
    calls = {row[0]: row for row in incremental["marts.fct_calls"]}
    assert "1820036600" in calls  # the late call landed
    with duckdb.connect(path, read_only=True) as con:
        called_back = con.execute(
            "select is_missed_called_back_1h from marts.fct_calls where call_id = '1820036557'"
        ).fetchall()
        now_answered = con.execute(
            "select is_answered from marts.fct_calls where call_id = '1820036556'"
        ).fetchall()
    assert called_back == [
        (True,)
    ]  # its missed call, 15 min earlier, is now called back within 1 h
    assert now_answered == [(True,)]


def test_calls_daily_catches_up_after_a_run_that_stopped_before_it(
    warehouse_copy: DbtWarehouse,
) -> None:
    # given calls that changed, and a run that built the call facts but stopped before the mart
    path = str(warehouse_copy.path)
    land_late_calls(path)
    change_user_email(path)
    run_dbt(warehouse_copy.path, warehouse_copy.scratch, "run", "--select", "+fct_calls")
    # when the next run finds nothing new in the facts
    run_dbt(warehouse_copy.path, warehouse_copy.scratch, "run")
    incremental = snapshot(path)["marts.kpi_calls_daily"]
    # then the mart still equals a full refresh: its days are found by checksum, not watermark
    run_dbt(warehouse_copy.path, warehouse_copy.scratch, "run", "--full-refresh")
    assert incremental == snapshot(path)["marts.kpi_calls_daily"]


def test_calls_daily_follows_a_renamed_agent_and_drops_a_day_left_without_calls(
    warehouse_copy: DbtWarehouse,
) -> None:
    # given an agent renamed in the CRM (its owner name wins) and every call of one day re-dated
    path = str(warehouse_copy.path)
    with duckdb.connect(path) as con:
        day = con.execute("select min(date) from marts.kpi_calls_daily").fetchone()[0]  # type: ignore[index]
        con.execute(
            "update raw_hubspot.owners set record = json_merge_patch(record, ?), _loaded_at = ?"
            " where id = '41629780'",
            ['{"firstName": "Maxime"}', LATE_LOAD],
        )
        moved = con.execute(
            "update raw_aircall.calls set _loaded_at = ?, record = json_merge_patch(record,"
            " json_object('started_at', json_extract(record, '$.started_at')::bigint + 86400 * 400,"
            " 'answered_at', json_extract(record, '$.answered_at')::bigint + 86400 * 400,"
            " 'ended_at', json_extract(record, '$.ended_at')::bigint + 86400 * 400))"
            " where id in (select call_id from marts.fct_calls where started_date = ?)",
            [LATE_LOAD, day],
        ).fetchall()
    assert moved
    # when the mart runs incrementally
    run_dbt(warehouse_copy.path, warehouse_copy.scratch, "run")
    incremental = snapshot(path)["marts.kpi_calls_daily"]
    # then the old day is gone and the rename shows, as in a full refresh
    with duckdb.connect(path, read_only=True) as con:
        assert con.execute(
            "select count(*) from marts.kpi_calls_daily where date = ?", [day]
        ).fetchone() == (0,)
        renamed = con.execute(
            "select count(*) from marts.kpi_calls_daily where agent_name = 'Maxime Petit'"
        ).fetchone()
    assert renamed is not None and renamed[0] > 0
    run_dbt(warehouse_copy.path, warehouse_copy.scratch, "run", "--full-refresh")
    assert incremental == snapshot(path)["marts.kpi_calls_daily"]


def test_a_new_default_region_reparses_every_phone_number(warehouse_copy: DbtWarehouse) -> None:
    # given numbers parsed with the default region FR
    path = str(warehouse_copy.path)
    # when the region changes
    run_dbt(
        warehouse_copy.path,
        warehouse_copy.scratch,
        "run",
        "-s",
        "int_settings_resolved",
        "int_phone_numbers_normalised",
        env={"DEFAULT_PHONE_REGION": "GB"},
    )
    # then every raw string is parsed again with it: a French national number no longer is one
    with duckdb.connect(path, read_only=True) as con:
        regions = con.execute(
            "select distinct parsed_with_region from intermediate.int_phone_numbers_normalised"
        ).fetchall()
        french_national = con.execute(
            "select number_e164 from intermediate.int_phone_numbers_normalised"
            " where raw_number = '01 42 68 53 00'"
        ).fetchall()
    assert regions == [("GB",)]
    assert french_national != [("+33142685300",)]


def parsed_strings(path: str) -> set[str]:
    with duckdb.connect(path, read_only=True) as con:
        rows = con.execute("select raw_number from intermediate.int_phone_numbers_normalised")
        return {row[0] for row in rows.fetchall()}


def test_phone_parsing_reads_only_calls_loaded_since_the_last_run(
    warehouse_copy: DbtWarehouse,
) -> None:
    # given a string only old calls carry, forgotten by the model (as if never scanned again),
    # and a late call from a number never seen
    path = str(warehouse_copy.path)
    with duckdb.connect(path) as con:
        con.execute(
            "delete from intermediate.int_phone_numbers_normalised where raw_number = 'anonymous'"
        )
    late = call(1820036601, "inbound", "2026-03-29T09:00:00Z", 5, 60, "06 55 44 33 22",
                NUMBER_MOBILE, USER_LEA)  # fmt: skip
    land_call(path, late)
    models = ("stg_aircall__calls", "int_settings_resolved", "int_phone_numbers_normalised")
    # when the model runs incrementally with no lookback
    run_dbt(warehouse_copy.path, warehouse_copy.scratch, "run", "-s", *models,
            env={"INCREMENTAL_LOOKBACK_HOURS": "0"})  # fmt: skip
    # then the new number is parsed, and calls loaded before the last run were not re-read
    after = parsed_strings(path)
    assert "06 55 44 33 22" in after
    assert "anonymous" not in after
    # and a full refresh (or a model from before the watermark) scans every call again
    run_dbt(warehouse_copy.path, warehouse_copy.scratch, "run", "-s", *models, "--full-refresh")
    assert {"anonymous", "06 55 44 33 22"} <= parsed_strings(path)


def test_a_phone_table_from_before_the_watermark_scans_every_call_once(
    warehouse_copy: DbtWarehouse,
) -> None:
    # given the model's table as an older version built it, without calls_loaded_until
    path = str(warehouse_copy.path)
    with duckdb.connect(path) as con:
        table = "intermediate.int_phone_numbers_normalised"
        con.execute(f"alter table {table} drop column calls_loaded_until")
        con.execute(f"delete from {table} where raw_number = 'anonymous'")
    # when the next run is incremental
    run_dbt(warehouse_copy.path, warehouse_copy.scratch, "run", "-s",
            "int_settings_resolved", "int_phone_numbers_normalised")  # fmt: skip
    # then the column is added and every call scanned: nothing an old call carries is missed
    assert "anonymous" in parsed_strings(path)
    with duckdb.connect(path, read_only=True) as con:
        watermarks = con.execute(
            "select count(calls_loaded_until) from intermediate.int_phone_numbers_normalised"
        ).fetchone()
    assert watermarks[0] >= 1
