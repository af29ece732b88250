"""The audit step of write-audit-publish: every check on the marts, every failure collected."""

from collections.abc import Mapping, Sequence

import duckdb

from publishing.build import TableExport
from publishing.checks import (
    CheckFailure,
    PublishValidationError,
    contract_failures,
    row_failures,
    table_columns,
    volume_failures,
)
from publishing.contract import EXPORT_COLUMNS, SOURCE_KIND_OF_TABLE
from publishing.invariants import Invariant, invariant_failures


def audit_marts(
    connection: duckdb.DuckDBPyConnection,
    invariants: Sequence[Invariant],
    previous: Sequence[Mapping[str, int]],
    min_volume_ratio: float,
    enabled_source_kinds: frozenset[str] = frozenset({"crm", "telephony"}),
) -> dict[str, int]:
    """Check every export table and invariant; raise listing all failures, not just the first.

    Args:
        connection: a read-only connection inside one transaction (a consistent snapshot).
        invariants: the invariants to run after the per-table checks.
        previous: each target's previous row counts, for the volume check.
        min_volume_ratio: the share of the previous row count a table must keep.
        enabled_source_kinds: the kinds of the enabled sources; a table fed only by a kind
            that is not enabled (SOURCE_KIND_OF_TABLE) may be empty, and must be otherwise.

    Returns:
        Rows per table.

    Raises:
        PublishValidationError: when any check failed.
    """
    failures: list[CheckFailure] = []
    counts: dict[str, int] = {}
    for table in EXPORT_COLUMNS:
        columns = table_columns(connection, table)
        failures += contract_failures(table, columns)
        present = {name for name, _ in columns}
        if not set(EXPORT_COLUMNS[table]) <= present:
            continue  # row checks would only repeat "column not found"
        may_be_empty = SOURCE_KIND_OF_TABLE.get(table, "") not in enabled_source_kinds | {""}
        counts[table], found = row_failures(connection, table, dict(columns), may_be_empty)
        failures += found
    failures += invariant_failures(connection, invariants)
    failures += volume_failures(counts, _baseline(previous), min_volume_ratio)
    if failures:
        raise PublishValidationError(failures)
    return counts


def _baseline(previous: Sequence[Mapping[str, int]]) -> dict[str, int]:
    """The largest previous count any target holds: the most cautious baseline."""
    baseline: dict[str, int] = {}
    for counts_of_target in previous:
        for table, rows in counts_of_target.items():
            baseline[table] = max(rows, baseline.get(table, 0))
    return baseline


def check_build(counts: Mapping[str, int], tables: Sequence[TableExport]) -> None:
    """Check the written files against the audited marts: same tables, same row counts.

    Raises:
        PublishValidationError: when a written table differs from what was audited.
    """
    failures = [
        CheckFailure(
            "files_match_marts",
            table.name,
            f"{table.rows} rows written, {counts.get(table.name)} audited",
        )
        for table in tables
        if table.rows != counts.get(table.name)
    ]
    if {table.name for table in tables} != set(counts):
        failures.append(
            CheckFailure("files_match_marts", "*", "written tables differ from audited")
        )
    if failures:
        raise PublishValidationError(failures)
