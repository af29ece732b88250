"""Pages → NDJSON landing files → DuckDB raw tables, merged on key, cursor in the same transaction.

A stream run lands in chunks. Each chunk is one NDJSON file, bulk-loaded with ``read_json`` and
merged into ``raw_<source>.<table>`` in one transaction together with the cursor of its last page.
A crash therefore loses at most the chunk being written, and never stores a cursor ahead of data.
"""

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from connectors.errors import QuotaExhaustedError, StopRequested
from connectors.streams import (
    Page,
    RecordShape,
    Stream,
    SyncProgress,
    SyncResult,
    format_timestamp,
)
from connectors.warehouse import STATE_TABLE, create_raw_schema, raw_table, read_cursor

CHECKPOINT_RECORDS = 50_000
LANDING_FOLDER = "landing"
LANDING_COLUMNS = (
    "{'seq': 'BIGINT', 'id': 'VARCHAR', 'modified_at': 'TIMESTAMPTZ', "
    "'is_archived': 'BOOLEAN', 'record': 'VARCHAR'}"
)
# Dedupe within the chunk: the newest version wins, the last one read breaks ties.
BATCH_SQL = """
CREATE OR REPLACE TEMP TABLE landing_batch AS
SELECT id, record, modified_at, is_archived
FROM read_json('{path}', format = 'newline_delimited', columns = {columns})
QUALIFY row_number() OVER (PARTITION BY id ORDER BY modified_at DESC NULLS LAST, seq DESC) = 1
"""
# The merge rule of docs/architecture.md: new key → insert; known key → replace only when the
# record differs and its modified time is not older.
CHANGES_SQL = """
CREATE OR REPLACE TEMP TABLE landing_changes AS
SELECT batch.*, stored.id IS NULL AS is_new
FROM landing_batch AS batch
LEFT JOIN {table} AS stored ON stored.id = batch.id
WHERE stored.id IS NULL
   OR (CAST(stored.record AS VARCHAR) <> batch.record
       AND (batch.modified_at >= stored.modified_at
            OR batch.modified_at IS NULL OR stored.modified_at IS NULL))
"""
MERGE_SQL = """
INSERT OR REPLACE INTO {table} (id, record, modified_at, is_archived, _loaded_at, _run_id)
SELECT id, CAST(record AS JSON), modified_at, is_archived, now(), ? FROM landing_changes
"""

ProgressCallback = Callable[[SyncProgress], None]


def landing_folder(duckdb_path: str | Path, stream: str, run_id: str) -> Path:
    """Where a stream run lands its NDJSON chunks: next to the DuckDB file."""
    safe_run_id = re.sub(r"[^A-Za-z0-9._-]", "_", run_id)
    return Path(duckdb_path).parent / LANDING_FOLDER / stream / safe_run_id


def landing_line(seq: int, record: dict[str, Any], shape: RecordShape) -> str:
    """One NDJSON line: the raw-table columns plus the record verbatim, keys sorted."""
    modified_at = shape.modified_at(record)
    return json.dumps(
        {
            "seq": seq,
            "id": shape.key(record),
            "modified_at": None if modified_at is None else format_timestamp(modified_at),
            "is_archived": shape.is_archived(record),
            "record": json.dumps(record, sort_keys=True, ensure_ascii=False),
        },
        ensure_ascii=False,
    )


def merge_chunk(
    con: duckdb.DuckDBPyConnection,
    stream: str,
    chunk: Path | None,
    cursor: str | None,
    run_id: str,
) -> tuple[int, int]:
    """Merge one landed chunk into its raw table and store the cursor, in one transaction.

    Args:
        con: an open connection to the warehouse.
        stream: the stream name (``hubspot/deals``).
        chunk: the NDJSON file to load, None when there are no records to load.
        cursor: the stream state to store with the data, None to leave it as is.
        run_id: written to ``_run_id`` of every changed row.

    Returns:
        (inserted, updated) row counts.
    """
    table = raw_table(stream)
    inserted = updated = 0
    con.execute("BEGIN TRANSACTION")
    try:
        if chunk is not None:
            path = str(chunk).replace("'", "''")
            con.execute(BATCH_SQL.format(path=path, columns=LANDING_COLUMNS))
            con.execute(CHANGES_SQL.format(table=table))
            counts = con.execute(
                "SELECT count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE NOT is_new) "
                "FROM landing_changes"
            ).fetchone()
            inserted, updated = (int(counts[0]), int(counts[1])) if counts else (0, 0)
            con.execute(MERGE_SQL.format(table=table), [run_id])
        if cursor is not None:
            con.execute(
                f"INSERT OR REPLACE INTO {STATE_TABLE} VALUES (?, ?, now())", [stream, cursor]
            )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return inserted, updated


@dataclass(slots=True)
class _Totals:
    records: int = 0
    pages: int = 0
    inserted: int = 0
    updated: int = 0
    checkpoints: int = 0


