"""Configuration is checked before any extract: one line per problem, naming what to fix."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.config_check import (
    SEEDS_DIR,
    SEEDS_SCHEMA,
    ConfigurationError,
    require_valid_configuration,
    seed_problems,
)

VALID = {
    "HUBSPOT_ACCESS_TOKEN": "pat",
    "AIRCALL_API_ID": "id",
    "AIRCALL_API_TOKEN": "token",
    "PII_HASH_KEY": "key",
}


def _problems(environ: dict[str, str]) -> list[str]:
    try:
        require_valid_configuration(environ, real_run=True)
    except ConfigurationError as error:
        return error.problems
    return []


def test_config_check_accepts_the_documented_defaults(tmp_path):
    environ = {**VALID, "DUCKDB_PATH": str(tmp_path / "a" / "w.duckdb")}
    environ["EXPORT_DIR"] = str(tmp_path / "exports")
    assert _problems(environ) == []


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("REPORTING_TIMEZONE", "Mars/Olympus"),
        ("REPORTING_TIMEZONE", "../../etc/passwd"),
        ("REPORTING_CURRENCY", "EURO"),
        ("REPORTING_CURRENCY", "eur"),
        ("DEFAULT_PHONE_REGION", "XX"),
        ("FIRST_TOUCH_GRACE_HOURS", "-1"),
        ("FIRST_TOUCH_GRACE_HOURS", "a day"),
        ("HUBSPOT_BASE_URL", "api.hubapi.com"),
        ("AIRCALL_BASE_URL", "ftp://api.aircall.io"),
        ("RUN_DEADLINE_MINUTES", "soon"),
        ("DUCKDB_MEMORY_LIMIT", "3"),
        ("DUCKDB_MEMORY_LIMIT", "150%"),
        ("DUCKDB_MEMORY_LIMIT", "lots"),
        ("DUCKDB_PATH", "/proc/kpi/warehouse.duckdb"),
        ("EXPORT_DIR", "/proc/kpi-exports"),
    ],
)
def test_config_check_names_the_variable_of_each_bad_value(variable, value, tmp_path):
    # given
    environ = {**VALID, "DUCKDB_PATH": str(tmp_path / "w.duckdb"), "EXPORT_DIR": str(tmp_path)}
    environ[variable] = value
    # when
    problems = _problems(environ)
    # then exactly one line, naming the variable
    assert len(problems) == 1, problems
    assert problems[0].startswith(variable)


@pytest.mark.parametrize("value", ["3GB", "4GiB", "512 MB", "2.5gb", "25%", "100%"])
def test_config_check_accepts_duckdbs_spellings_of_a_memory_limit(value, tmp_path):
    environ = {**VALID, "DUCKDB_PATH": str(tmp_path / "w.duckdb"), "EXPORT_DIR": str(tmp_path)}
    assert _problems({**environ, "DUCKDB_MEMORY_LIMIT": value}) == []


def test_config_check_lists_every_problem_together(tmp_path):
    environ = {"REPORTING_CURRENCY": "EURO", "REPORTING_TIMEZONE": "Nowhere"}
    environ["DUCKDB_PATH"] = str(tmp_path / "w.duckdb")
    problems = _problems(environ)
    named = " ".join(problems)
    expected = ("HUBSPOT_ACCESS_TOKEN", "PII_HASH_KEY", "REPORTING_CURRENCY", "REPORTING_TIMEZONE")
    assert all(name in named for name in expected), problems


def test_config_check_refuses_a_path_under_a_file(tmp_path):
    (tmp_path / "file.txt").write_text("x")
    environ = {**VALID, "DUCKDB_PATH": str(tmp_path / "file.txt" / "w.duckdb")}
    environ["EXPORT_DIR"] = str(tmp_path)
    assert [p.split(":")[0] for p in _problems(environ)] == ["DUCKDB_PATH"]


def _seeds_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, folder)
    return folder


def test_seed_check_accepts_the_shipped_seeds():
    assert seed_problems() == []


def test_seed_check_refuses_a_header_in_another_order(tmp_path):
    # given columns swapped: dbt would load them by position into an existing table
    seeds = _seeds_copy(tmp_path)
    (seeds / "currency_rates.csv").write_text("rate_to_reporting,currency_code\n0.92,USD\n")
    # when
    problems = seed_problems(seeds, SEEDS_SCHEMA)
    # then
    assert len(problems) == 1
    assert "currency_rates.csv" in problems[0]
    assert "expected currency_code,rate_to_reporting" in problems[0]


def test_seed_check_names_the_line_of_a_value_of_the_wrong_type(tmp_path):
    seeds = _seeds_copy(tmp_path)
    (seeds / "sales_targets.csv").write_text(
        "agent_email,month,target_amount\na@x.fr,2026-13-01,100\nb@x.fr,2026-01-01,lots\n"
    )
    problems = seed_problems(seeds, SEEDS_SCHEMA)
    assert len(problems) == 2
    assert "line 2: month" in problems[0] and "line 3: target_amount" in problems[1]


def test_run_with_bad_settings_exits_2_before_any_extract_without_traceback(tmp_path):
    # given a sandbox run (no credentials needed) with two bad settings
    environment = {
        **os.environ,
        "DUCKDB_PATH": str(tmp_path / "w.duckdb"),
        "EXPORT_DIR": str(tmp_path / "exports"),
        "REPORTING_CURRENCY": "EURO",
        "REPORTING_TIMEZONE": "Europe/Pariss",
    }
    # when
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "run", "--sandbox", "--scale", "0.05"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    # then
    assert completed.returncode == 2
    assert "REPORTING_CURRENCY='EURO'" in completed.stderr
    assert "REPORTING_TIMEZONE='Europe/Pariss'" in completed.stderr
    assert "Traceback" not in completed.stderr + completed.stdout
    assert not (tmp_path / "w.duckdb").exists(), "nothing may be extracted or written"
