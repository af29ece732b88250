"""The warehouse run lock refuses a second concurrent run cleanly; a program holding the DuckDB
file is waited for a bounded time, then named."""

import os
import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

from connectors.duckdb_connect import (
    LockWait,
    WarehouseLockedError,
    connect_duckdb,
    probe_duckdb_lock,
)
from connectors.landing import sync_stream
from connectors.streams import Page, RecordShape
from orchestration.run_lock import ConcurrentRunError, duckdb_lock_wait, warehouse_lock


def hold_lock_in_subprocess(duckdb_path) -> subprocess.Popen:
    script = textwrap.dedent(
        f"""
        import sys, time
        from orchestration.run_lock import warehouse_lock
        with warehouse_lock({str(duckdb_path)!r}):
            print("held", flush=True)
            time.sleep(30)
        """
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "held"
    return process


def test_second_process_is_refused_with_the_holder_named(tmp_path):
    # given
    duckdb_path = tmp_path / "warehouse.duckdb"
    holder = hold_lock_in_subprocess(duckdb_path)
    try:
        # when / then
        with pytest.raises(ConcurrentRunError) as raised, warehouse_lock(duckdb_path):
            pass
        assert f"pid {holder.pid}" in str(raised.value)
        assert "one writer" in str(raised.value)
    finally:
        holder.kill()
        holder.wait()
    # then: a dead holder releases the lock (flock dies with the process)
    with warehouse_lock(duckdb_path):
        pass


def test_double_fired_run_is_refused_by_the_cli_and_touches_nothing(tmp_path):
    # given: a first run holds the warehouse, which has data, and a publication exists
    duckdb_path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(duckdb_path)) as con:
        con.execute("CREATE TABLE t AS SELECT 42 AS answer")
    exports = tmp_path / "exports"
    (exports / "current").mkdir(parents=True)
    (exports / "current" / "kpi_calls_daily.csv").write_text("date\n")
    before = {path: path.read_bytes() for path in (duckdb_path, *exports.rglob("*.csv"))}
    holder = hold_lock_in_subprocess(duckdb_path)
    try:
        # when: the schedule fires a second run
        environment = {**os.environ, "DUCKDB_PATH": str(duckdb_path), "EXPORT_DIR": str(exports)}
        second = subprocess.run(
            [sys.executable, "-m", "orchestration.cli", "run", "--sandbox"],
            env=environment, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    finally:
        holder.kill()
        holder.wait()
    # then: refused at once with a clear error, nothing written anywhere
    assert second.returncode == 3, second.stderr[-2000:]
    assert f"Another pipeline run is writing {duckdb_path} (pid {holder.pid}" in second.stderr
    assert "Traceback" not in second.stderr
    assert {path: path.read_bytes() for path in before} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "exports", "logs", "warehouse.duckdb", "warehouse.duckdb.run.lock",
    ]  # fmt: skip
    # but the refused run's own log, which says why
    (log,) = (tmp_path / "logs").iterdir()
    assert "Another pipeline run is writing" in log.read_text()


def test_the_dagster_instance_queues_a_double_fired_schedule_one_run_at_a_time(tmp_path):
    # given: the project's instance settings, as `make dev` installs them in DAGSTER_HOME
    import shutil

    import dagster as dg

    from orchestration.settings import PROJECT_ROOT

    shutil.copyfile(PROJECT_ROOT / "dagster.yaml", tmp_path / "dagster.yaml")
    # when
    instance = dg.DagsterInstance.from_config(str(tmp_path))
    # then: runs are queued, never two at once (the second waits instead of colliding)
    assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
    assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 1


def test_lock_is_reentrant_within_one_process(tmp_path):
    duckdb_path = tmp_path / "warehouse.duckdb"
    with warehouse_lock(duckdb_path), warehouse_lock(duckdb_path):
        pass
    with warehouse_lock(duckdb_path):
        pass


# --- another program holding the DuckDB file itself (reliability fault 20) ---

HOLD_DUCKDB = textwrap.dedent(
    """
    import sys, time, duckdb
    connection = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "ro")
    print("held", flush=True)
    time.sleep(float(sys.argv[3]))
    connection.close()
    print("released", flush=True)
    time.sleep(30)
    """
)