class _StreamLoader:
    """Writes pages into chunk files and commits them at checkpoints."""

    def __init__(self, stream: Stream, con: duckdb.DuckDBPyConnection, folder: Path,
                 run_id: str, checkpoint_records: int) -> None:  # fmt: skip
        self.stream, self.con, self.folder, self.run_id = stream, con, folder, run_id
        self.checkpoint_records = checkpoint_records
        self.totals = _Totals()
        self.started = time.monotonic()
        self.stored_cursor = read_cursor(con, stream.name)
        self.pending_cursor = self.stored_cursor
        self.files: list[str] = []
        self._chunk_file: Any = None
        self._chunk_records = 0

    def add(self, page: Page) -> bool:
        """Land one page; return True when it was followed by a commit."""
        if page.records and self._chunk_file is None:
            path = self.folder / f"part-{len(self.files) + 1:05d}.ndjson"
            self.files.append(str(path))
            self._chunk_file = path.open("w", encoding="utf-8")
        for record in page.records:
            self._chunk_file.write(landing_line(self._chunk_records, record, self.stream.shape))
            self._chunk_file.write("\n")
            self._chunk_records += 1
        self.totals.records += len(page.records)
        self.totals.pages += 1
        if page.cursor is not None:
            self.pending_cursor = page.cursor
        due = page.checkpoint or self._chunk_records >= self.checkpoint_records
        if due and page.cursor is not None:
            self.commit()
            return True
        return False

    def commit(self) -> None:
        """Merge the current chunk and store the latest safe cursor."""
        chunk = None
        if self._chunk_file is not None:
            self._chunk_file.close()
            chunk = Path(self.files[-1])
        cursor = None if self.pending_cursor == self.stored_cursor else self.pending_cursor
        if chunk is None and cursor is None:
            return
        inserted, updated = merge_chunk(self.con, self.stream.name, chunk, cursor, self.run_id)
        self.stored_cursor = self.pending_cursor
        self.totals.inserted += inserted
        self.totals.updated += updated
        self.totals.checkpoints += 1
        self._chunk_file, self._chunk_records = None, 0

    def discard(self) -> None:
        """Drop the chunk being written: it never reaches the raw table."""
        if self._chunk_file is not None:
            self._chunk_file.close()
            self._chunk_file = None

    def progress(self, checkpoint: bool) -> SyncProgress:
        """The counters so far, for ``on_progress``."""
        totals = self.totals
        return SyncProgress(
            self.stream.name, totals.records, totals.pages, time.monotonic() - self.started,
            checkpoint, totals.inserted, totals.updated, self.stored_cursor,
        )  # fmt: skip


def _stop_at_page(loader: _StreamLoader) -> None:
    """Commit the pages landed so far with their cursor, then stop the stream."""
    loader.commit()
    totals = loader.totals
    raise StopRequested(
        f"{loader.stream.name}: stopped after {totals.pages} pages ({totals.records} records), "
        f"committed up to cursor {loader.stored_cursor!r}; the next run resumes from there"
    )


def sync_stream(
    stream: Stream,
    duckdb_path: str | Path,
    run_id: str,
    on_progress: ProgressCallback | None = None,
    checkpoint_records: int = CHECKPOINT_RECORDS,
    should_stop: Callable[[], bool] | None = None,
) -> SyncResult:
    """Read a stream from its stored cursor and merge it into its raw table.

    Args:
        stream: a stream from ``build_streams``.
        duckdb_path: the warehouse file (created with the raw layer if missing).
        run_id: identifies this run in ``_run_id`` and in the landing folder name.
        on_progress: called after each page and each checkpoint.
        checkpoint_records: commit after about this many records (at the next safe cursor).
        should_stop: asked after each landed page; when it answers True, what landed is
            committed with its cursor and StopRequested is raised.

    Returns:
        The counts of the run and the cursor now stored.

    Raises:
        ConnectorError: any vendor failure; what was committed at earlier checkpoints stays.
        StopRequested: ``should_stop`` answered True; the next run resumes from the commit.
    """
    Path(duckdb_path).parent.mkdir(parents=True, exist_ok=True)
    folder = landing_folder(duckdb_path, stream.name, run_id)
    folder.mkdir(parents=True, exist_ok=True)
    report = on_progress or (lambda progress: None)
    with duckdb.connect(str(duckdb_path)) as con:
        create_raw_schema(con)
        loader = _StreamLoader(stream, con, folder, run_id, checkpoint_records)
        try:
            for page in stream.read(loader.stored_cursor):
                committed = loader.add(page)
                report(loader.progress(checkpoint=committed))
                if should_stop is not None and should_stop():
                    _stop_at_page(loader)
        except (QuotaExhaustedError, StopRequested):
            loader.commit()  # complete pages only: keep them, resume from their cursor
            raise
        except BaseException:
            loader.discard()
            raise
        loader.commit()
        report(loader.progress(checkpoint=True))
    totals = loader.totals
    return SyncResult(
        stream.name, totals.records, totals.pages, totals.inserted, totals.updated,
        time.monotonic() - loader.started, loader.stored_cursor, totals.checkpoints,
        tuple(loader.files),
    )  # fmt: skip
