"""The loader: NDJSON chunks merged into raw tables, cursor in the same transaction."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from connectors.errors import MalformedResponseError, QuotaExhaustedError
from connectors.landing import landing_line, sync_stream
from connectors.streams import Page, RecordShape, SyncProgress, format_timestamp
from connectors.warehouse import (
    RAW_STREAMS,
    ensure_raw_schema,
    raw_row_count,
    raw_tables_exist,
    stream_cursor,
)

SHAPE = RecordShape(("properties", "hs_lastmodifieddate"), "archived")


def deal(
    deal_id: int | str, modified: str, name: str = "Acme", archived: bool = False
) -> dict[str, Any]:
    return {
        "id": str(deal_id),
        "archived": archived,
        "properties": {"dealname": name, "hs_lastmodifieddate": modified},
    }


class FakeStream:
    """A stream replaying fixed pages; ``fail_after`` raises once that many pages were read."""

    name, source, table, shape = "hubspot/deals", "hubspot", "deals", SHAPE

    def __init__(
        self, pages: list[Page], fail_after: int | None = None, error: Exception | None = None
    ) -> None:
        self.pages, self.fail_after, self.error = pages, fail_after, error
        self.cursors_seen: list[str | None] = []

    def read(self, cursor: str | None) -> Iterator[Page]:
        self.cursors_seen.append(cursor)
        for number, page in enumerate(self.pages):
            if self.fail_after is not None and number == self.fail_after:
                raise self.error or RuntimeError("vendor went away")
            yield page

    def source_total(self) -> int | None:
        return None


def raw_rows(path: Path, table: str = "raw_hubspot.deals") -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path)) as con:
        return con.execute(
            f"SELECT id, CAST(record AS VARCHAR), is_archived FROM {table} ORDER BY id"
        ).fetchall()


def compact_sorted(record: dict[str, Any]) -> str:
    """The record text raw keeps, written independently of the connector's encoder."""
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def pages_of(records: list[dict[str, Any]], size: int) -> list[Page]:
    pages = []
    for start in range(0, len(records), size):
        chunk = records[start : start + size]
        cursor = max(r["properties"]["hs_lastmodifieddate"] for r in records[: start + size])
        pages.append(Page(chunk, cursor))
    return pages


def test_sync_first_run_inserts_and_identical_rerun_changes_nothing(tmp_path: Path) -> None:
    # given
    db = tmp_path / "warehouse.duckdb"
    records = [deal(n, f"2024-06-0{n}T10:00:00.000Z") for n in range(1, 6)]
    # when
    first = sync_stream(FakeStream(pages_of(records, 2)), db, "run-1")
    second = sync_stream(FakeStream(pages_of(records, 2)), db, "run-2")
    # then
    assert (first.records, first.pages, first.inserted, first.updated) == (5, 3, 5, 0)
    assert (second.inserted, second.updated) == (0, 0)
    assert first.cursor == second.cursor == "2024-06-05T10:00:00.000Z"
    assert stream_cursor(db, "hubspot/deals") == "2024-06-05T10:00:00.000Z"


def test_sync_updates_only_changed_records_that_are_not_older(tmp_path: Path) -> None:
    # given
    db = tmp_path / "warehouse.duckdb"
    sync_stream(
        FakeStream(
            [Page([deal(1, "2024-06-01T00:00:00Z"), deal(2, "2024-06-01T00:00:00Z")], "c1")]
        ),
        db,
        "r1",
    )
    changed = [
        deal(1, "2024-06-02T00:00:00Z", name="Acme v2"),
        deal(2, "2024-05-01T00:00:00Z", name="stale"),
    ]
    # when
    result = sync_stream(FakeStream([Page(changed, "c2")]), db, "r2")
    # then
    assert (result.inserted, result.updated) == (0, 1)
    names = {row[0]: json.loads(row[1])["properties"]["dealname"] for row in raw_rows(db)}
    assert names == {"1": "Acme v2", "2": "Acme"}


def test_sync_dedupes_within_a_batch_keeping_the_newest(tmp_path: Path) -> None:
    # given
    db = tmp_path / "warehouse.duckdb"
    versions = [
        deal(7, "2024-06-02T00:00:00Z", "new"),
        deal(7, "2024-06-01T00:00:00Z", "old"),
        deal(7, "2024-06-02T00:00:00Z", "new, read last"),
    ]
    # when
    result = sync_stream(FakeStream([Page(versions[:2], "a"), Page(versions[2:], "b")]), db, "r1")
    # then
    assert (result.inserted, result.updated) == (1, 0)
    assert json.loads(raw_rows(db)[0][1])["properties"]["dealname"] == "new, read last"


