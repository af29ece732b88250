"""Acceptance 3 of issue 7 (raw side): after a sequence of real-life changes, killed and stopped
runs, the next incremental run's raw tables equal those of a fresh full load of the same state.

To extend the comparison to published exports, build dbt and publish on both warehouses
returned by ``live_and_fresh_warehouses`` (tests/end_to_end/recompute has the helpers) and
compare the export folders.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import duckdb
import pytest
from sandbox_streams import AS_OF, CAPS, sandbox_streams

from connectors.aircall.source import SOURCE as AIRCALL
from connectors.errors import StopRequested
from connectors.hubspot.source import SOURCE as HUBSPOT
from connectors.registry import Stream, SyncProgress, raw_total_queries, reconcile, sync_stream
from connectors.stopping import StopToken
from connectors.warehouse import RAW_STREAMS, raw_table
from orchestration.erasure import rebuild_marts
from publishing import (
    DEFAULT_INVARIANTS,
    CsvFolderConfig,
    CsvFolderTarget,
    PublishConfig,
    publish,
)
from publishing.invariants import raw_total_invariants
from sandbox import RunningSandbox, SandboxConfig, start_sandbox

HERE = Path(__file__).resolve().parent
KILLED_SYNC = textwrap.dedent(
    """
    import sys
    from sandbox_streams import sandbox_streams
    from connectors.registry import sync_stream

    def report(progress):
        if progress.checkpoint:
            print(f"checkpoint {progress.stream} {progress.records}", flush=True)

    for stream in sandbox_streams(sys.argv[1]).values():
        sync_stream(stream, sys.argv[2], "killed-run", report, checkpoint_records=20)
    print("finished", flush=True)
    """
)

RAW_INVARIANTS = raw_total_invariants(raw_total_queries((HUBSPOT, AIRCALL)))


def sync_all(streams: dict[str, Stream], path: Path, run_id: str, **options: Any) -> None:
    for stream in streams.values():
        sync_stream(stream, path, run_id, **options)


def kill_mid_sync(sandbox: RunningSandbox, path: Path, after_checkpoints: int) -> int:
    """Run a sync in another process and SIGKILL it after a few committed checkpoints."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
    }
    process = subprocess.Popen([sys.executable, "-c", KILLED_SYNC, sandbox.base_url, str(path)],
                               stdout=subprocess.PIPE, text=True, env=env)  # fmt: skip
    assert process.stdout is not None
    seen = 0
    for line in process.stdout:
        seen += line.startswith("checkpoint")
        if seen == after_checkpoints:
            process.kill()
            break
    process.wait()
    return process.returncode


def stop_mid_sync(streams: dict[str, Stream], path: Path) -> None:
    """Stop a run between two pages of the contacts search, the way SIGTERM
    does: the signal handler of `kpi-pipeline run` sets the stop token the loader asks after each
    page (a real SIGTERM to a real run is tests/orchestration/test_stop_signals.py)."""
    token = StopToken()

    def stop(progress: SyncProgress) -> None:
        if progress.records >= 20:
            token.request("SIGTERM")

    with pytest.raises(StopRequested):
        sync_stream(streams["hubspot/contacts"], path, "stopped", stop, checkpoint_records=20,
                    should_stop=token)  # fmt: skip


