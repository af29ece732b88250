"""Session fixture: a small warehouse built by `dbt build` over the hand-made raw fixture."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from raw_fixture import load_fixture

REPO = Path(__file__).resolve().parents[2]
DBT_PROJECT = REPO / "dbt_project"
PII_HASH_KEY = "dbt-tests-secret-key-7f3a"


@dataclass(frozen=True, slots=True)
class DbtWarehouse:
    path: Path
    scratch: Path  # holds target/ and logs/ of the builds
    pii_hash_key: str


def run_dbt(
    path: Path, scratch: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run dbt on `path` with target/ and logs/ under `scratch`; fail the test on error."""
    env = os.environ | {"DUCKDB_PATH": str(path), "PII_HASH_KEY": PII_HASH_KEY} | (env or {})
    dbt = Path(sys.executable).with_name("dbt")
    command = [
        str(dbt), *args, "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
        "--target-path", str(scratch / "target"), "--log-path", str(scratch / "logs"),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(
            f"dbt {args[0]} failed ({done.returncode}):\n{done.stdout[-6000:]}{done.stderr}"
        )
    return done


@pytest.fixture(scope="session")
def dbt_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DbtWarehouse]:
    """The raw fixture loaded into a fresh DuckDB file, then every model and test built."""
    scratch = tmp_path_factory.mktemp("dbt_warehouse")
    path = load_fixture(scratch / "warehouse.duckdb")
    run_dbt(path, scratch, "build")
    yield DbtWarehouse(path, scratch, PII_HASH_KEY)


@pytest.fixture()
def warehouse_copy(dbt_warehouse: DbtWarehouse, tmp_path: Path) -> DbtWarehouse:
    """A private copy of the built warehouse that a test may change."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(dbt_warehouse.path, path)
    return DbtWarehouse(path, tmp_path, dbt_warehouse.pii_hash_key)