def test_sync_keeps_records_verbatim_with_text_ids(tmp_path: Path) -> None:
    # given
    db = tmp_path / "warehouse.duckdb"
    record = {
        "zeta": 1,
        "id": 2**60 + 1,
        "archived": True,
        "new_field": {"b": [1.5, None]},
        "properties": {"hs_lastmodifieddate": "2024-06-01T00:00:00.123Z"},
    }
    # when
    sync_stream(FakeStream([Page([record], "c")]), db, "r1")
    # then
    (row,) = raw_rows(db)
    assert row == (str(2**60 + 1), compact_sorted(record), True)


def test_records_orjson_refuses_take_the_same_text_through_the_fallback(tmp_path: Path) -> None:
    # given: an integer past 64 bits, which orjson refuses, next to ordinary fields
    db = tmp_path / "warehouse.duckdb"
    record = {"id": 2**70, "b": "é", "a": [1, {"d": None, "c": 2.5}]}
    # when
    sync_stream(FakeStream([Page([record], "c")]), db, "r1")
    # then: the same compact sorted text, the integer exact
    (row,) = raw_rows(db)
    assert row == (str(2**70), compact_sorted(record), False)


def test_rows_stored_with_spaced_text_are_not_changed_by_an_identical_read(tmp_path: Path) -> None:
    # given: raw rows landed before the record text became compact (spaces after separators)
    db = tmp_path / "warehouse.duckdb"
    records = [deal(n, "2024-06-01T00:00:00Z") for n in range(3)]
    sync_stream(FakeStream([Page(records, "c1")]), db, "r1")
    with duckdb.connect(str(db)) as con:
        for record in records:
            con.execute(
                "UPDATE raw_hubspot.deals SET record = CAST(? AS JSON) WHERE id = ?",
                [json.dumps(record, sort_keys=True), str(record["id"])],
            )
    changed = {**records[1], "properties": {**records[1]["properties"], "dealname": "renamed"}}
    # when: the same records are read again, one of them changed
    result = sync_stream(FakeStream([Page([records[0], changed, records[2]], "c2")]), db, "r2")
    # then: only the changed one is replaced
    assert (result.inserted, result.updated) == (0, 1)
    assert raw_rows(db)[1][1] == compact_sorted(changed)


def test_sync_failure_before_a_checkpoint_keeps_the_old_cursor(tmp_path: Path) -> None:
    # given
    db = tmp_path / "warehouse.duckdb"
    sync_stream(FakeStream([Page([deal(1, "2024-06-01T00:00:00Z")], "2024-06-01")]), db, "r1")
    pages = [Page([deal(2, "2024-06-02T00:00:00Z")], "2024-06-02"), Page([], "2024-06-03")]
    broken = FakeStream(pages, fail_after=1, error=MalformedResponseError("HTML page"))
    # when
    with pytest.raises(MalformedResponseError):
        sync_stream(broken, db, "r2")
    # then
    assert stream_cursor(db, "hubspot/deals") == "2024-06-01"
    assert [row[0] for row in raw_rows(db)] == ["1"]


def test_sync_quota_exhausted_keeps_complete_pages_and_their_cursor(tmp_path: Path) -> None:
    # given
    db = tmp_path / "warehouse.duckdb"
    pages = [Page([deal(1, "2024-06-01T00:00:00Z")], "2024-06-01"), Page([], "2024-06-02")]
    stream = FakeStream(pages, fail_after=1, error=QuotaExhaustedError("daily"))
    # when
    with pytest.raises(QuotaExhaustedError):
        sync_stream(stream, db, "r1")
    # then
    assert stream_cursor(db, "hubspot/deals") == "2024-06-01"
    assert raw_row_count(db, "hubspot/deals") == 1


def test_sync_crash_after_a_checkpoint_resumes_to_the_same_tables(tmp_path: Path) -> None:
    # given: 250 records sharing one modified time across a page boundary
    same = "2024-06-01T12:00:00.000Z"
    records = [deal(n, same) for n in range(250)] + [
        deal(n, "2024-06-02T00:00:00Z") for n in range(250, 300)
    ]
    clean_db, crashed_db = tmp_path / "clean.duckdb", tmp_path / "crashed.duckdb"
    sync_stream(FakeStream(pages_of(records, 200)), clean_db, "clean", checkpoint_records=100)

    def crash_at_first_checkpoint(progress: SyncProgress) -> None:
        if progress.checkpoint:
            raise KeyboardInterrupt("killed")

    # when
    with pytest.raises(KeyboardInterrupt):
        sync_stream(
            FakeStream(pages_of(records, 200)), crashed_db, "crash", crash_at_first_checkpoint, 100
        )
    committed = raw_row_count(crashed_db, "hubspot/deals")
    resumed = FakeStream(pages_of(records, 200))
    sync_stream(resumed, crashed_db, "resume", checkpoint_records=100)
    # then
    assert committed == 200 and resumed.cursors_seen == [same]
    assert raw_rows(crashed_db) == raw_rows(clean_db)
    assert raw_row_count(crashed_db, "hubspot/deals") == 300


