"""Build the warehouse under test end to end: sandbox -> connectors -> raw layer -> dbt build."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
DBT_PROJECT = REPO / "dbt_project"
SEED = 20260615
SCALE = 0.05  # a few thousand calls: enough for every edge case, small enough for seconds
AS_OF = date(2026, 6, 15)  # fixed, so the data set is the same on every run
PII_HASH_KEY = "recomputation-test-key"


@dataclass(frozen=True, slots=True)
class BuiltWarehouse:
    path: Path
    now: datetime  # the run's time as dbt saw it ("now" for open deals and the last month)
    pii_hash_key: str


def sync_sandbox(path: Path) -> None:
    from connectors.config import AircallConfig, HubSpotConfig
    from connectors.registry import build_streams, sync_stream
    from connectors.sandbox import SandboxConfig, start_sandbox

    with start_sandbox(SandboxConfig(seed=SEED, scale=SCALE, as_of=AS_OF)) as sandbox:
        streams = build_streams(
            HubSpotConfig("sandbox-hubspot-token", base_url=sandbox.base_url),
            AircallConfig(
                "sandbox-aircall-id",
                "sandbox-aircall-token",
                base_url=sandbox.base_url,
                # the sandbox year ends at AS_OF; the default history is relative to today
                start_date=AS_OF - timedelta(days=400),
            ),
        )
        for stream in streams.values():
            sync_stream(stream, path, "recomputation-test")


def dbt_build(path: Path, scratch: Path) -> None:
    env = os.environ | {"DUCKDB_PATH": str(path), "PII_HASH_KEY": PII_HASH_KEY}
    dbt = Path(sys.executable).with_name("dbt")
    command = [
        str(dbt), "build", "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
        "--target-path", str(scratch / "target"), "--log-path", str(scratch / "logs"),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(f"dbt build failed ({done.returncode}):\n{done.stdout[-6000:]}{done.stderr}")
