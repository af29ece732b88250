"""Housekeeping after a successful run, from the CLI run and from the daemon's run sensor."""

from pathlib import Path

import dagster as dg
import pytest

from orchestration.housekeeping import housekeeping_after_success


def _landing_run(tmp_path: Path, run_id: str) -> Path:
    folder = tmp_path / "landing" / "hubspot" / "contacts" / run_id
    folder.mkdir(parents=True)
    (folder / "part-00001.ndjson").write_text('{"record": "{\\"email\\": \\"a@b.c\\"}"}\n')
    return folder


def test_the_run_sensor_prunes_landing_files_after_a_successful_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given landing files beside the warehouse and a finished, successful run
    monkeypatch.setenv("DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    folder = _landing_run(tmp_path, "run-1")

    @dg.op
    def noop() -> None:
        return None

    @dg.job
    def tiny() -> None:
        noop()

    instance = dg.DagsterInstance.ephemeral()
    result = tiny.execute_in_process(instance=instance)
    success = next(e for e in result.all_events if e.event_type_value == "PIPELINE_SUCCESS")
    context = dg.build_run_status_sensor_context(
        sensor_name="housekeeping_after_success",
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=success,
    )
    # when
    outcome = housekeeping_after_success(context)
    # then
    assert not folder.exists()
    assert "pruned 1 landing folders" in str(outcome)
