"""Smoke run of the scale benchmarks: size XS end to end, no timing assertions."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


# CI runs the same smoke at size S after the suite (`make bench-smoke`, ~7 min, issue 9): this
# XS variant (~80 s) is for a quick local check. The timed runs at S, M and L stay in benchmarks/.
@pytest.mark.heavy
def test_benchmarks_quick_mode_runs_end_to_end():
    # given the benchmark suite in quick mode (size XS, scratch folders)
    command = [sys.executable, str(ROOT / "benchmarks" / "run_all.py"), "--quick"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # when it runs every measurement
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    # then each step ran, the floor equalled the marts and the increment's exports a rebuild's
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for script in (
        "write_size",
        "transform",
        "increment",
        "publish_floor",
        "ingest",
        "rate_limits",
    ):
        assert f"== {script}.py" in done.stdout
    assert '"kpis_equal": true' in done.stdout
    assert '"exports_byte_identical": true' in done.stdout
