"""Fault 15: ``kill -9`` during extract, during load, and between the data write and the state
write; the rerun ends with the row counts and content of an uninterrupted sync.

A child process syncs the calls and sends itself SIGKILL at the chosen point of its fourth
checkpoint: while pages are being fetched, inside the load transaction before the merge, or
after the merge but before the cursor is written (data and state share one transaction).
"""

import hashlib
import subprocess
import sys
import textwrap
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from connectors.aircall.config import AircallConfig
from connectors.hubspot.config import HubSpotConfig
from connectors.registry import config_streams, sync_stream
from connectors.streams import parse_timestamp
from connectors.warehouse import raw_table, stream_cursor
from sandbox import SandboxConfig, start_sandbox

AS_OF = date(2026, 6, 15)
START = AS_OF - timedelta(days=120)
SANDBOX = SandboxConfig(seed=11, scale=0.1, as_of=AS_OF)

SYNC_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from datetime import date
    import connectors.landing as landing
    from connectors.aircall.config import AircallConfig
    from connectors.hubspot.config import HubSpotConfig
    from connectors.registry import config_streams, sync_stream

    base_url, duckdb_path, start, point = sys.argv[1:5]
    KILL_AT_CHECKPOINT = 4
    merges = 0

    def die():
        print(f"killing at {point}", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

    class KillingConnection:
        def __init__(self, con):
            self._con = con

        def execute(self, sql, *args):
            if merges == KILL_AT_CHECKPOINT:
                text = sql.lstrip().upper()
                is_state = "STREAM_STATE" in text
                # the merge's first write: INSERT of new keys, or INSERT OR REPLACE of known ones
                if point == "load" and text.startswith("INSERT") and not is_state:
                    die()
                if point == "between-data-and-state" and is_state:
                    die()
            return self._con.execute(sql, *args)

    original_merge = landing.merge_chunk

    def merge_chunk(con, *args, **kwargs):
        global merges
        merges += 1
        return original_merge(KillingConnection(con), *args, **kwargs)

    landing.merge_chunk = merge_chunk

    def report(progress):
        if point == "extract" and merges == KILL_AT_CHECKPOINT - 1 and not progress.checkpoint:
            if progress.pages and progress.records:
                die()

    aircall = AircallConfig("sandbox-aircall-id", "sandbox-aircall-token", base_url=base_url,
                            start_date=date.fromisoformat(start), window_days=3)
    streams = config_streams(HubSpotConfig("unused", base_url=base_url), aircall)
    # every safe point commits (checkpoint_seconds=0): the kill must land between commits
    sync_stream(streams["aircall/calls"], duckdb_path, "killed", report, checkpoint_records=100,
                checkpoint_seconds=0)
    print("finished", flush=True)
    """
)


def calls_stream(base_url: str):
    aircall = AircallConfig(
        "sandbox-aircall-id", "sandbox-aircall-token", base_url=base_url, start_date=START,
        window_days=3,
    )  # fmt: skip
    return config_streams(HubSpotConfig("unused", base_url=base_url), aircall)["aircall/calls"]


def table_fingerprint(path: Path) -> tuple[int, str]:
    """Row count and a content hash of the raw calls (ids and verbatim records)."""
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            f"SELECT id, CAST(record AS VARCHAR) FROM {raw_table('aircall/calls')} ORDER BY id"
        ).fetchall()
    digest = hashlib.sha256("\n".join(f"{i}\t{r}" for i, r in rows).encode()).hexdigest()
    return len(rows), digest


@pytest.fixture(scope="module")
def sandbox_and_reference(tmp_path_factory: pytest.TempPathFactory):
    with start_sandbox(SANDBOX) as sandbox:
        reference = tmp_path_factory.mktemp("reference") / "reference.duckdb"
        sync_stream(calls_stream(sandbox.base_url), reference, "clean-run")
        yield sandbox, reference


@pytest.mark.slow
@pytest.mark.parametrize("point", ["extract", "load", "between-data-and-state"])
def test_sync_killed_at_any_point_reruns_to_the_uninterrupted_table(
    sandbox_and_reference, tmp_path: Path, point: str
) -> None:
    # given: an uninterrupted sync for reference
    sandbox, reference = sandbox_and_reference
    killed = tmp_path / "killed.duckdb"
    # when: a sync in another process is killed with SIGKILL at the chosen point
    done = subprocess.run(
        [sys.executable, "-c", SYNC_SCRIPT, sandbox.base_url, str(killed), START.isoformat(),
         point],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    interrupted_rows, _ = table_fingerprint(killed)
    cursor_after_kill = stream_cursor(killed, "aircall/calls")
    # ...and the sync runs again from the stored cursor
    sync_stream(calls_stream(sandbox.base_url), killed, "rerun")
    # then: the kill hit the chosen point, left three whole checkpoints, and the rerun completed
    assert done.returncode == -9, done.stdout + done.stderr
    assert f"killing at {point}" in done.stdout
    assert 0 < interrupted_rows < table_fingerprint(reference)[0]
    assert cursor_after_kill is not None
    assert table_fingerprint(killed) == table_fingerprint(reference)
    # the calls cursor is "now" at the end of a sync: it only has to have moved on
    assert parse_timestamp(stream_cursor(killed, "aircall/calls")) > parse_timestamp(
        cursor_after_kill
    )
