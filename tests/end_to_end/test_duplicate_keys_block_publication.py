"""Fault 28: duplicate primary keys. Raw refuses a duplicate id outright; where duplicates can
still arise (ids inside a nested array of a raw record), the unique test fails, the models
downstream are skipped, and consumers keep the previous publication."""

import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from connectors.registry import SOURCES
from connectors.warehouse import raw_table


def snapshot(export_dir: Path) -> dict[str, bytes]:
    current = export_dir / "current"
    files = (p for p in sorted(current.rglob("*")) if p.is_file())
    return {str(p.relative_to(current)): p.read_bytes() for p in files}


def table_rows(duckdb_path: Path, table: str) -> list[tuple]:
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        return con.execute(f"select * from {table} order by all").fetchall()


def test_raw_primary_key_rejects_a_duplicate_id(pipeline_run, tmp_path: Path) -> None:
    # given
    duckdb_path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(pipeline_run.duckdb_path, duckdb_path)
    table = raw_table("hubspot/deals")
    # when / then
    with duckdb.connect(str(duckdb_path)) as con, pytest.raises(duckdb.ConstraintException):
        con.execute(f"insert into {table} select * from {table} limit 1")


def duplicate_a_stage(duckdb_path: Path) -> None:
    """The vendor sends one stage id twice in a pipeline's `stages` array."""
    table = raw_table("hubspot/deal_pipelines")
    with duckdb.connect(str(duckdb_path)) as con:
        pipeline_id, record = con.execute(
            f"select id, cast(record as varchar) from {table} order by id limit 1"
        ).fetchone()
        pipeline = json.loads(record)
        pipeline["stages"].append(pipeline["stages"][-1])
        con.execute(
            f"update {table} set record = ? where id = ?", [json.dumps(pipeline), pipeline_id]
        )


def run_dbt_and_publish(environment: dict[str, str], monkeypatch: pytest.MonkeyPatch):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    from orchestration.definitions import defs

    job = defs.resolve_implicit_global_asset_job_def().get_subset(
        asset_selection={
            key
            for key in defs.resolve_asset_graph().get_all_asset_keys()
            if key.path[0] not in {source.schema_name for source in SOURCES}
        }
    )
    return job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)


# A full pipeline run around one unique test; the raw primary key case above runs in CI.
@pytest.mark.heavy
def test_duplicate_nested_keys_fail_the_unique_test_and_keep_yesterdays_export(
    pipeline_run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: yesterday's warehouse and publication, then a raw pipeline with a stage twice
    duckdb_path, export_dir = tmp_path / "warehouse.duckdb", tmp_path / "exports"
    shutil.copyfile(pipeline_run.duckdb_path, duckdb_path)
    shutil.copytree(pipeline_run.export_dir, export_dir, symlinks=True)
    published, sales = snapshot(export_dir), table_rows(duckdb_path, "marts.kpi_sales_daily")
    duplicate_a_stage(duckdb_path)
    environment = dict(pipeline_run.environment, DUCKDB_PATH=str(duckdb_path),
                       EXPORT_DIR=str(export_dir))  # fmt: skip
    # when
    result = run_dbt_and_publish(environment, monkeypatch)
    # then: the unique test on the stages failed and failed the dbt step
    failed_checks = [
        (event.asset_check_evaluation_data.asset_key.path[-1],
         event.asset_check_evaluation_data.check_name)
        for event in result.all_events
        if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
        and not event.asset_check_evaluation_data.passed
    ]  # fmt: skip
    assert any(
        model == "stg_hubspot__deal_stages" and "unique" in check for model, check in failed_checks
    ), failed_checks
    assert not result.success
    # ...the marts downstream were skipped, not rebuilt with doubled deals
    materialized = {
        event.materialization.asset_key.path[-1]
        for event in result.all_events
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION
    }
    assert "kpi_sales_daily" not in materialized and "published_exports" not in materialized
    assert table_rows(duckdb_path, "marts.kpi_sales_daily") == sales
    # ...and consumers still read yesterday's export, byte for byte
    assert snapshot(export_dir) == published
