"""The README's demo, `kpi-pipeline run --sandbox`, end to end in a subprocess, for each CRM the
sandbox can play: nothing else runs the command the way a newcomer does."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from connectors.registry import SOURCES
from publishing import EXPORT_COLUMNS

# The first CRM runs in CI; the others are heavy variants (tests/end_to_end/test_crm_parity.py
# builds every CRM's exports in CI).
CRMS = [
    pytest.param(source.name, marks=() if index == 0 else pytest.mark.heavy)
    for index, source in enumerate(s for s in SOURCES if s.kind == "crm")
]


@pytest.mark.slow
@pytest.mark.parametrize("crm", CRMS)
def test_sandbox_demo_builds_and_publishes_every_export(crm: str, tmp_path: Path) -> None:
    # given a clean folder and no vendor credentials at all
    environment = {
        key: value
        for key, value in os.environ.items()
        if not any(key in {v.name for v in s.variables} for s in SOURCES) and key != "SOURCES"
    }
    environment.update(DUCKDB_PATH=str(tmp_path / "w.duckdb"), EXPORT_DIR=str(tmp_path / "out"))
    # when
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "run", "--sandbox", "--scale", "0.05",
         "--seed", "7", "--crm", crm],
        env=environment, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    # then every export is published with its contract header, most of them with rows
    assert completed.returncode == 0, (completed.stdout + completed.stderr)[-3000:]
    current = tmp_path / "out" / "current"
    rows = {}
    for table, columns in EXPORT_COLUMNS.items():
        with (current / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            assert next(reader) == list(columns), table
            rows[table] = sum(1 for _ in reader)
    assert rows["kpi_sales_daily"] > 0 and rows["kpi_calls_daily"] > 0, rows
    # and what it printed, piped as under cron or CI, is short and plain, each line once
    lines = (completed.stdout + completed.stderr).splitlines()
    assert len(lines) < 60 and len(set(lines)) == len(lines), "\n".join(lines)
    assert "\x1b[" not in completed.stdout + completed.stderr
    assert lines[-1].startswith("Log: ") and Path(lines[-1][5:]).is_file()
