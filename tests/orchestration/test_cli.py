"""The `kpi-pipeline` command line: refusals and help, run as a user would."""

import os
import subprocess
import sys

from orchestration.cli import build_parser
from publishing import EXPORT_COLUMNS

SECRETS = ("HUBSPOT_ACCESS_TOKEN", "AIRCALL_API_ID", "AIRCALL_API_TOKEN", "PII_HASH_KEY")


def run_cli(*args: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def test_run_without_credentials_fails_at_once_naming_the_missing_variables(tmp_path):
    # given: blank secrets (blank, not unset, so a developer's .env cannot fill them in)
    environment = {
        **os.environ,
        **dict.fromkeys(SECRETS, ""),
        "DUCKDB_PATH": str(tmp_path / "w.db"),
    }
    environment["HUBSPOT_ACCESS_TOKEN"] = "pat-present-but-others-missing"
    # when
    completed = run_cli("run", environment=environment)
    # then
    assert completed.returncode == 2
    for name in ("AIRCALL_API_ID", "AIRCALL_API_TOKEN", "PII_HASH_KEY"):
        assert name in completed.stderr
    assert "HUBSPOT_ACCESS_TOKEN" not in completed.stderr
    assert "pat-present-but-others-missing" not in completed.stderr + completed.stdout
    assert not (tmp_path / "w.db").exists(), "nothing may be extracted or written"


def test_parser_knows_every_documented_command():
    parser = build_parser()
    assert parser.parse_args(["run", "--sandbox", "--scale", "2"]).scale == 2.0
    assert parser.parse_args(["sandbox", "--port", "9000"]).port == 9000
    assert parser.parse_args(["prepare"]).command == "prepare"


def test_looker_link_prints_one_gcs_data_source_per_export_table():
    # given
    environment = {**os.environ, "LOOKER_GCS_BUCKET": "acme-bi", "LOOKER_GCS_PREFIX": "kpis"}
    # when
    completed = run_cli("looker-link", "--report-id", "tmpl-1", environment=environment)
    # then
    assert completed.returncode == 0, completed.stderr
    url = completed.stdout.strip()
    assert url.startswith("https://lookerstudio.google.com/reporting/create?c.reportId=tmpl-1")
    assert "ds.ds7.path=acme-bi%2Fkpis%2Fkpi_calls_daily" in url
    # one alias per contract table, no more
    assert f"ds.ds{len(EXPORT_COLUMNS) - 1}.path=" in url
    assert f"ds.ds{len(EXPORT_COLUMNS)}." not in url


def test_looker_link_without_a_bucket_says_what_to_set():
    environment = {**os.environ, "LOOKER_GCS_BUCKET": ""}
    completed = run_cli("looker-link", environment=environment)
    assert completed.returncode == 2
    assert "LOOKER_GCS_BUCKET" in completed.stderr
