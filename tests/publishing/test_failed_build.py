"""A dbt build that fails part-way leaves every published copy whole (reliability faults 19, 31).

The warehouse's own marts end half rebuilt (new) and half not (old) after such a failure; the
exports and the DuckDB reader file only change on a publication, which the failure prevents.
Real dbt builds on a copy of the session's pipeline run, through the Dagster assets.
"""

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_dbt import DbtCliResource
from publishing_helpers import snapshot

from orchestration.project import DBT_EXECUTABLE, DBT_PROJECT_DIR, dbt_project
from orchestration.resources import PublishResource, WarehouseResource

pytestmark = pytest.mark.slow

# The project's profile, plus DuckDB limits a small VM or a full disk would impose.
STARVED_PROFILE = """
kpi_pipeline:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{{ env_var('DUCKDB_PATH') }}"
      threads: 1
      settings:
        TimeZone: UTC
        memory_limit: 8MB
        max_temp_directory_size: 0KB
"""


@pytest.fixture
def published_copy(pipeline_run, tmp_path, monkeypatch) -> tuple[Path, Path]:
    """A copy of the session's warehouse and publication, with the environment pointing at it."""
    duckdb_path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(pipeline_run.duckdb_path, duckdb_path)
    export_dir = tmp_path / "exports"
    shutil.copytree(pipeline_run.export_dir, export_dir, symlinks=True)
    for name, value in pipeline_run.environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DUCKDB_PATH", str(duckdb_path))
    monkeypatch.setenv("EXPORT_DIR", str(export_dir))
    monkeypatch.delenv("READER_DUCKDB_PATH", raising=False)
    return duckdb_path, export_dir


def readers_view(export_dir: Path) -> dict[str, object]:
    """Every byte a reader can see: the CSV publication and the DuckDB reader file."""
    return {
        "csv": snapshot(export_dir / "current"),
        "duckdb": (export_dir / "kpis.duckdb").read_bytes(),
    }


def build_and_publish(dbt: DbtCliResource) -> dg.ExecuteInProcessResult:
    """dbt build then the publication, as the nightly job runs them (ingest left out)."""
    # Imported here: the dbt assets read the manifest, which the session's pipeline run parsed.
    from orchestration.assets.dbt import kpi_dbt_assets
    from orchestration.assets.exports import published_exports

    defs = dg.Definitions(
        assets=[kpi_dbt_assets, published_exports],
        resources={"dbt": dbt, "warehouse": WarehouseResource(), "publisher": PublishResource()},
    )
    job = defs.resolve_implicit_global_asset_job_def()
    return job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)


def assert_failed_without_publishing(result: dg.ExecuteInProcessResult) -> None:
    failed = [
        e.step_key for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE
    ]
    assert failed == ["kpi_dbt_assets"]
    published = [
        e for e in result.all_events
        if e.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION
        and e.materialization.asset_key.path[0] == "looker_studio"
    ]  # fmt: skip
    assert published == []


def mart_total(path: Path, query: str) -> object:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(query).fetchone()[0]


REVENUE = "SELECT sum(revenue_won) FROM marts.kpi_sales_daily"
TARGETS = "SELECT sum(target_amount) FROM marts.kpi_targets_monthly"


def test_a_model_failing_mid_dag_leaves_the_published_copies_all_old(published_copy) -> None:
    # given: every won deal's amount doubled, and one goal target whose amount is not a number,
    # so the sales branch rebuilds while the targets branch fails mid-DAG
    duckdb_path, export_dir = published_copy
    before = readers_view(export_dir)
    reader_file = export_dir / "kpis.duckdb"
    with duckdb.connect(str(duckdb_path)) as connection:
        connection.execute(
            """
            UPDATE raw_hubspot.deals SET record = json_merge_patch(record, json_object(
                'properties', json_object('amount_in_home_currency', CAST(2 * CAST(
                    record ->> '$.properties.amount_in_home_currency' AS DECIMAL(38, 6))
                AS VARCHAR))))
            WHERE record ->> '$.properties.amount_in_home_currency' IS NOT NULL
            """
        )
        connection.execute(
            """
            UPDATE raw_hubspot.goal_targets SET record = json_merge_patch(record,
                '{"properties": {"hs_target_amount": "twelve thousand"}}')
            WHERE id = (SELECT min(id) FROM raw_hubspot.goal_targets WHERE NOT is_archived)
            """
        )
    # when
    result = build_and_publish(
        DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE)
    )
    # then: dbt failed and nothing was published
    assert_failed_without_publishing(result)
    # and the warehouse's marts are mixed: sales rebuilt (new), targets not (old) ...
    assert mart_total(duckdb_path, REVENUE) > mart_total(reader_file, REVENUE) * 3 / 2 > 0
    assert mart_total(duckdb_path, TARGETS) == mart_total(reader_file, TARGETS)
    # ... while every published copy is the previous publication, byte for byte
    assert readers_view(export_dir) == before


@pytest.mark.heavy  # a variant of the mid-DAG failure above, with a real memory cap
def test_a_build_out_of_memory_leaves_the_published_copies_untouched(
    published_copy, tmp_path
) -> None:
    # given: DuckDB capped at 8 MB with no room to spill, as on a full disk
    _, export_dir = published_copy
    before = readers_view(export_dir)
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "profiles.yml").write_text(STARVED_PROFILE)
    dbt = DbtCliResource(
        project_dir=str(DBT_PROJECT_DIR), profiles_dir=str(profiles), dbt_executable=DBT_EXECUTABLE
    )
    # when
    result = build_and_publish(dbt)
    # then: the build failed on memory, nothing was published, the copies are untouched
    assert_failed_without_publishing(result)
    errors = [
        event.step_failure_data.error.to_string()
        for event in result.all_events
        if event.event_type == dg.DagsterEventType.STEP_FAILURE
    ]
    assert "Out of Memory Error" in errors[0]
    assert readers_view(export_dir) == before
