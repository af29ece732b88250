"""`kpi-pipeline check` against the sandbox served on its own, over real HTTP, as a user would:
one line per item, OK or what to fix, no secret, and an exit code per kind of failure."""

import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tests.conftest import free_port, pipeline_environment, start_sandbox_process

SECRETS = ("sandbox-hubspot-token", "sandbox-aircall-token", "test-only-pii-key")


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    port = free_port()
    process = start_sandbox_process(port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def check(environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "check"],
        env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def lines_of(completed: subprocess.CompletedProcess) -> dict[str, str]:
    """`<item>` -> `OK  ...` or `FAIL ...`, from the check's output."""
    items = {}
    for line in completed.stdout.splitlines():
        status, _, rest = line.partition("  ")
        if status.strip() in ("OK", "FAIL"):
            item, _, detail = rest.strip().partition(": ")
            items.setdefault(item, f"{status.strip()} {detail}")
    return items


def test_the_sandbox_passes_every_check(sandbox_url, tmp_path):
    # given the documented variables pointing at the sandbox
    environment = pipeline_environment(sandbox_url, tmp_path / "w.duckdb")
    # when
    completed = check(environment)
    # then: configuration, both sources and both targets OK, nothing written
    assert completed.returncode == 0, completed.stdout + completed.stderr
    items = lines_of(completed)
    assert list(items) == [
        "configuration",
        "source HubSpot",
        "source Aircall",
        f"target CSV folder {tmp_path / 'exports' / 'current'}",
        f"target DuckDB file {tmp_path / 'exports' / 'kpis.duckdb'}",
    ]
    assert all(status.startswith("OK") for status in items.values()), items
    assert not any(secret in completed.stdout + completed.stderr for secret in SECRETS)
    assert list(tmp_path.iterdir()) == [], "a check writes nothing"


def test_a_wrong_token_names_the_variable_to_fix_and_never_the_token(sandbox_url, tmp_path):
    environment = pipeline_environment(sandbox_url, tmp_path / "w.duckdb")
    environment["AIRCALL_API_TOKEN"] = "sandbox-aircall-token-but-wrong"
    completed = check(environment)
    assert completed.returncode == 4, completed.stdout + completed.stderr
    items = lines_of(completed)
    assert items["source Aircall"].startswith("FAIL Aircall rejected the credentials (HTTP 401)")
    assert "check AIRCALL_API_ID and AIRCALL_API_TOKEN" in items["source Aircall"]
    assert items["source HubSpot"].startswith("OK")
    assert "but-wrong" not in completed.stdout + completed.stderr


def test_a_closed_port_fails_fast_naming_the_base_url_variable(sandbox_url, tmp_path):
    environment = pipeline_environment(sandbox_url, tmp_path / "w.duckdb")
    environment["HUBSPOT_BASE_URL"] = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    completed = check(environment)
    assert time.monotonic() - started < 30  # the interpreter's start included
    assert completed.returncode == 4, completed.stdout + completed.stderr
    assert "cannot connect" in lines_of(completed)["source HubSpot"]
    assert "check HUBSPOT_BASE_URL" in lines_of(completed)["source HubSpot"]


def test_an_unwritable_export_folder_says_which_variable(sandbox_url, tmp_path):
    # given EXPORT_DIR where nothing can be created (not even root can write /proc)
    environment = pipeline_environment(sandbox_url, tmp_path / "w.duckdb")
    environment["EXPORT_DIR"] = "/proc/kpi-exports"
    completed = check(environment)
    # then a configuration failure (exit 2), and the folder target names EXPORT_DIR too
    assert completed.returncode == 2, completed.stdout + completed.stderr
    items = lines_of(completed)
    assert items["configuration"].startswith("FAIL EXPORT_DIR: cannot write in /proc")
    assert "check EXPORT_DIR" in items["target CSV folder /proc/kpi-exports/current"]
    assert items["source HubSpot"].startswith("OK") and items["source Aircall"].startswith("OK")


def test_a_run_refused_by_a_check_extracts_nothing(sandbox_url, tmp_path):
    # given a wrong token: `run` makes the same checks before it extracts
    environment = pipeline_environment(sandbox_url, tmp_path / "w.duckdb")
    environment["HUBSPOT_ACCESS_TOKEN"] = "wrong-token"
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "run"],
        env={**environment, "ALERT_WEBHOOK_URL": ""}, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    # then: the source's exit code, what to fix in a few lines, and no warehouse at all
    assert completed.returncode == 4, completed.stdout + completed.stderr
    assert "Run FAILED: a source failed its check (exit 4)" in completed.stderr
    assert "check HUBSPOT_ACCESS_TOKEN" in completed.stderr
    assert "Traceback" not in completed.stdout + completed.stderr
    assert not (tmp_path / "w.duckdb").exists()
    assert len(completed.stdout.splitlines() + completed.stderr.splitlines()) < 12
