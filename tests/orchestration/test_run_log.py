"""Each run's full log goes to its own file; the console keeps only what the operator needs."""

import io
import logging
import stat
import sys
from pathlib import Path

import dagster as dg
import pytest

from orchestration.run_log import open_run_log, run_log_dir, run_log_logger

RUN_ID = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"


def fake_console(monkeypatch: pytest.MonkeyPatch) -> tuple[io.StringIO, io.StringIO]:
    """Stand-ins for the terminal as sys.stdout and sys.stderr when the run starts (set in the
    test itself: pytest puts its own capture back between a fixture and the test)."""
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    return out, err


def test_prints_logs_and_dagster_events_go_to_the_file_not_the_console(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a run log beside the warehouse
    monkeypatch.setenv("DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.delenv("RUN_LOG_DIR", raising=False)

    @dg.op
    def step(context: dg.OpExecutionContext) -> None:
        context.log.info("a step says hello")

    @dg.job(logger_defs={"run_log": run_log_logger})
    def job() -> None:
        step()

    # when a run prints (as dagster-dbt echoes dbt), logs, warns and runs a Dagster job
    out, err = fake_console(monkeypatch)
    with open_run_log(RUN_ID) as run_log:
        print("1 of 461 START sql table model intermediate.int_x")
        print("1 of 461 \x1b[32mOK\x1b[0m created sql table model intermediate.int_x")
        logging.getLogger("connectors.http").warning("Vendor GET /v1/calls: HTTP 503, retry 1")
        print("a library complains", file=sys.stderr)
        job.execute_in_process(instance=dg.DagsterInstance.ephemeral())
        run_log.console.write("shown to the operator\n")
    # then the console got only what was written to it on purpose
    assert out.getvalue() == "shown to the operator\n" and err.getvalue() == ""
    # and the file, private to its owner, holds the rest, each line timestamped
    path = run_log.path
    assert path is not None and path.parent == tmp_path / "logs" == run_log_dir()
    assert path.name.startswith("run-") and path.name.endswith(f"-{RUN_ID[:8]}.log")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert "stdout  1 of 461 START sql table model intermediate.int_x" in text
    assert "stdout  1 of 461 OK created sql table model" in text and "\x1b" not in text
    assert "WARNING connectors.http: Vendor GET /v1/calls: HTTP 503, retry 1" in text
    assert "stderr  a library complains" in text
    assert "a step says hello" in text and "STEP_SUCCESS" in text  # Dagster's DEBUG events
    # and everything is back as it was
    assert sys.stdout is out and sys.stderr is err


def test_verbose_also_streams_the_log_to_stderr(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("RUN_LOG_DIR", str(tmp_path / "elsewhere"))
    out, err = fake_console(monkeypatch)
    with open_run_log(RUN_ID, verbose=True) as run_log:
        print("dbt line")
    assert "stdout  dbt line" in err.getvalue() and out.getvalue() == ""
    assert run_log.path is not None and run_log.path.parent == tmp_path / "elsewhere"


def test_an_unwritable_log_folder_costs_the_file_not_the_run(tmp_path, monkeypatch):
    # given RUN_LOG_DIR under a file
    (tmp_path / "file.txt").write_text("x")
    monkeypatch.setenv("RUN_LOG_DIR", str(tmp_path / "file.txt" / "logs"))
    out, err = fake_console(monkeypatch)
    # when
    with open_run_log(RUN_ID) as run_log:
        print("lost, on purpose")
    # then the run goes on without a file, and says so once
    assert run_log.path is None
    assert err.getvalue().startswith("note: no run log: cannot write in") and "RUN_LOG_DIR" in (
        err.getvalue()
    )
    assert out.getvalue() == ""
