"""Write the export tables from a DuckDB connection into CSV files, split by size."""

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

import duckdb

from publishing.contract import EXPORT_COLUMNS, GRAIN_COLUMNS, MART_SCHEMA
from publishing.formatting import (
    LINE_TERMINATOR,
    csv_line,
    format_value,
    is_formatted_in_sql,
    quote_field,
    select_expression,
)

FETCH_ROWS = 10_000
DEFAULT_SPLIT_BYTES = 100 * 1024 * 1024  # Looker Studio's file-upload limit per data set


@dataclass(frozen=True, slots=True)
class ExportFile:
    """One CSV file of a table: its path relative to the export root, size and checksum."""

    path: str
    rows: int
    bytes: int
    sha256: str


@dataclass(frozen=True, slots=True)
class TableExport:
    """A table written as one or more CSV files sharing the same header."""

    name: str
    columns: tuple[str, ...]
    column_types: tuple[str, ...]
    rows: int
    files: tuple[ExportFile, ...]

    @property
    def is_split(self) -> bool:
        """True when the table was written as `<table>/part-NNNN.csv` files."""
        return "/" in self.files[0].path


@dataclass(frozen=True, slots=True)
class ExportBuild:
    """Every table of one publication, written under `root`."""

    root: Path
    tables: tuple[TableExport, ...]

    @property
    def content_sha256(self) -> str:
        """A checksum of all files, stable for unchanged marts (names publications' content)."""
        digest = hashlib.sha256()
        for table in self.tables:
            for export_file in table.files:
                digest.update(f"{export_file.path}\0{export_file.sha256}\n".encode())
        return digest.hexdigest()


def export_query(table: str, column_types: Sequence[str]) -> str:
    """Return the SELECT producing `table`'s fields in contract column order and grain order.

    Args:
        table: a key of EXPORT_COLUMNS.
        column_types: DuckDB types of the contract columns, in contract order.

    Returns:
        SQL whose result columns are the formatted fields (see select_expression).
    """
    columns = EXPORT_COLUMNS[table]
    grain = GRAIN_COLUMNS[table]
    # Grain first, then every other column: a total order, so byte-identical re-runs.
    order = grain + [column for column in columns if column not in grain]
    fields = [select_expression(c, t) for c, t in zip(columns, column_types, strict=True)]
    if all(is_formatted_in_sql(data_type) for data_type in column_types):
        # One string per row is much cheaper to fetch into Python than one per field.
        select_list = " || ',' || ".join(f"coalesce({field}, '')" for field in fields)
        select_list += " AS line"
    else:
        # Aliases differ from column names so ORDER BY sorts on raw values, not their text.
        select_list = ", ".join(f"{field} AS field_{i}" for i, field in enumerate(fields))
    order_list = ", ".join(f"{_quote(column)} NULLS FIRST" for column in order)
    return f"SELECT {select_list} FROM {_relation(table)} ORDER BY {order_list}"


def build_table(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    root: Path,
    *,
    zone: str,
    split_bytes: int = DEFAULT_SPLIT_BYTES,
) -> TableExport:
    """Write one mart as `<table>.csv`, or `<table>/part-0001.csv`... when over `split_bytes`.

    Args:
        connection: an open (read-only) DuckDB connection holding the marts.
        table: a key of EXPORT_COLUMNS.
        root: the folder to write into.
        zone: the reporting time zone name, for timestamps.
        split_bytes: the largest size of one file; a bigger table is split into parts.

    Returns:
        The table's files with row counts and sha256 checksums.
    """
    column_types = _column_types(connection, table)
    result = connection.execute(export_query(table, column_types))
    header = csv_line([quote_field(column) for column in EXPORT_COLUMNS[table]])
    batches = _line_batches(result, column_types, ZoneInfo(zone))
    parts = _write_parts(batches, header, root / table, split_bytes)
    if len(parts) == 1:
        (root / table / parts[0].path).rename(root / f"{table}.csv")
        (root / table).rmdir()
        files = (ExportFile(f"{table}.csv", parts[0].rows, parts[0].bytes, parts[0].sha256),)
    else:
        files = tuple(
            ExportFile(f"{table}/{part.path}", part.rows, part.bytes, part.sha256) for part in parts
        )
    return TableExport(
        name=table,
        columns=tuple(EXPORT_COLUMNS[table]),
        column_types=column_types,
        rows=sum(part.rows for part in parts),
        files=files,
    )


def _column_types(connection: duckdb.DuckDBPyConnection, table: str) -> tuple[str, ...]:
    select_list = ", ".join(_quote(column) for column in EXPORT_COLUMNS[table])
    result = connection.execute(f"SELECT {select_list} FROM {_relation(table)} LIMIT 0")
    return tuple(str(column[1]) for column in result.description)


def _line_batches(
    result: duckdb.DuckDBPyConnection, column_types: Sequence[str], zone: tzinfo
) -> Iterator[list[bytes]]:
    """Encode result rows as CSV lines, a fetch at a time; only columns SQL could not format
    go through Python."""
    in_python = [i for i, t in enumerate(column_types) if not is_formatted_in_sql(t)]
    while batch := result.fetchmany(FETCH_ROWS):
        if not in_python:
            yield [(line + LINE_TERMINATOR).encode("utf-8") for (line,) in batch]
            continue
        lines = []
        for row in batch:
            fields = list(row)
            for index in in_python:
                fields[index] = quote_field(format_value(fields[index], zone))
            lines.append(csv_line([field or "" for field in fields]))
        yield lines


def _write_parts(
    batches: Iterator[list[bytes]], header: bytes, folder: Path, split_bytes: int
) -> list[ExportFile]:
    """Write lines into part files of at most `split_bytes` each, each starting with `header`.

    A batch that fits the open part is written in one call (per-line writes and hashing were
    a quarter of a publish at 7 M calls); one that would cross the limit is placed line by line.
    """
    folder.mkdir(parents=True, exist_ok=False)
    parts: list[ExportFile] = []
    part = _Part.open(folder, 1, header)
    for lines in batches:
        block = b"".join(lines)
        if part.bytes + len(block) <= split_bytes:
            part.write_block(block, len(lines))
            continue
        for line in lines:
            if part.rows and part.bytes + len(line) > split_bytes:
                parts.append(part.close())
                part = _Part.open(folder, len(parts) + 1, header)
            part.write(line)
    parts.append(part.close())
    return parts


class _Part:
    """An open part file that counts its rows and bytes and hashes what it writes."""

    __slots__ = ("bytes", "digest", "handle", "name", "rows")

    def __init__(self, name: str, handle: BinaryIO) -> None:
        self.name, self.handle = name, handle
        self.rows, self.bytes, self.digest = 0, 0, hashlib.sha256()

    @classmethod
    def open(cls, folder: Path, number: int, header: bytes) -> "_Part":
        name = f"part-{number:04d}.csv"
        part = cls(name, (folder / name).open("wb"))
        part.write(header)
        part.rows = 0  # the header is not a row
        return part

    def write(self, line: bytes) -> None:
        self.write_block(line, 1)

    def write_block(self, block: bytes, rows: int) -> None:
        self.handle.write(block)
        self.digest.update(block)
        self.rows += rows
        self.bytes += len(block)

    def close(self) -> ExportFile:
        self.handle.close()
        return ExportFile(self.name, self.rows, self.bytes, self.digest.hexdigest())


def _relation(table: str) -> str:
    return f"{MART_SCHEMA}.{_quote(table)}"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
