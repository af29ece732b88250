"""A successful `kpi-pipeline run` leaves no landing file and a bounded dbt target folder."""

from connectors.retention import DBT_RUN_MARKERS, _newest
from orchestration.project import DBT_PROJECT_DIR


def test_a_successful_cli_run_prunes_landing_files_and_old_dbt_target_folders(pipeline_run):
    # given the session's `kpi-pipeline run` (tests/conftest.py), which landed all nine streams
    landing = pipeline_run.duckdb_path.parent / "landing"
    # then its landing files are gone once it succeeded, and the summary says so
    assert "Housekeeping: pruned 9 landing folders" in pipeline_run.output
    assert not list(landing.rglob("*.ndjson"))
    # and dbt keeps at most DBT_TARGET_RUNS_KEPT (3) invocation folders; tests that ran since
    # (erasure rebuilds) may have added newer ones, so count those from before its publication
    published_at = (pipeline_run.export_dir / "current").lstat().st_mtime
    target = DBT_PROJECT_DIR / "target"
    runs = [
        path
        for path in target.iterdir()
        if any((path / marker).exists() for marker in DBT_RUN_MARKERS)
        and _newest(path) <= published_at
    ]
    assert 1 <= len(runs) <= 3
    assert (target / "manifest.json").exists()
