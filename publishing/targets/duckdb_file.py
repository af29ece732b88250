"""DuckDB reader file: the published kpi_* tables in their own file, swapped in atomically.

BI tools, notebooks and the DuckDB CLI read this file (READ_ONLY), never the warehouse: DuckDB
gives one process the write lock on a file, so a reader of the warehouse would block the nightly
writer. Layout beside the file (default `EXPORT_DIR/kpis.duckdb`):

    kpis.duckdb                    marts.kpi_* and marts.publication_manifest (read-only, 0444)
    .kpis.duckdb.staging-<ver>     being written; never read; removed by the next run
    .kpis.duckdb.previous          the file before the swap, kept until every target switched
    .kpis.duckdb.publish.lock      held from staging to the end of the publication

The tables are loaded from the audited CSV files of the publication, so they hold exactly what
the CSV, PostgreSQL and GCS readers see (timestamps are local wall-clock time, as in the CSVs).
A reader's open connection keeps the version it opened; new connections see the new one.
"""

import contextlib
import fcntl
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import duckdb

from connectors.duckdb_connect import LockWait, WarehouseLockedError, connect_duckdb
from publishing.build import TableExport
from publishing.manifest import row_counts
from publishing.targets.base import Publication, StepHook, TargetUnavailableError
from publishing.targets.writable import writable_folder_problem

logger = logging.getLogger(__name__)

SCHEMA = "marts"  # the schema readers already query (`marts.kpi_*`)
MANIFEST_TABLE = "publication_manifest"
_NO_WAIT = LockWait(attempts=1)


class ReaderFileBusyError(RuntimeError):
    """Another publication holds the reader file's lock."""


@dataclass(frozen=True, slots=True)
class DuckDbFileConfig:
    """Where the reader copy is published (READER_DUCKDB_PATH, default EXPORT_DIR/kpis.duckdb)."""

    path: Path


class DuckDbFileTarget:
    """Publishes the exports as tables of a DuckDB file that only readers open."""

    __slots__ = ("config",)

    def __init__(self, config: DuckDbFileConfig) -> None:
        self.config = config

    def describe(self) -> str:
        """Name the file readers open."""
        return f"DuckDB file {self.config.path}"

    def check(self) -> str:
        """The file's folder takes new files: the swap writes a sibling, then renames it.

        Raises:
            TargetUnavailableError: naming the folder that refused.
        """
        if problem := writable_folder_problem(self.config.path.parent):
            raise TargetUnavailableError(problem)
        return "writable"

    def previous_row_counts(self) -> dict[str, int]:
        """Rows per table recorded in the published file's manifest table."""
        return row_counts(_read_manifest(self.config.path) or {})

    def previous_manifest(self) -> dict[str, object]:
        """The published file's parsed manifest; empty when there is none."""
        return _read_manifest(self.config.path) or {}

    def stage(self, publication: Publication, hook: StepHook) -> "StagedFile":
        """Write every table into `.<name>.staging-<version>`, checkpointed and fsynced."""
        path = self.config.path
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = _acquire_lock(path)
        try:
            _remove_leftovers(path)
            staging = _sibling(path, f"staging-{publication.version}")
            with duckdb.connect(str(staging)) as connection:
                connection.execute(f"CREATE SCHEMA {SCHEMA}")
                for table in publication.build.tables:
                    _load_table(connection, table, publication)
                connection.execute(
                    f"CREATE TABLE {SCHEMA}.{MANIFEST_TABLE} (version VARCHAR, manifest JSON)"
                )
                connection.execute(
                    f"INSERT INTO {SCHEMA}.{MANIFEST_TABLE} VALUES (?, ?)",
                    [publication.version, publication.manifest.decode("utf-8")],
                )
                connection.execute("CHECKPOINT")
            staging.chmod(0o444)  # a hint to open it READ_ONLY; the swap does not need write
            _fsync(staging)
            previous = _read_manifest(path)
            hook("duckdb:staged")
        except BaseException:
            for leftover in path.parent.glob(f".{path.name}.staging-*"):
                _unlink(leftover)
            _release_lock(lock)
            raise
        version = str(previous["version"]) if previous else None
        return StagedFile(path, staging, version, lock, hook)


