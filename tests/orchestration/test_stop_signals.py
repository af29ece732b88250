"""`kpi-pipeline run` stopped by a deadline and by SIGTERM mid-ingest, then rerun, as a user would.

Each stop must exit with its documented code, publish nothing, and leave raw data and cursors
such that the next run completes with exactly the sandbox's records (what an uninterrupted run
lands, see tests/end_to_end/test_pipeline_run.py).
"""

import json
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from connectors.aircall.source import SOURCE as AIRCALL
from connectors.hubspot.source import SOURCE as HUBSPOT
from connectors.registry import raw_row_count
from tests.conftest import free_port, pipeline_environment, start_sandbox_process

# The default sandbox run reads these sources (HubSpot + Aircall).
RAW_STREAMS = HUBSPOT.stream_names + AIRCALL.stream_names

# Slow the calls pages down so that the stop surely lands in the middle of the ingest.
SLOW_CALLS = {"prefix": "/v1/calls", "kind": "latency", "seconds": 0.4, "times": 100000}


class RunningPipeline:
    """`kpi-pipeline run` in a subprocess, its merged output collected line by line."""

    def __init__(self, environment: dict[str, str], *args: str) -> None:
        command = [sys.executable, "-m", "orchestration.cli", "run", *args]
        self.process = subprocess.Popen(
            command,
            env={**environment, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"never saw {text!r}:\n{self.output[-4000:]}")
            time.sleep(0.1)

    def finish(self, timeout: float) -> int:
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=10)
        return code

    @property
    def output(self) -> str:
        return "".join(self.lines)


def _control(url: str, method: str, body: object | None = None) -> None:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{url}/_sandbox/faults", data=data, method=method)
    request.add_header("Content-Type", "application/json")
    urllib.request.urlopen(request, timeout=30).close()


def _raw_counts(duckdb_path: Path) -> dict[str, int]:
    return {s: raw_row_count(duckdb_path, s, include_archived=True) for s in RAW_STREAMS}


@pytest.fixture()
def sandbox_url():
    port = free_port()
    process = start_sandbox_process(port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


# 90 s of three real stops; the stop logic itself is covered by test_run_control.py in CI.
@pytest.mark.heavy
def test_run_stopped_by_deadline_sigterm_in_ingest_and_in_dbt_publishes_nothing_then_completes(
    sandbox_url, tmp_path
):
    # given a sandbox whose calls pages are slow, and a fresh warehouse
    duckdb_path = tmp_path / "warehouse.duckdb"
    environment = pipeline_environment(sandbox_url, duckdb_path)
    exports = Path(environment["EXPORT_DIR"])
    _control(sandbox_url, "POST", SLOW_CALLS)

    # when a run hits its deadline (0.5 min) during the slow calls ingest
    deadline_run = RunningPipeline(environment, "--deadline", "0.5")
    deadline_code = deadline_run.finish(timeout=300)
    # then it stops with the deadline code, having committed part of the calls
    assert deadline_code == 124, deadline_run.output[-4000:]
    assert "run deadline of 0.5 minutes reached" in deadline_run.output
    assert not exports.exists(), "a stopped run published"
    calls_after_deadline = raw_row_count(duckdb_path, "aircall/calls", include_archived=True)

    # when the next run gets SIGTERM while it ingests calls
    sigterm_run = RunningPipeline(environment)
    sigterm_run.wait_for("aircall/calls:", timeout=180)
    sigterm_run.process.send_signal(signal.SIGTERM)
    sigterm_code = sigterm_run.finish(timeout=120)
    # then it drains at the next page: exit 143, nothing published, calls stopped mid-stream
    assert sigterm_code == 143, sigterm_run.output[-4000:]
    assert "aircall/calls: stopped after" in sigterm_run.output
    assert "Nothing published" in sigterm_run.output
    assert not exports.exists(), "a stopped run published"
    assert raw_row_count(duckdb_path, "aircall/calls", include_archived=True) >= (
        calls_after_deadline
    )

    # when the vendor is fast again and a run gets SIGTERM while dbt builds
    _control(sandbox_url, "DELETE")
    dbt_run = RunningPipeline(environment)
    dbt_run.wait_for("nodes to run", timeout=600)  # printed as dbt starts its first node
    dbt_run.process.send_signal(signal.SIGTERM)
    dbt_code = dbt_run.finish(timeout=180)
    # then dbt is interrupted, the publish step never starts, and the exit code says SIGTERM
    assert dbt_code == 143, dbt_run.output[-4000:]
    assert "dbt build: interrupted, the run is stopping (SIGTERM received)" in dbt_run.output
    assert not exports.exists(), "a stopped run published"

    # when the pipeline reruns undisturbed
    rerun = RunningPipeline(environment)
    rerun_code = rerun.finish(timeout=900)
    # then it finishes the pending package: every record once, checks pass, a publication
    assert rerun_code == 0, rerun.output[-6000:]
    totals = json.load(urllib.request.urlopen(f"{sandbox_url}/_sandbox/totals", timeout=30))
    assert _raw_counts(duckdb_path) == {stream: totals[stream] for stream in RAW_STREAMS}
    assert (exports / "current" / "manifest.json").exists()
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        duplicates = con.execute(
            "select count(*) - count(distinct id) from raw_aircall.calls"
        ).fetchone()
    assert duplicates == (0,)
