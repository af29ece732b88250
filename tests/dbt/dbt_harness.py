"""Helpers to build the dbt project into a throwaway DuckDB file (shared by the dbt tests)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DBT_PROJECT = REPO / "dbt_project"
PII_HASH_KEY = "dbt-tests-secret-key-7f3a"


@dataclass(frozen=True, slots=True)
class DbtWarehouse:
    path: Path
    scratch: Path  # holds target/ and logs/ of the builds
    pii_hash_key: str


def run_dbt(
    path: Path,
    scratch: Path,
    *args: str,
    env: dict[str, str] | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run dbt on `path` with target/ and logs/ under `scratch`; fail the test on error.

    With `check=False` a failed run is returned instead, for tests that expect dbt to fail.
    """
    env = os.environ | {"DUCKDB_PATH": str(path), "PII_HASH_KEY": PII_HASH_KEY} | (env or {})
    dbt = Path(sys.executable).with_name("dbt")
    command = [
        str(dbt), *args, "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
        "--target-path", str(scratch / "target"), "--log-path", str(scratch / "logs"),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        pytest.fail(
            f"dbt {args[0]} failed ({done.returncode}):\n{done.stdout[-6000:]}{done.stderr}"
        )
    return done