def hold_duckdb_in_subprocess(path, mode: str, seconds: float) -> subprocess.Popen:
    """A real second process (a BI tool, a notebook) with the file open, for `seconds`."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_DUCKDB, str(path), mode, str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "held"
    return process


@pytest.fixture
def warehouse_file(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(path)).close()
    return path


class OnePageStream:
    """The smallest stream: one page of one deal."""

    name, source, table = "hubspot/deals", "hubspot", "deals"
    shape = RecordShape(("properties", "hs_lastmodifieddate"), "archived")

    def read(self, cursor):
        modified = {"hs_lastmodifieddate": "2026-01-01T00:00:00Z"}
        record = {"id": "1", "archived": False, "properties": modified}
        yield Page([record], cursor="2026-01-01T00:00:00Z")

    def source_total(self):
        return None


def test_lock_wait_delays_double_and_stay_within_the_total():
    assert LockWait(attempts=6, max_wait_seconds=30, first_delay_seconds=1).delays() == [
        1, 2, 4, 8, 15,
    ]  # fmt: skip
    assert LockWait(attempts=1).delays() == []
    assert sum(LockWait(attempts=50, max_wait_seconds=7).delays()) == 7


@pytest.mark.parametrize("mode", ["ro", "rw"])
def test_writer_waits_for_a_reader_that_leaves_then_writes(warehouse_file, mode):
    # given: a reader holding the file for 1.5 s
    holder = hold_duckdb_in_subprocess(warehouse_file, mode, 1.5)
    started = time.monotonic()
    try:
        # when: the ingest step syncs a stream
        result = sync_stream(
            OnePageStream(), warehouse_file, "run-1",
            lock_wait=LockWait(attempts=8, max_wait_seconds=20, first_delay_seconds=0.25),
        )  # fmt: skip
    finally:
        holder.kill()
        holder.wait()
    # then: it waited, then landed the page
    assert time.monotonic() - started >= 1.0
    assert result.records == 1
    with duckdb.connect(str(warehouse_file), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw_hubspot.deals").fetchone() == (1,)


def test_writer_gives_up_after_the_bounded_wait_and_names_the_holder(warehouse_file):
    # given: a read-only reader that never leaves, and the file's bytes
    holder = hold_duckdb_in_subprocess(warehouse_file, "ro", 60)
    before = warehouse_file.read_bytes()
    started = time.monotonic()
    try:
        # when / then: 3 attempts over at most 1 s, then one clear error with the PID
        with pytest.raises(WarehouseLockedError) as raised:
            sync_stream(
                OnePageStream(), warehouse_file, "run-1",
                lock_wait=LockWait(attempts=3, max_wait_seconds=1, first_delay_seconds=0.5),
            )  # fmt: skip
    finally:
        holder.kill()
        holder.wait()
    elapsed = time.monotonic() - started
    message = str(raised.value)
    assert f"held by PID {holder.pid} (" in message
    assert "over 3 attempts" in message and "READ_ONLY" in message
    assert 1.0 <= elapsed < 5
    assert warehouse_file.read_bytes() == before  # nothing written


def test_after_one_wait_ran_out_the_next_steps_fail_at_once_until_the_holder_leaves(
    warehouse_file,
):
    # given: a holder, and a first step that waited for it in vain
    holder = hold_duckdb_in_subprocess(warehouse_file, "ro", 60)
    wait = LockWait(attempts=4, max_wait_seconds=1.5, first_delay_seconds=0.5)
    try:
        with pytest.raises(WarehouseLockedError):
            sync_stream(OnePageStream(), warehouse_file, "run-1", lock_wait=wait)
        # when: the next eight steps of the run try
        started = time.monotonic()
        for _ in range(8):
            with pytest.raises(WarehouseLockedError, match="tried once"):
                sync_stream(OnePageStream(), warehouse_file, "run-1", lock_wait=wait)
        # then: each tried once, without waiting again
        assert time.monotonic() - started < 1.0
    finally:
        holder.kill()
        holder.wait()
    # and once the holder is gone, the next step connects
    assert sync_stream(OnePageStream(), warehouse_file, "run-1", lock_wait=wait).records == 1


def test_probe_before_dbt_names_the_holder_and_other_errors_are_not_retried(
    warehouse_file, tmp_path
):
    holder = hold_duckdb_in_subprocess(warehouse_file, "rw", 60)
    try:
        with pytest.raises(WarehouseLockedError, match=f"PID {holder.pid}"):
            probe_duckdb_lock(warehouse_file, LockWait(attempts=2, max_wait_seconds=0.2))
    finally:
        holder.kill()
        holder.wait()
    # a file that is no DuckDB database fails at once, without waiting
    not_duckdb = tmp_path / "notes.duckdb"
    not_duckdb.write_text("hello")
    sleeps = []
    with pytest.raises(duckdb.Error):
        connect_duckdb(not_duckdb, lock_wait=LockWait(attempts=5), sleep=sleeps.append)
    assert sleeps == []


def test_lock_wait_comes_from_the_environment_and_bad_values_name_the_variable(monkeypatch):
    monkeypatch.setenv("DUCKDB_LOCK_ATTEMPTS", "3")
    monkeypatch.setenv("DUCKDB_LOCK_WAIT_SECONDS", "12.5")
    assert duckdb_lock_wait() == LockWait(attempts=3, max_wait_seconds=12.5)
    monkeypatch.setenv("DUCKDB_LOCK_ATTEMPTS", "many")
    with pytest.raises(ValueError, match="DUCKDB_LOCK_ATTEMPTS must be a whole number"):
        duckdb_lock_wait()
