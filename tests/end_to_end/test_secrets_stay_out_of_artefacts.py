"""Fault 34: force auth failures at DEBUG level, run dbt at DEBUG with every secret in its
environment, then search the logs, the Dagster event log and run storage, dbt's logs/ and
target/, the warehouse, landing files and exports for the secrets: zero hits."""

import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from orchestration.assets import ingest
from orchestration.resources import SourcesResource, WarehouseResource
from sandbox import SandboxConfig, start_sandbox

REPO = Path(__file__).resolve().parents[2]
# Shaped like real credentials, so the patterns below would find a partial leak too.
WRONG_HUBSPOT_TOKEN = "pat-eu1-1f0c2d9e-aaaa-4bbb-8ccc-0123456789ab"
WRONG_AIRCALL_TOKEN = "ac-tok-5e9d1c0b7a3f48e2b6d4c8a0f1e3d5b7"
TOKEN_PATTERNS = [
    re.compile(rb"pat-[a-z]{2}\d-[0-9a-f]{8}"),
    re.compile(rb"5e9d1c0b7a3f48e2"),
    re.compile(rb"sandbox-(hubspot|aircall)-token"),
    re.compile(rb"Bearer [A-Za-z0-9]"),
    re.compile(rb"Basic [A-Za-z0-9+/=]{12}"),
]


def hits_in_files(root: Path, needles: list[bytes]) -> list[str]:
    """Files under ``root`` holding a needle or a token pattern."""
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if any(n in data for n in needles) or any(p.search(data) for p in TOKEN_PATTERNS):
            found.append(str(path))
    return found


def hits_in_text(text: str, needles: list[bytes]) -> bool:
    data = text.encode()
    return any(n in data for n in needles) or any(p.search(data) for p in TOKEN_PATTERNS)


def test_auth_failures_at_debug_leave_no_token_in_logs_or_dagster_storage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # given: wrong credentials for both vendors, DEBUG everywhere, Dagster storage on disk
    # Row 4 owns retries; without them the failures come at once.
    monkeypatch.setattr(ingest, "INGEST_RETRY_POLICY", None, raising=False)
    dagster_home = tmp_path / "dagster_home"
    dagster_home.mkdir()
    needles = [WRONG_HUBSPOT_TOKEN.encode(), WRONG_AIRCALL_TOKEN.encode()]
    with start_sandbox(SandboxConfig(seed=7, scale=0.05)) as sandbox:
        monkeypatch.setenv("SOURCES", "hubspot,aircall")
        monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", WRONG_HUBSPOT_TOKEN)
        monkeypatch.setenv("AIRCALL_API_ID", "sandbox-aircall-id")
        monkeypatch.setenv("AIRCALL_API_TOKEN", WRONG_AIRCALL_TOKEN)
        monkeypatch.setenv("HUBSPOT_BASE_URL", sandbox.base_url)
        monkeypatch.setenv("AIRCALL_BASE_URL", sandbox.base_url)
        sources = SourcesResource()
        defs = dg.Definitions(
            assets=[ingest.build_ingest_asset(s) for s in ("hubspot/owners", "aircall/users")],
            resources={
                "sources": sources,
                "warehouse": WarehouseResource(duckdb_path=str(tmp_path / "w.duckdb")),
            },
        )
        job = defs.resolve_implicit_global_asset_job_def()
        with (
            dg.DagsterInstance.local_temp(str(dagster_home)) as instance,
            caplog.at_level(logging.DEBUG),
        ):
            # when
            result = job.execute_in_process(
                instance=instance,
                raise_on_error=False,
                run_config={"loggers": {"console": {"config": {"log_level": "DEBUG"}}}},
            )
            entries = instance.all_logs(result.run_id)
            run_config = instance.get_run_by_id(result.run_id).run_config
    # then: both vendors really rejected the credentials...
    failures = [e.dagster_event for e in entries if e.dagster_event and e.dagster_event.is_failure]
    messages = " ".join(str(event.event_specific_data) for event in failures)
    assert not result.success and "HTTP 401" in messages
    # ...and no token is in the Python logs, the event log, the run config or run storage
    assert not hits_in_text(caplog.text, needles)
    assert not hits_in_text("\n".join(repr(entry) for entry in entries), needles)
    assert not hits_in_text(repr(run_config), needles)
    assert any(dagster_home.rglob("*.db")), "the run's event log must be on disk to be searched"
    assert hits_in_files(dagster_home, needles) == []


def test_token_search_finds_a_planted_token(tmp_path: Path) -> None:
    # given: the search above must be able to fail
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "a.log").write_text(f"GET /x Authorization: {WRONG_HUBSPOT_TOKEN[:16]}")
    # when / then
    assert hits_in_files(tmp_path, [WRONG_HUBSPOT_TOKEN.encode()]) == [str(tmp_path / "logs/a.log")]
    assert hits_in_text("Bearer abc", [])


@pytest.mark.slow
def test_a_debug_dbt_run_and_the_pipeline_artefacts_hold_no_secret(
    pipeline_run, tmp_path: Path
) -> None:
    # given: every secret of the run in dbt's environment, dbt at DEBUG on a copy of the run
    secrets = ["sandbox-hubspot-token", "sandbox-aircall-token", "test-only-pii-key"]
    needles = [secret.encode() for secret in secrets]
    duckdb_path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(pipeline_run.duckdb_path, duckdb_path)
    environment = dict(pipeline_run.environment, DUCKDB_PATH=str(duckdb_path))
    dbt = Path(sys.executable).with_name("dbt")
    # when: the model that reads PII_HASH_KEY runs with debug logging
    done = subprocess.run(
        [str(dbt), "--debug", "run", "--select", "int_customer_keys_hashed",
         "--project-dir", str(REPO / "dbt_project"), "--profiles-dir", str(REPO / "dbt_project"),
         "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
        cwd=REPO, env=environment, capture_output=True, text=True, check=False,
    )  # fmt: skip
    # then: it ran, and neither its output nor its logs/ and target/ hold a secret
    assert done.returncode == 0, done.stdout[-3000:]
    assert "int_customer_keys_hashed" in (tmp_path / "logs" / "dbt.log").read_text()
    assert not hits_in_text(done.stdout + done.stderr, needles)
    assert hits_in_files(tmp_path / "logs", needles) == []
    assert hits_in_files(tmp_path / "target", needles) == []
    # ...nor do the nightly run's own artefacts: dbt's target/ and logs/, warehouse, landing files
    # and exports
    for root in (REPO / "dbt_project" / "target", REPO / "dbt_project" / "logs",
                 pipeline_run.duckdb_path.parent):  # fmt: skip
        if root.exists():
            assert hits_in_files(root, needles) == [], root
    assert not hits_in_text(pipeline_run.output, needles)
