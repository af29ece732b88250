"""A real account's daily life over local HTTP: deletes, merges, restores, mid-sync edits,
lost updates. Each test reproduces one bullet of issue 7 that used to stop or corrupt a run."""

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from sandbox_streams import AS_OF, CAPS, sandbox_streams

from connectors.aircall.source import SOURCE as AIRCALL
from connectors.errors import FatalError
from connectors.hubspot.source import SOURCE as HUBSPOT
from connectors.registry import Stream, raw_row_count, reconcile, resync, sync_stream
from connectors.warehouse import raw_table
from sandbox import RunningSandbox, SandboxConfig, start_sandbox

# The default sandbox run reads these sources (HubSpot + Aircall).
RAW_STREAMS = HUBSPOT.stream_names + AIRCALL.stream_names


def config(**options: Any) -> SandboxConfig:
    return SandboxConfig(seed=7, scale=0.05, as_of=AS_OF, **{**CAPS, **options})


@pytest.fixture
def sandbox() -> Iterator[RunningSandbox]:
    with start_sandbox(config()) as running:
        yield running


def sync_all(streams: dict[str, Stream], path: Path, run_id: str) -> None:
    for stream in streams.values():
        sync_stream(stream, path, run_id)


def flags(path: Path, stream: str) -> dict[str, tuple[bool, bool]]:
    """id -> (is_archived, found gone)."""
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute(
            f"SELECT id, is_archived, _deleted_at IS NOT NULL FROM {raw_table(stream)}"
        ).fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


