"""Build the warehouses under test: sandbox or hand-made fixture -> raw layer -> dbt."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from connectors.transport import DEFAULT_TRANSPORT

from . import fixture
from .settings import Settings, read_seeds

REPO = Path(__file__).resolve().parents[3]
DBT_PROJECT = REPO / "dbt_project"
SEED = 20260615
SCALE = 0.05  # a few thousand calls: enough for every edge case, small enough for seconds
AS_OF = date(2026, 6, 15)  # fixed, so the data set is the same on every run
PII_HASH_KEY = "recomputation-test-key"
PIPEDRIVE_RUN_AT = datetime(2026, 6, 16, tzinfo=UTC)  # dbt's "now" for the Pipedrive build
# The fixture's seed override must reach dbt too, so its build uses a copy of the project.
FIXTURE_CHANNEL_MAPPING = "business_line,channel,channel_label\n" + "".join(
    f"{line},{o.channel},{o.channel_label}\n"
    for line, o in fixture.settings().channel_mapping.items()
)


@dataclass(frozen=True, slots=True)
class BuiltWarehouse:
    path: Path
    settings: Settings  # what dbt was configured with, "now" being the time of its build


def sync_sandbox(path: Path) -> None:
    """Start the sandbox at a small fixed scale, messaging on, and sync every stream into `path`:
    HubSpot, Aircall and Twilio over HTTP, Aircall messages through a real webhook receiver."""
    from connectors.aircall.config import AircallConfig
    from connectors.hubspot.config import HubSpotConfig
    from connectors.registry import config_streams, source_named, sync_stream
    from orchestration.webhooks import receiver_in_thread
    from sandbox import SandboxConfig, start_sandbox

    config = SandboxConfig(seed=SEED, scale=SCALE, as_of=AS_OF, messaging=True)
    with start_sandbox(config) as sandbox:
        streams = config_streams(
            HubSpotConfig("sandbox-hubspot-token", base_url=sandbox.base_url),
            AircallConfig(
                "sandbox-aircall-id",
                "sandbox-aircall-token",
                base_url=sandbox.base_url,
                # the sandbox year ends at AS_OF; the default history is relative to today
                start_date=AS_OF - timedelta(days=400),
            ),
        )
        twilio = source_named("twilio")
        environ = {
            **twilio.sandbox_credentials,
            "TWILIO_CONVERSATIONS_BASE_URL": sandbox.base_url_for("twilio"),
            "TWILIO_HISTORY_DAYS": str((date.today() - AS_OF).days + 400),
        }
        streams |= twilio.streams(environ, DEFAULT_TRANSPORT)
        pushed = source_named("aircall_messages")
        folder = str(path.parent / "landing")
        landing = {**pushed.sandbox_credentials, "WEBHOOK_LANDING_DIR": folder}
        settings = pushed.settings(landing)
        with receiver_in_thread(pushed, settings) as url:
            sandbox.deliver_webhooks(pushed.name, url, settings["AIRCALL_WEBHOOK_TOKEN"])
        streams |= pushed.streams(landing, DEFAULT_TRANSPORT)
        for stream in streams.values():
            sync_stream(stream, path, "recomputation-test")


def dbt_build(path: Path, scratch: Path, settings: Settings, project: Path, *args: str) -> None:
    """`dbt build` on `path`, every setting pinned so no ambient variable changes a number."""
    env = os.environ | {
        "DUCKDB_PATH": str(path),
        "PII_HASH_KEY": settings.pii_hash_key,
        "REPORTING_TIMEZONE": settings.timezone,
        "REPORTING_CURRENCY": settings.currency,
        "DEFAULT_PHONE_REGION": settings.phone_region,
        "FIRST_TOUCH_GRACE_HOURS": str(int(settings.grace.total_seconds() // 3600)),
    }
    dbt = Path(sys.executable).with_name("dbt")
    command = [
        str(dbt), "build", "--project-dir", str(project), "--profiles-dir", str(project),
        "--target-path", str(scratch / "target"), "--log-path", str(scratch / "logs"), *args,
    ]  # fmt: skip
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(f"dbt build failed ({done.returncode}):\n{done.stdout[-6000:]}{done.stderr}")


def build_sandbox_warehouse(scratch: Path) -> BuiltWarehouse:
    path = scratch / "warehouse.duckdb"
    sync_sandbox(path)
    settings = Settings(now=_now(), pii_hash_key=PII_HASH_KEY, **read_seeds(DBT_PROJECT / "seeds"))
    dbt_build(path, scratch, settings, DBT_PROJECT)
    # dbt takes "now" from its own clock; every sandbox record is before AS_OF, so any instant
    # of the build gives the same numbers, unless the build straddles a month boundary.
    return BuiltWarehouse(path, settings)


def build_fixture_warehouse(scratch: Path) -> BuiltWarehouse:
    """The hand-made edge cases through dbt: models and seeds (its tests run on the sandbox)."""
    path = scratch / "fixture.duckdb"
    fixture.write_fixture(path)
    project = scratch / "dbt_project"
    ignore = shutil.ignore_patterns("target", "logs", "dbt_packages")
    shutil.copytree(DBT_PROJECT, project, ignore=ignore)
    (project / "seeds" / "channel_mapping.csv").write_text(FIXTURE_CHANNEL_MAPPING)
    settings = replace(fixture.settings(), now=_now(), **read_seeds(project / "seeds"))
    dbt_build(
        path, scratch, settings, project, "--resource-type", "seed", "--resource-type", "model"
    )
    return BuiltWarehouse(path, settings)


def build_pipedrive_warehouse(scratch: Path) -> BuiltWarehouse:
    """The sandbox world as a Pipedrive + Aircall deployment: raw written straight from the world
    (HubSpot's raw tables empty), then dbt with "now" pinned after every record."""
    import duckdb

    from sandbox import Business, SandboxConfig
    from sandbox.raw_writer import write_raw

    path = scratch / "pipedrive.duckdb"
    write_raw(path, Business(SandboxConfig(seed=SEED, scale=SCALE, as_of=AS_OF)), pipedrive=True)
    with duckdb.connect(str(path)) as con:
        for table in ("deals", "contacts", "owners", "deal_pipelines", "goal_targets"):
            con.execute(f"delete from raw_hubspot.{table}")
    settings = Settings(now=PIPEDRIVE_RUN_AT, pii_hash_key=PII_HASH_KEY,
                        **read_seeds(DBT_PROJECT / "seeds"))  # fmt: skip
    pinned = json.dumps({"RUN_AT": f"{PIPEDRIVE_RUN_AT:%Y-%m-%d %H:%M:%S}"})
    dbt_build(path, scratch, settings, DBT_PROJECT, "--vars", pinned)
    return BuiltWarehouse(path, settings)


def _now() -> datetime:
    return datetime.now(UTC)
