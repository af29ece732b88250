"""Shared fixtures: one real pipeline run over a sandbox started on its own, as a user would."""

import json
import os
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# Small and pinned: the whole suite reuses this one run, and a fixed day keeps it reproducible.
SANDBOX_SCALE = "0.25"
SANDBOX_SEED = "7"
SANDBOX_AS_OF = "2026-10-31"
TEST_PII_HASH_KEY = "test-only-pii-key"
SOURCE_VARIABLES = (
    "HUBSPOT_ACCESS_TOKEN",
    "HUBSPOT_BASE_URL",
    "AIRCALL_API_ID",
    "AIRCALL_API_TOKEN",
    "AIRCALL_BASE_URL",
)


def pytest_configure(config: pytest.Config) -> None:
    """Write the dbt manifest once, before any xdist worker starts.

    Pipeline runs call `prepare_dbt_manifest()` when it is stale; two workers doing so at the
    same time would both write dbt_project/target/manifest.json. `make test` prepares it too.
    """
    if hasattr(config, "workerinput"):
        return
    from orchestration.project import DBT_PROJECT_DIR, prepare_dbt_manifest

    if (DBT_PROJECT_DIR / "dbt_project.yml").exists():
        prepare_dbt_manifest()


@dataclass(frozen=True)
class PipelineRun:
    """A finished `kpi-pipeline run` and the sandbox it read."""

    duckdb_path: Path
    sandbox_url: str
    environment: dict[str, str]
    output: str

    @property
    def export_dir(self) -> Path:
        return Path(self.environment["EXPORT_DIR"])

    def sandbox_totals(self) -> dict[str, int]:
        with urllib.request.urlopen(f"{self.sandbox_url}/_sandbox/totals", timeout=30) as answer:
            return json.load(answer)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_sandbox_process(port: int) -> subprocess.Popen:
    """`kpi-pipeline sandbox` in its own process; returns once it serves."""
    command = [sys.executable, "-m", "orchestration.cli", "sandbox", "--port", str(port)]
    command += ["--scale", SANDBOX_SCALE, "--seed", SANDBOX_SEED, "--as-of", SANDBOX_AS_OF]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in process.stdout:
        if line.startswith("Sandbox serving"):
            return process
    raise RuntimeError(f"the sandbox did not start (exit code {process.wait()})")


def pipeline_environment(sandbox_url: str, duckdb_path: Path) -> dict[str, str]:
    """Only the documented variables point the pipeline at the sandbox."""
    environment = {k: v for k, v in os.environ.items() if k not in SOURCE_VARIABLES}
    environment.update(
        HUBSPOT_ACCESS_TOKEN="sandbox-hubspot-token",
        HUBSPOT_BASE_URL=sandbox_url,
        AIRCALL_API_ID="sandbox-aircall-id",
        AIRCALL_API_TOKEN="sandbox-aircall-token",
        AIRCALL_BASE_URL=sandbox_url,
        DUCKDB_PATH=str(duckdb_path),
        EXPORT_DIR=str(duckdb_path.parent / "exports"),
        PII_HASH_KEY=TEST_PII_HASH_KEY,
    )
    return environment


@pytest.fixture(scope="session")
def pipeline_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PipelineRun]:
    """Start the sandbox, then `kpi-pipeline run` (real-source mode) against it, once a session."""
    port = free_port()
    sandbox = start_sandbox_process(port)
    try:
        sandbox_url = f"http://127.0.0.1:{port}"
        duckdb_path = tmp_path_factory.mktemp("pipeline") / "warehouse.duckdb"
        environment = pipeline_environment(sandbox_url, duckdb_path)
        completed = subprocess.run(
            [sys.executable, "-m", "orchestration.cli", "run"],
            env=environment,
            capture_output=True,
            text=True,
            timeout=900,
        )
        output = completed.stdout + completed.stderr
        assert completed.returncode == 0, f"kpi-pipeline run failed:\n{output[-6000:]}"
        yield PipelineRun(duckdb_path, sandbox_url, environment, output)
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=30)
