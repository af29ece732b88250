"""A successful `kpi-pipeline run` leaves no landing file and a bounded dbt target folder."""

from connectors.retention import DBT_RUN_MARKERS
from orchestration.project import DBT_PROJECT_DIR


def test_a_successful_cli_run_prunes_landing_files_and_old_dbt_target_folders(pipeline_run):
    # given the session's `kpi-pipeline run` (tests/conftest.py), which landed all nine streams
    landing = pipeline_run.duckdb_path.parent / "landing"
    # then its landing files are gone once it succeeded, and the summary says so
    assert "Housekeeping: pruned 9 landing folders" in pipeline_run.output
    assert not list(landing.rglob("*.ndjson"))
    # and dbt keeps at most DBT_TARGET_RUNS_KEPT (3) invocation folders
    target = DBT_PROJECT_DIR / "target"
    runs = [p for p in target.iterdir() if any((p / m).exists() for m in DBT_RUN_MARKERS)]
    assert 1 <= len(runs) <= 3
    assert (target / "manifest.json").exists()
