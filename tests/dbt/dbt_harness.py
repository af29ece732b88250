"""Helpers to build the dbt project into a throwaway DuckDB file (shared by the dbt tests)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DBT_PROJECT = REPO / "dbt_project"
PII_HASH_KEY = "dbt-tests-secret-key-7f3a"

# dbt re-parses the whole project (about 14 s here) whenever its profile changes, and the
# warehouse path is part of the profile. dbt runs in the warehouse's folder and is given the
# file name alone, so one parse per file name (DuckDB names the catalog after the file), made
# once per session and copied into each target folder as dagster-dbt does, serves every test.


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
    env = os.environ | {"DUCKDB_PATH": path.name, "PII_HASH_KEY": PII_HASH_KEY} | (env or {})
    target = scratch / "target"
    prepared = _session_parse(path.name)
    if not (target / prepared.name).exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(prepared, target / prepared.name)
    done = subprocess.run(
        _dbt_command(*args, target=target, logs=scratch / "logs"),
        cwd=path.parent, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if check and done.returncode != 0:
        pytest.fail(
            f"dbt {args[0]} failed ({done.returncode}):\n{done.stdout[-6000:]}{done.stderr}"
        )
    return done


def _dbt_command(*args: str, target: Path, logs: Path) -> list[str]:
    dbt = Path(sys.executable).with_name("dbt")
    return [
        str(dbt), *args, "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
        "--target-path", str(target), "--log-path", str(logs),
    ]  # fmt: skip


@cache
def _session_parse(warehouse_name: str) -> Path:
    """`dbt parse` once per test session and warehouse file name; its partial_parse.msgpack."""
    folder = Path(tempfile.mkdtemp(prefix="dbt-tests-parse-"))
    env = os.environ | {"DUCKDB_PATH": warehouse_name, "PII_HASH_KEY": PII_HASH_KEY}
    done = subprocess.run(
        _dbt_command("parse", target=folder / "target", logs=folder / "logs"),
        cwd=folder, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.fail(f"dbt parse failed ({done.returncode}):\n{done.stdout[-6000:]}")
    return folder / "target" / "partial_parse.msgpack"
