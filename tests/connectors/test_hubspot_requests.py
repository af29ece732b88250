"""HubSpot requests per record against the sandbox over HTTP: the rate limit is the wall on real
accounts, so no request may be spent that the vendor's minimum does not need. The savings never
cost correctness: a failure while search pages wait for their deal associations resumes with no
gap, and a first run that skips the key listing still marks nothing it should not."""

import math
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from connector_testkit import Sleeps

from connectors.errors import RetriesExhaustedError
from connectors.http import RetryPolicy
from connectors.hubspot.config import HubSpotConfig
from connectors.hubspot.search import SearchCursor
from connectors.hubspot.streams import build_hubspot_streams
from connectors.registry import Stream, raw_row_count, resync, stream_cursor, sync_stream
from connectors.transport import Transport
from connectors.warehouse import raw_table
from sandbox import RunningSandbox, SandboxConfig, start_sandbox

AS_OF = date(2026, 6, 15)
TOKEN = "sandbox-hubspot-token"
ASSOCIATIONS = "/crm/v4/associations/deals/contacts/batch/read"
SEARCH = "/crm/v3/objects/deals/search"


def streams(sandbox: RunningSandbox, **hubspot: Any) -> dict[str, Stream]:
    """The product's HubSpot streams with their default page sizes, batch sizes and caps."""
    transport = Transport(RetryPolicy(max_attempts=3, backoff_seconds=0.01), sleep=Sleeps())
    hub = HubSpotConfig(TOKEN, base_url=sandbox.base_url, transport=transport, **hubspot)
    return build_hubspot_streams(hub)


def requests_to(sandbox: RunningSandbox, path: str) -> int:
    return sandbox.stats().get(path, 0)


def raw_rows(path: Path, stream: str) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        query = f"SELECT id, CAST(record AS VARCHAR) FROM {raw_table(stream)}"
        return dict(con.execute(query).fetchall())


def live_deals(path: Path) -> int:
    return raw_row_count(path, "hubspot/deals", include_archived=False)


def test_deals_read_one_associations_batch_per_thousand_deals(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    # given
    path = tmp_path / "w.duckdb"
    sandbox.clear_stats()
    # when
    sync_stream(streams(sandbox)["hubspot/deals"], path, "run")
    # then: one batch per 1,000 searched deals, not one per search page of 200
    live = live_deals(path)
    assert live > 1000
    assert requests_to(sandbox, SEARCH) == math.ceil(live / 200)
    assert requests_to(sandbox, ASSOCIATIONS) == math.ceil(live / 1000)
    with_contacts = [r for r in raw_rows(path, "hubspot/deals").values() if '"associations"' in r]
    assert len(with_contacts) > live / 2


def test_deals_failing_while_pages_wait_for_associations_resume_with_no_gap(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    # given: pages of 20 deals, associations read per 100 (five pages), a commit every 40
    small = {"search_page_size": 20, "associations_batch_size": 100}
    clean, failed = tmp_path / "clean.duckdb", tmp_path / "failed.duckdb"
    sync_stream(streams(sandbox, **small)["hubspot/deals"], clean, "clean", checkpoint_records=40)
    stream = streams(sandbox, **small)["hubspot/deals"]
    # the 8th search page fails for good: pages 6 and 7 are waiting for their batch
    sandbox.add_fault(SEARCH, "status", status=503, times=3, skip=7)
    sandbox.clear_stats()
    # when
    with pytest.raises(RetriesExhaustedError):
        sync_stream(stream, failed, "failed", checkpoint_records=40)
    landed = raw_rows(failed, "hubspot/deals")
    cursor = SearchCursor.parse(stream_cursor(failed, "hubspot/deals"))
    batches_before_failure = requests_to(sandbox, ASSOCIATIONS)
    sync_stream(stream, failed, "resume", checkpoint_records=40)
    # then: only whole batches landed (pages 1-4, committed at 40 and 80), each deal with its
    # contacts, and the cursor names the last of them
    reference = raw_rows(clean, "hubspot/deals")
    assert batches_before_failure == 1
    assert len(landed) == 80
    assert all(reference[deal_id] == record for deal_id, record in landed.items())
    assert cursor.after_id == max(landed, key=int)
    # the rerun read on from that id and ends on the uninterrupted table
    assert raw_rows(failed, "hubspot/deals") == reference


def test_first_run_lists_no_keys_its_search_already_read(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    # given
    path = tmp_path / "w.duckdb"
    stream = streams(sandbox)["hubspot/contacts"]
    sandbox.clear_stats()
    # when
    sync_stream(stream, path, "run")
    # then: search pages and the archived list only, and the reconciliation is dated
    live = raw_row_count(path, "hubspot/contacts", include_archived=False)
    assert sandbox.stats() == {
        "/crm/v3/objects/contacts/search": math.ceil(live / 200),
        "/crm/v3/objects/contacts": 1,  # archived=true: the tombstone feed
    }
    assert SearchCursor.parse(stream_cursor(path, "hubspot/contacts")).keys_at is not None


def test_resynced_first_run_lists_keys_and_marks_a_hard_delete(tmp_path: Path) -> None:
    # given: a synced warehouse whose cursor is forgotten, and a contact deleted since
    with start_sandbox(SandboxConfig(seed=7, scale=0.05, as_of=AS_OF)) as sandbox:
        path = tmp_path / "w.duckdb"
        sync_stream(streams(sandbox)["hubspot/contacts"], path, "run-1")
        deleted = [str(i) for i in sandbox.mutate(delete_contacts=1)["delete_contacts"]]
        resync(path, "hubspot/contacts")
        sandbox.clear_stats()
        # when
        sync_stream(streams(sandbox)["hubspot/contacts"], path, "run-2")
        # then: raw held rows of its own, so every live id was listed, and the delete found
        assert sandbox.stats()["/crm/v3/objects/contacts"] > 1
    with duckdb.connect(str(path), read_only=True) as con:
        gone = con.execute(
            f"SELECT id FROM {raw_table('hubspot/contacts')} WHERE _deleted_at IS NOT NULL"
        ).fetchall()
    assert [row[0] for row in gone] == deleted