@dataclass(slots=True)
class StagedFile:
    """A complete staged file; commit() renames it over the published one."""

    path: Path
    staging: Path
    previous_version: str | None
    lock: IO[bytes] | None
    hook: StepHook

    def commit(self) -> "CommittedFile":
        """Hard-link the published file aside, then atomically rename the staged one over it."""
        backup = _sibling(self.path, "previous")
        committed = CommittedFile(self.path, backup, self.previous_version, self.lock)
        self.lock = None  # the committed handle releases it
        try:
            with contextlib.suppress(FileNotFoundError):
                backup.unlink()
            if self.path.exists():
                os.link(self.path, backup)
            self.hook("duckdb:before_switch")
            os.replace(self.staging, self.path)
            _fsync(self.path.parent)
            self.hook("duckdb:switched")
        except BaseException:
            committed.rollback()
            _unlink(self.staging)
            raise
        return committed

    def abort(self) -> None:
        """Delete the staged file; the published one was never touched."""
        _unlink(self.staging)
        if self.lock is not None:
            _release_lock(self.lock)
            self.lock = None


@dataclass(slots=True)
class CommittedFile:
    """The new file is published; the old one is still linked at `backup`."""

    path: Path
    backup: Path
    previous_version: str | None
    lock: IO[bytes] | None

    @property
    def location(self) -> str:
        """The file readers open."""
        return str(self.path)

    def rollback(self) -> None:
        """Rename the old file back over the new one (or remove the new one if there was none)."""
        try:
            if self.backup.exists() and self.path.exists() and self.backup.samefile(self.path):
                _unlink(self.backup)  # never switched (rename() between links is a no-op)
            elif self.backup.exists():
                os.replace(self.backup, self.path)
            elif self.previous_version is None:
                _unlink(self.path)
            _fsync(self.path.parent)
        finally:
            self._unlock()

    def finish(self) -> None:
        """Drop the old file (open readers keep theirs until they close it)."""
        try:
            _unlink(self.backup)
        finally:
            self._unlock()

    def _unlock(self) -> None:
        if self.lock is not None:
            _release_lock(self.lock)
            self.lock = None


def _load_table(
    connection: duckdb.DuckDBPyConnection, table: TableExport, publication: Publication
) -> None:
    """Create one table with the mart's column types and bulk-load its CSV files."""
    types = [_reader_type(data_type) for data_type in table.column_types]
    columns = ", ".join(
        f"{_quote(name)} {data_type}" for name, data_type in zip(table.columns, types, strict=True)
    )
    connection.execute(f"CREATE TABLE {SCHEMA}.{table.name} ({columns})")
    files = [str(publication.build.root / export_file.path) for export_file in table.files]
    spec = dict(zip(table.columns, types, strict=True))
    # The publication's own CSV dialect: header, RFC 4180 quotes, empty field = NULL.
    connection.execute(
        f"INSERT INTO {SCHEMA}.{table.name} SELECT * FROM read_csv(?, header = true, "
        "delim = ',', quote = '\"', escape = '\"', nullstr = '', auto_detect = false, "
        "columns = ?)",
        [files, spec],
    )


def _reader_type(data_type: str) -> str:
    """The CSVs carry local wall-clock timestamps, so a zoned column becomes a plain one."""
    return "TIMESTAMP" if data_type == "TIMESTAMP WITH TIME ZONE" else data_type


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _read_manifest(path: Path) -> dict[str, object] | None:
    """The published file's manifest, None when there is none or a writer holds the file."""
    if not path.exists():
        return None
    try:
        with connect_duckdb(path, read_only=True, lock_wait=_NO_WAIT) as connection:
            row = connection.execute(
                f"SELECT manifest FROM {SCHEMA}.{MANIFEST_TABLE} LIMIT 1"
            ).fetchone()
    except WarehouseLockedError as error:  # someone opened it read-write, against the README
        logger.warning("cannot read the previous manifest of %s: %s", path, error)
        return None
    return json.loads(row[0]) if row else None


def _sibling(path: Path, suffix: str) -> Path:
    return path.with_name(f".{path.name}.{suffix}")


def _remove_leftovers(path: Path) -> None:
    """Delete what a crashed run left: staged files and a stale backup."""
    for leftover in path.parent.glob(f".{path.name}.staging-*"):
        _unlink(leftover)
    _unlink(_sibling(path, "previous"))


def _acquire_lock(path: Path) -> IO[bytes]:
    handle = _sibling(path, "publish.lock").open("ab")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as error:
        handle.close()
        raise ReaderFileBusyError(f"another publication is writing {path}") from error
    return handle


def _release_lock(handle: IO[bytes]) -> None:
    with contextlib.suppress(OSError):
        fcntl.flock(handle, fcntl.LOCK_UN)
    handle.close()


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