def windows(count: int, per_window: int = 3) -> list[Page]:
    """``count`` windows of deals, each ending with a safe point carrying its cursor."""
    pages = []
    for window in range(count):
        day = f"2024-06-{window + 1:02d}"
        records = [deal(window * 100 + n, f"{day}T10:00:00Z") for n in range(per_window)]
        pages += [Page(records), Page([], day, checkpoint=True)]
    return pages


def test_sync_commits_fast_small_windows_together(tmp_path: Path) -> None:
    # given: five small windows read faster than checkpoint_seconds
    db = tmp_path / "warehouse.duckdb"
    # when
    result = sync_stream(FakeStream(windows(5)), db, "r1", checkpoint_seconds=60)
    # then: one commit holds them all, with the last window's cursor
    assert (result.checkpoints, result.inserted, result.cursor) == (1, 15, "2024-06-05")
    assert stream_cursor(db, "hubspot/deals") == "2024-06-05"


def test_sync_commits_every_safe_point_when_checkpoint_seconds_is_zero(tmp_path: Path) -> None:
    # given
    db = tmp_path / "warehouse.duckdb"
    # when
    result = sync_stream(FakeStream(windows(5)), db, "r1", checkpoint_seconds=0)
    # then
    assert (result.checkpoints, result.inserted, result.cursor) == (5, 15, "2024-06-05")


def test_sync_failure_after_uncommitted_safe_points_keeps_the_committed_cursor(
    tmp_path: Path,
) -> None:
    # given: a first run committed up to 2024-06-01, the next one fails after two quick windows
    db = tmp_path / "warehouse.duckdb"
    sync_stream(FakeStream(windows(1)), db, "r1")
    broken = FakeStream(windows(3)[2:], fail_after=3)
    # when
    with pytest.raises(RuntimeError):
        sync_stream(broken, db, "r2", checkpoint_seconds=60)
    # then: neither their records nor their cursor landed; the next run reads them again
    assert stream_cursor(db, "hubspot/deals") == "2024-06-01"
    assert raw_row_count(db, "hubspot/deals") == 3


def test_sync_commits_pending_deletions_at_the_next_safe_point(tmp_path: Path) -> None:
    # given: deal 9 in raw; a run finds it gone, then lands it again in a later window
    pages = [
        Page([deal(1, "2024-06-02T00:00:00Z")], gone=("9",)),
        Page([], "c1", checkpoint=True),
        Page([deal(9, "2024-06-03T00:00:00Z", name="back")]),
        Page([], "c2", checkpoint=True),
    ]
    states = []
    for seconds in (60, 0):
        db = tmp_path / f"warehouse-{seconds}.duckdb"
        sync_stream(FakeStream([Page([deal(9, "2024-06-01T00:00:00Z")], "c0")]), db, "r1")
        # when
        result = sync_stream(FakeStream(pages), db, "r2", checkpoint_seconds=seconds)
        with duckdb.connect(str(db)) as con:
            rows = con.execute(
                "SELECT id, CAST(record AS VARCHAR), _deleted_at IS NULL FROM raw_hubspot.deals "
                "ORDER BY id"
            ).fetchall()
        states.append((result.checkpoints, rows))
    # then: the deletion commits at its safe point, so the later re-landing is merged after it
    # exactly as when every safe point commits
    assert states[0] == states[1]
    assert states[0][0] == 2


def test_landing_line_is_the_json_of_its_envelope() -> None:
    # given: records with non-ASCII text, escapes, big ints and a modified time
    records = [
        {"id": 2**60 + 1, "archived": True, "zeta": 'é\u2028\n"\\/\x01', "n": [1.5, None]},
        {"id": 'a"b', "properties": {"hs_lastmodifieddate": "2024-06-01T00:00:00.123Z"}},
    ]
    for seq, record in enumerate(records):
        modified_at = SHAPE.modified_at(record)
        envelope = {
            "seq": seq,
            "id": SHAPE.key(record),
            "modified_at": None if modified_at is None else format_timestamp(modified_at),
            "is_archived": SHAPE.is_archived(record),
            "record": compact_sorted(record),
        }
        # then: byte for byte what json.dumps writes (forget rewrites these files)
        assert landing_line(seq, record, SHAPE) == json.dumps(envelope, ensure_ascii=False)


def test_sync_reports_progress_per_page_and_checkpoint(tmp_path: Path) -> None:
    # given
    seen: list[SyncProgress] = []
    records = [deal(n, "2024-06-01T00:00:00Z") for n in range(10)]
    # when
    sync_stream(FakeStream(pages_of(records, 3)), tmp_path / "w.duckdb", "r1", seen.append)
    # then
    assert [p.records for p in seen] == [3, 6, 9, 10, 10]
    assert seen[-1].checkpoint and seen[-1].inserted == 10
    assert seen[-1].describe().startswith("hubspot/deals: 10 records, 4 pages, ")