def test_deletes_merges_and_removals_no_longer_block_the_check(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    # given: a full sync, then a day of deletes at both vendors
    path, streams = tmp_path / "w.duckdb", sandbox_streams(sandbox.base_url)
    sync_all(streams, path, "run-1")
    changed = sandbox.mutate(
        archive_contacts=2, merge_contacts=2, delete_contacts=1, archive_deals=2,
        remove_users=1, remove_numbers=1, remove_teams=1,
    )  # fmt: skip
    # when
    sync_all(streams, path, "run-2")
    results = {name: reconcile(stream, path) for name, stream in streams.items()}
    # then: every check passes and raw holds what the vendors hold, the rest flagged
    assert {name: r.matches for name, r in results.items()} == dict.fromkeys(RAW_STREAMS, True)
    assert {name: raw_row_count(path, name, include_archived=True) for name in RAW_STREAMS} == (
        sandbox.totals()
    )
    contacts = flags(path, "hubspot/contacts")
    assert all(contacts[i] == (True, False) for i in changed["archive_contacts"])
    absorbed = [pair.split("<-")[1] for pair in changed["merge_contacts"]]
    assert all(contacts[i][1] for i in absorbed + changed["delete_contacts"])
    for kind in ("users", "numbers"):  # sandbox teams are removed by key; counted above
        rows = flags(path, f"aircall/{kind}")
        assert [i for i, (_, gone) in rows.items() if gone] == [str(changed[f"remove_{kind}"][0])]


def test_check_before_the_next_sync_leaves_out_records_deleted_since(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    # given: a full sync, then a hard delete and a merge before the check runs
    path, streams = tmp_path / "w.duckdb", sandbox_streams(sandbox.base_url)
    sync_all(streams, path, "run-1")
    sandbox.mutate(delete_contacts=1, merge_contacts=1)
    # when
    result = reconcile(streams["hubspot/contacts"], path)
    # then
    assert result.matches and result.gone_since == 2, result.message()


@pytest.mark.parametrize("touches", [True, False], ids=["restore-moves-modified", "quiet-restore"])
def test_restored_contacts_and_deals_flip_back_to_live(tmp_path: Path, touches: bool) -> None:
    with start_sandbox(config(restore_touches_modified=touches)) as sandbox:
        # given: records archived and synced, then restored at the vendor
        path, streams = tmp_path / "w.duckdb", sandbox_streams(sandbox.base_url)
        sync_all(streams, path, "run-1")
        archived = sandbox.mutate(archive_contacts=3, archive_deals=2)
        sync_all(streams, path, "run-2")
        restored = sandbox.mutate(restore_contacts=2, restore_deals=1)
        # when
        sync_all(streams, path, "run-3")
        # then
        contacts, deals = flags(path, "hubspot/contacts"), flags(path, "hubspot/deals")
        assert {contacts[i] for i in restored["restore_contacts"]} == {(False, False)}
        assert {deals[i] for i in restored["restore_deals"]} == {(False, False)}
        still = set(archived["archive_contacts"]) - set(restored["restore_contacts"])
        assert {contacts[i] for i in still} == {(True, False)}
        assert all(reconcile(stream, path).matches for stream in streams.values())


def test_edit_between_two_search_pages_loses_no_contact(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    # given: the contact modified longest ago (page 1 when sorted by modified time) is edited
    # right after the first search page; offset paging then skipped one contact for good
    path, streams = tmp_path / "w.duckdb", sandbox_streams(sandbox.base_url)
    sandbox.mutate_during("/crm/v3/objects/contacts/search", 1, edit_oldest_contacts=1)
    # when: the sync that is edited under it, then the next run
    sync_stream(streams["hubspot/contacts"], path, "run-1")
    sync_stream(streams["hubspot/contacts"], path, "run-2")
    # then
    assert sandbox.mid_sync_changes(), "the mid-sync edit never fired"
    with duckdb.connect(str(path), read_only=True) as con:
        raw_ids = {row[0] for row in con.execute("SELECT id FROM raw_hubspot.contacts").fetchall()}
    assert raw_ids == {str(record.id) for record in sandbox.business.contacts.all()}
    assert reconcile(streams["hubspot/contacts"], path).matches


def test_lost_update_is_caught_by_the_check_and_resync_recovers(tmp_path: Path) -> None:
    # given: an overlap shorter than the search index lag: an update invisible during the sync
    with start_sandbox(config(search_lag_seconds=2.0)) as sandbox:
        path = tmp_path / "w.duckdb"
        streams = sandbox_streams(sandbox.base_url, hubspot={"overlap_minutes": 0})
        stream = streams["hubspot/contacts"]
        sync_stream(stream, path, "run-1")
        sandbox.mutate(contacts=1)
        sync_stream(stream, path, "run-2")  # the update is still inside its index lag
        time.sleep(2.5)
        # when
        lost = reconcile(stream, path)
        # then: the row is there (a row count passes) but its update is not
        assert lost.rows_match and not lost.updates_match and not lost.matches
        assert "1 update(s) never landed" in lost.message()
        assert "kpi-pipeline resync hubspot/contacts" in lost.message()
        # and the documented way out works
        assert resync(path, "hubspot/contacts")
        sync_stream(stream, path, "run-3")
        assert reconcile(stream, path).matches


def test_lost_row_fails_the_check_with_what_differs(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    # given: a full sync, then one contact goes missing from raw
    path, stream = tmp_path / "w.duckdb", sandbox_streams(sandbox.base_url)["hubspot/contacts"]
    sync_stream(stream, path, "run-1")
    with duckdb.connect(str(path)) as con:
        (lost,) = con.execute("SELECT max(id) FROM raw_hubspot.contacts").fetchone()
        con.execute("DELETE FROM raw_hubspot.contacts WHERE id = ?", [lost])
    # when
    result = reconcile(stream, path)
    # then
    assert not result.matches and result.source_count == result.raw_count + 1
    assert lost in result.examples and "resync" in result.message()


def test_aircall_partial_read_marks_nothing_deleted(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    # given: users synced, one removed, and the next read fails on its second page
    path = tmp_path / "w.duckdb"
    users = sandbox_streams(sandbox.base_url, per_page=5)["aircall/users"]
    sync_stream(users, path, "run-1")
    sandbox.mutate(remove_users=1)
    sandbox.add_fault("/v1/users", "status", status=404, skip=1, body='{"error":"x"}')
    # when
    with pytest.raises(FatalError):
        sync_stream(users, path, "run-2")
    # then
    assert not any(gone for _, gone in flags(path, "aircall/users").values())


def test_aircall_read_cut_by_the_list_cap_marks_nothing_deleted(tmp_path: Path) -> None:
    # given: a list cap below the number of users (pages silently stop, meta.total stays true)
    with start_sandbox(config(aircall_list_cap=5)) as sandbox:
        path = tmp_path / "w.duckdb"
        users = sandbox_streams(sandbox.base_url, per_page=5)["aircall/users"]
        sync_stream(users, path, "run-1")
        with duckdb.connect(str(path)) as con:
            con.execute("INSERT INTO raw_aircall.users SELECT '999', '{}', NULL, false, now(), "
                        "'test', NULL")  # fmt: skip
        # when
        sync_stream(users, path, "run-2")
    # then
    assert not any(gone for _, gone in flags(path, "aircall/users").values())
