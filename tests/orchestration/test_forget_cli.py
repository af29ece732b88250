"""`kpi-pipeline forget`, `run` and the retention settings: refusals before anything changes."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from connectors.erasure import ErasureConfig, register
from connectors.warehouse import ensure_raw_schema
from orchestration.housekeeping import RetentionSettingError, retention_settings


def run_cli(*args: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args],
        capture_output=True, text=True, env=environment, timeout=120,
    )  # fmt: skip


def environment_for(tmp_path: Path, **values: str) -> dict[str, str]:
    # blank, not unset, so a developer's .env cannot fill them in
    return {**os.environ, "ERASURE_KEY": "", "PII_HASH_KEY": "", **values,
            "DUCKDB_PATH": str(tmp_path / "warehouse.duckdb")}  # fmt: skip


def test_forget_without_an_identifier_says_what_to_give(tmp_path: Path) -> None:
    completed = run_cli("forget", environment=environment_for(tmp_path))
    assert completed.returncode == 2
    assert "--email, --phone or --contact-id" in completed.stderr


def test_forget_without_erasure_key_refuses_and_changes_nothing(tmp_path: Path) -> None:
    # given a warehouse; when forgetting without ERASURE_KEY
    ensure_raw_schema(tmp_path / "warehouse.duckdb")
    env = environment_for(tmp_path, PII_HASH_KEY="k")
    completed = run_cli("forget", "--email", "someone@example.com", environment=env)
    # then one line naming the variable, no traceback, no register written
    assert completed.returncode == 2
    assert "ERASURE_KEY is not set" in completed.stderr and "Traceback" not in completed.stderr
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        tables = con.execute("select table_name from information_schema.tables").fetchall()
    assert ("erasures",) not in tables


def test_forget_with_another_erasure_key_than_the_register_refuses(tmp_path: Path) -> None:
    # given a register written under one key
    path = tmp_path / "warehouse.duckdb"
    ensure_raw_schema(path)
    with duckdb.connect(str(path)) as con:
        register(con, ErasureConfig(b"original-key"), [("email", "a@example.com")])
    # when another key is configured
    env = environment_for(tmp_path, PII_HASH_KEY="k", ERASURE_KEY="a-new-key")
    completed = run_cli("forget", "--phone", "+33 6 12 34 56 78", environment=env)
    # then
    assert completed.returncode == 2
    assert "not the key the erasure register was written with" in completed.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [("LANDING_RETENTION_DAYS", "-1"), ("LANDING_RETENTION_DAYS", "a week"),
     ("DBT_TARGET_RUNS_KEPT", "0"), ("DBT_TARGET_RUNS_KEPT", "2.5"),
     ("RUN_LOGS_KEPT", "0"), ("RUN_LOGS_KEPT", "all")],
)  # fmt: skip
def test_retention_settings_name_the_bad_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(RetentionSettingError, match=variable):
        retention_settings()


def test_retention_settings_default_to_prune_at_once_and_keep_three_dbt_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LANDING_RETENTION_DAYS", raising=False)
    monkeypatch.delenv("DBT_TARGET_RUNS_KEPT", raising=False)
    monkeypatch.delenv("RUN_LOGS_KEPT", raising=False)
    assert retention_settings() == (0.0, 3, 30)


def test_run_refuses_to_start_when_people_were_erased_and_erasure_key_is_missing(
    tmp_path: Path,
) -> None:
    # given a warehouse whose register has an entry, and credentials for unreachable vendors
    path = tmp_path / "warehouse.duckdb"
    ensure_raw_schema(path)
    with duckdb.connect(str(path)) as con:
        register(con, ErasureConfig(b"original-key"), [("email", "a@example.com")])
    env = environment_for(
        tmp_path, PII_HASH_KEY="k", HUBSPOT_ACCESS_TOKEN="t", AIRCALL_API_ID="i",
        AIRCALL_API_TOKEN="t", HUBSPOT_BASE_URL="http://127.0.0.1:9",
        AIRCALL_BASE_URL="http://127.0.0.1:9",
    )  # fmt: skip
    # when
    completed = run_cli("run", environment=env)
    # then it stops before any extract, naming the variable
    assert completed.returncode == 2, completed.stdout[-2000:] + completed.stderr[-2000:]
    assert "ERASURE_KEY is not set" in completed.stderr
    assert not (tmp_path / "landing").exists()