def test_sync_lands_ndjson_next_to_the_warehouse(tmp_path: Path) -> None:
    # given
    db = tmp_path / "warehouse.duckdb"
    # when
    result = sync_stream(FakeStream([Page([deal(1, "2024-06-01T00:00:00Z")], "c")]), db, "run/1")
    # then
    (landing,) = result.landing_files
    assert Path(landing).parent == tmp_path / "landing" / "hubspot" / "deals" / "run_1"
    assert json.loads(Path(landing).read_text())["id"] == "1"


def test_ensure_raw_schema_creates_every_table_on_an_empty_warehouse(tmp_path: Path) -> None:
    # given
    db = tmp_path / "sub" / "warehouse.duckdb"
    assert not raw_tables_exist(db)
    # when
    ensure_raw_schema(db)
    ensure_raw_schema(db)
    # then
    assert raw_tables_exist(db)
    assert all(raw_row_count(db, stream, include_archived=True) == 0 for stream in RAW_STREAMS)
    with duckdb.connect(str(db)) as con:
        columns = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'raw_aircall' AND table_name = 'calls' ORDER BY ordinal_position"
        ).fetchall()
    timestamp = "TIMESTAMP WITH TIME ZONE"
    assert columns == [
        ("id", "VARCHAR"),
        ("record", "JSON"),
        ("modified_at", timestamp),
        ("is_archived", "BOOLEAN"),
        ("_loaded_at", timestamp),
        ("_run_id", "VARCHAR"),
        ("_deleted_at", timestamp),
    ]


def test_ensure_raw_schema_adds_what_an_older_warehouse_lacks(tmp_path: Path) -> None:
    # given: a warehouse from before deletes were tracked, and one without the state table
    db = tmp_path / "warehouse.duckdb"
    ensure_raw_schema(db)
    with duckdb.connect(str(db)) as con:
        con.execute("ALTER TABLE raw_aircall.calls DROP COLUMN _deleted_at")
        con.execute("DROP TABLE raw_meta.stream_state")
    assert not raw_tables_exist(db)
    # when
    ensure_raw_schema(db)
    # then
    assert raw_tables_exist(db)
    with duckdb.connect(str(db)) as con:
        found = con.execute(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'raw_aircall' "
            "AND table_name = 'calls' AND column_name = '_deleted_at'"
        ).fetchone()
    assert found == (1,)


def test_a_record_found_gone_then_landed_again_is_live_again(tmp_path: Path) -> None:
    # given: deal 9 in raw, then found gone (a HubSpot deal deleted, then restored)
    db = tmp_path / "warehouse.duckdb"
    sync_stream(FakeStream([Page([deal(9, "2024-06-01T00:00:00Z")], "c0")]), db, "r1")
    sync_stream(FakeStream([Page([], "c1", checkpoint=True, gone=("9",))]), db, "r2")
    with duckdb.connect(str(db)) as con:
        gone = con.execute("SELECT _deleted_at IS NOT NULL FROM raw_hubspot.deals").fetchall()
    assert gone == [(True,)]
    # when it is read again, restored
    restored = deal(9, "2024-06-05T00:00:00Z", name="restored")
    sync_stream(FakeStream([Page([restored], "c2", checkpoint=True)]), db, "r3")
    # then the row holds the restored record and is no longer marked gone
    with duckdb.connect(str(db)) as con:
        rows = con.execute(
            "SELECT record ->> '$.properties.dealname', _deleted_at FROM raw_hubspot.deals"
        ).fetchall()
    assert rows == [("restored", None)]


def test_a_rerun_after_its_landing_files_were_pruned_resumes_from_the_stored_cursor(
    tmp_path: Path,
) -> None:
    from connectors.retention import prune_landing

    # given a first run, then the pruning a successful run does (no landing file left)
    db = tmp_path / "warehouse.duckdb"
    sync_stream(FakeStream(pages_of([deal(1, "2024-06-01T00:00:00Z")], 1)), db, "r1")
    report = prune_landing(tmp_path, keep_days=0)
    assert report.landing_runs and not list((tmp_path / "landing").rglob("*.ndjson"))
    # when the next run lands a changed and a new deal
    later = FakeStream(
        pages_of([deal(1, "2024-06-02T00:00:00Z", "Acme 2"), deal(2, "2024-06-02T00:00:00Z")], 2)
    )
    result = sync_stream(later, db, "r2")
    # then it starts from the stored cursor and merges into the rows the pruned files had made
    assert later.cursors_seen == ["2024-06-01T00:00:00Z"]
    assert (result.inserted, result.updated) == (1, 1)
    assert [row[0] for row in raw_rows(db)] == ["1", "2"]
