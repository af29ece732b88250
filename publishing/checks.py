"""Audit checks run before anything is published: contract, grain, non-empty, NULLs.

The volume and measure-total checks against earlier publications are in publishing.measures.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import duckdb

from publishing.contract import (
    DATE_COLUMNS,
    EXPORT_COLUMNS,
    GRAIN_COLUMNS,
    MART_SCHEMA,
    MEASURE_COLUMNS,
)

NUMERIC_TYPE_PREFIXES = (
    "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
    "UINTEGER", "UBIGINT", "UHUGEINT", "DECIMAL", "DOUBLE", "FLOAT",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CheckFailure:
    """One failed check: which check, on which table, and what was found."""

    check: str
    table: str
    detail: str

    def __str__(self) -> str:
        return f"{self.check} [{self.table}]: {self.detail}"


class PublishValidationError(RuntimeError):
    """Raised when any audit check fails; nothing was published. Lists every failed check."""

    def __init__(self, failures: list[CheckFailure]) -> None:
        self.failures = tuple(failures)
        lines = "\n".join(f"  - {failure}" for failure in self.failures)
        super().__init__(
            f"publication blocked, the previous one stays in place; "
            f"{len(self.failures)} check(s) failed:\n{lines}"
        )


def table_columns(connection: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    """Return `(name, type)` of a mart's columns in table order; empty when it does not exist."""
    rows = connection.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [MART_SCHEMA, table],
    ).fetchall()
    return [(str(name), str(data_type)) for name, data_type in rows]


def contract_failures(table: str, actual: list[tuple[str, str]]) -> list[CheckFailure]:
    """Compare a mart's columns with EXPORT_COLUMNS: names, order and date/number types."""
    if not actual:
        return [CheckFailure("columns", table, f"table {MART_SCHEMA}.{table} does not exist")]
    expected = EXPORT_COLUMNS[table]
    names = [name for name, _ in actual]
    failures = []
    if names != expected:
        missing = [column for column in expected if column not in names]
        unexpected = [column for column in names if column not in expected]
        failures.append(
            CheckFailure(
                "columns",
                table,
                f"expected {expected}, found {names} (missing {missing}, unexpected {unexpected})",
            )
        )
    for name, data_type in actual:
        if name in DATE_COLUMNS and data_type != "DATE":
            failures.append(CheckFailure("column_types", table, f"{name} is {data_type}, not DATE"))
        if name in MEASURE_COLUMNS and not data_type.startswith(NUMERIC_TYPE_PREFIXES):
            failures.append(
                CheckFailure("column_types", table, f"{name} is {data_type}, not a number")
            )
    return failures


def row_failures(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    column_types: Mapping[str, str],
    may_be_empty: bool = False,
) -> tuple[int, list[CheckFailure]]:
    """Run the row-level checks of one mart whose contract columns all exist.

    Args:
        connection: the open DuckDB connection.
        table: a key of EXPORT_COLUMNS.
        column_types: the mart's column types by name.
        may_be_empty: True when no source of the kind feeding the table is enabled.

    Returns:
        The row count and the failed checks (not_empty, grain_not_null, grain_unique,
        measures_not_null, finite_numbers).
    """
    relation = f'{MART_SCHEMA}."{table}"'
    rows = int(connection.execute(f"SELECT count(*) FROM {relation}").fetchone()[0])
    if rows == 0 and may_be_empty:
        return 0, []
    if rows == 0:
        return 0, [CheckFailure("not_empty", table, "the table has no rows")]
    failures = _null_failures(connection, table, relation, column_types)
    failures += _grain_failures(connection, table, relation)
    return rows, failures


def _null_failures(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    relation: str,
    column_types: Mapping[str, str],
) -> list[CheckFailure]:
    columns = EXPORT_COLUMNS[table]
    probes: list[tuple[str, str, str]] = []  # (check, column, condition that must never hold)
    probes += [("grain_not_null", c, f'"{c}" IS NULL') for c in GRAIN_COLUMNS[table]]
    probes += [("measures_not_null", c, f'"{c}" IS NULL') for c in columns if c in MEASURE_COLUMNS]
    probes += [
        ("finite_numbers", c, f'NOT isfinite("{c}")')
        for c in columns
        if column_types.get(c, "").startswith(("DOUBLE", "FLOAT"))
    ]
    select_list = ", ".join(f"count(*) FILTER (WHERE {condition})" for _, _, condition in probes)
    counts = connection.execute(f"SELECT {select_list} FROM {relation}").fetchone()
    return [
        CheckFailure(check, table, f"{count} row(s) with {condition}")
        for (check, _, condition), count in zip(probes, counts, strict=True)
        if count
    ]


def _grain_failures(
    connection: duckdb.DuckDBPyConnection, table: str, relation: str
) -> list[CheckFailure]:
    grain = ", ".join(f'"{column}"' for column in GRAIN_COLUMNS[table])
    duplicates = connection.execute(
        f"SELECT {grain}, count(*) AS copies FROM {relation} GROUP BY ALL "
        f"HAVING count(*) > 1 ORDER BY ALL LIMIT 3"
    ).fetchall()
    if not duplicates:
        return []
    examples = "; ".join(
        ", ".join(f"{name}={value}" for name, value in zip(GRAIN_COLUMNS[table], row, strict=False))
        + f" ({row[-1]} rows)"
        for row in duplicates
    )
    return [
        CheckFailure(
            "grain_unique",
            table,
            f"duplicate rows for grain ({', '.join(GRAIN_COLUMNS[table])}), e.g. {examples}",
        )
    ]
