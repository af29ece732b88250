"""`kill -9` in the middle of a sync, then a rerun: the raw table ends as after one clean sync."""

import subprocess
import sys
import textwrap
from datetime import date, timedelta
from pathlib import Path

import duckdb

from connectors.aircall.config import AircallConfig
from connectors.hubspot.config import HubSpotConfig
from connectors.registry import config_streams, sync_stream
from connectors.warehouse import raw_table
from sandbox import SandboxConfig, start_sandbox

AS_OF = date(2026, 6, 15)
SANDBOX = SandboxConfig(seed=11, scale=0.1, as_of=AS_OF)
# Small windows and checkpoints: many commits, so the kill lands between two of them.
AIRCALL_OPTIONS = {"start_date": AS_OF - timedelta(days=120), "window_days": 3}

SYNC_SCRIPT = textwrap.dedent(
    """
    import sys
    from datetime import date
    from connectors.aircall.config import AircallConfig
    from connectors.hubspot.config import HubSpotConfig
    from connectors.registry import config_streams, sync_stream

    base_url, duckdb_path, start = sys.argv[1], sys.argv[2], date.fromisoformat(sys.argv[3])
    aircall = AircallConfig("sandbox-aircall-id", "sandbox-aircall-token", base_url=base_url,
                            start_date=start, window_days=3)
    streams = config_streams(HubSpotConfig("unused", base_url=base_url), aircall)

    def report(progress):
        if progress.checkpoint:
            print(f"checkpoint {progress.records}", flush=True)

    # every safe point commits (checkpoint_seconds=0): the kill must land between commits
    sync_stream(streams["aircall/calls"], duckdb_path, "killed-run", report, checkpoint_records=100,
                checkpoint_seconds=0)
    print("finished", flush=True)
    """
)


def calls_stream(base_url: str):
    aircall = AircallConfig(
        "sandbox-aircall-id", "sandbox-aircall-token", base_url=base_url, **AIRCALL_OPTIONS
    )
    return config_streams(HubSpotConfig("unused", base_url=base_url), aircall)["aircall/calls"]


def raw_calls(path: Path) -> list[tuple[str, str]]:
    with duckdb.connect(str(path), read_only=True) as con:
        query = f"select id, cast(record as varchar) from {raw_table('aircall/calls')} order by id"
        return con.execute(query).fetchall()


def test_sync_killed_after_a_checkpoint_resumes_to_the_same_raw_table(tmp_path):
    with start_sandbox(SANDBOX) as sandbox:
        # given: a reference sync that was never interrupted
        reference = tmp_path / "reference.duckdb"
        sync_stream(calls_stream(sandbox.base_url), reference, "clean-run")
        # when: a sync in another process is killed with SIGKILL after its third checkpoint
        killed = tmp_path / "killed.duckdb"
        start = (AS_OF - timedelta(days=120)).isoformat()
        process = subprocess.Popen(
            [sys.executable, "-c", SYNC_SCRIPT, sandbox.base_url, str(killed), start],
            stdout=subprocess.PIPE,
            text=True,
        )
        checkpoints = 0
        for line in process.stdout:
            checkpoints += line.startswith("checkpoint")
            if checkpoints == 3:
                process.kill()
                break
        process.wait()
        interrupted = raw_calls(killed)
        # ...and the sync runs again from the stored cursor
        sync_stream(calls_stream(sandbox.base_url), killed, "rerun")
    # then: the kill really cut the sync short, and the rerun completed it exactly
    assert process.returncode == -9
    assert 0 < len(interrupted) < len(raw_calls(reference))
    assert raw_calls(killed) == raw_calls(reference)