def live_and_fresh_warehouses(tmp_path: Path) -> tuple[Path, Path]:
    """Live a month of changes on one warehouse, then load the final state fresh on another."""
    config = SandboxConfig(seed=7, scale=0.05, as_of=AS_OF, restore_touches_modified=False, **CAPS)
    lived, fresh = tmp_path / "lived.duckdb", tmp_path / "fresh.duckdb"
    with start_sandbox(config) as sandbox:
        streams = sandbox_streams(sandbox.base_url)
        sync_all(streams, lived, "run-1")
        sandbox.mutate(archive_contacts=4, merge_contacts=2, archive_deals=3, remove_users=1,
                       contacts=6, deals=6, new_contacts=3, new_deals=2)  # fmt: skip
        sandbox.mutate_during("/crm/v3/objects/contacts/search", 1, edit_oldest_contacts=1)
        # Associations are read right after each deals search page: an edit between two reads.
        sandbox.mutate_during("/crm/v4/associations/deals", 0, deals=2)
        sync_all(streams, lived, "run-2")
        assert len(sandbox.mid_sync_changes()) == 2, "the mid-sync edits never fired"
        sandbox.mutate(restore_contacts=2, restore_deals=1, delete_contacts=1, merge_contacts=1,
                       contacts=3, remove_numbers=1)  # fmt: skip
        assert kill_mid_sync(sandbox, lived, after_checkpoints=3) == -9
        sandbox.mutate(deals=4, new_contacts=1)
        stop_mid_sync(streams, lived)
        sandbox.mutate(archive_contacts=1, remove_teams=1, edit_oldest_contacts=2)
        sync_all(streams, lived, "run-final")
        assert all(reconcile(stream, lived).matches for stream in streams.values())
        sync_all(sandbox_streams(sandbox.base_url), fresh, "fresh")
    return lived, fresh


def raw_state(path: Path, stream: str) -> tuple[dict[str, tuple[Any, ...]], set[str]]:
    """Rows the vendor still holds, by id (record, flags, modified time), and ids found gone."""
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            f"SELECT id, CAST(record AS VARCHAR), is_archived, modified_at, _deleted_at IS NULL "
            f"FROM {raw_table(stream)}"
        ).fetchall()
    held = {row[0]: row[1:4] for row in rows if row[4]}
    return held, {row[0] for row in rows if not row[4]}


@pytest.mark.slow
def test_incremental_run_after_a_month_of_changes_equals_a_fresh_full_load(tmp_path: Path) -> None:
    # given / when
    lived, fresh = live_and_fresh_warehouses(tmp_path)
    # then: per table the same records with the same flags; what the vendor dropped is flagged
    for stream in RAW_STREAMS:
        lived_rows, gone = raw_state(lived, stream)
        fresh_rows, fresh_gone = raw_state(fresh, stream)
        assert fresh_gone == set(), stream
        assert lived_rows == fresh_rows, stream
        assert gone.isdisjoint(fresh_rows), stream
    assert raw_state(lived, "hubspot/contacts")[1], "no contact was found gone"
    assert raw_state(lived, "aircall/users")[1], "no user was found gone"


def published_files(warehouse: Path, scratch: Path) -> dict[str, bytes]:
    """dbt build, then a CSV publication of the warehouse: every export file's bytes."""
    assert rebuild_marts(warehouse) == ""
    target = CsvFolderTarget(CsvFolderConfig(scratch / "exports"))
    publish(warehouse, [target], PublishConfig(invariants=DEFAULT_INVARIANTS + RAW_INVARIANTS))
    current = scratch / "exports" / "current"
    return {
        path.relative_to(current).as_posix(): path.read_bytes()
        for path in sorted(current.rglob("*.csv"))
    }


# The heavy variant: the raw and mart equality above runs in CI; this one adds the publish.
@pytest.mark.heavy
def test_incremental_run_after_a_month_of_changes_publishes_what_a_fresh_full_load_publishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the lived warehouse and a fresh full load of the same final state
    monkeypatch.setenv("PII_HASH_KEY", "account-life-test-key")
    lived, fresh = live_and_fresh_warehouses(tmp_path)
    # when: both are built and published
    lived_exports = published_files(lived, tmp_path / "lived-build")
    fresh_exports = published_files(fresh, tmp_path / "fresh-build")
    # then: the same export files, byte for byte
    assert lived_exports.keys() == fresh_exports.keys()
    differing = [name for name in lived_exports if lived_exports[name] != fresh_exports[name]]
    assert differing == []
