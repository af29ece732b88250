"""The warehouse run lock refuses a second concurrent writer cleanly."""

import subprocess
import sys
import textwrap

import pytest

from orchestration.run_lock import ConcurrentRunError, warehouse_lock


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


def test_lock_is_reentrant_within_one_process(tmp_path):
    duckdb_path = tmp_path / "warehouse.duckdb"
    with warehouse_lock(duckdb_path), warehouse_lock(duckdb_path):
        pass
    with warehouse_lock(duckdb_path):
        pass
