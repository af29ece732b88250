"""The audit step of write-audit-publish: every check on the marts, every failure collected."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import duckdb

from publishing.build import TableExport
from publishing.checks import (
    CheckFailure,
    PublishValidationError,
    contract_failures,
    row_failures,
    table_columns,
)
from publishing.contract import EXPORT_COLUMNS, SOURCE_KIND_OF_TABLE
from publishing.invariants import Invariant, invariant_failures
from publishing.measures import (
    PublicationStats,
    baseline,
    history_from_manifest,
    measure_failures,
    measure_totals,
    volume_failures,
)
from publishing.targets.base import Target


@dataclass(frozen=True, slots=True)
class AuditResult:
    """What the audit measured on the marts: rows per table and the key measure totals."""

    row_counts: dict[str, int]
    measures: dict[str, Decimal]


def target_history(target: Target) -> list[PublicationStats]:
    """A target's visible publication and the history its manifest keeps, newest first.

    A target without `previous_manifest` (an older or third-party one) still gives its row
    counts, so the volume check keeps working there; it just has no totals or history.
    """
    read_manifest = getattr(target, "previous_manifest", None)
    if read_manifest is None:
        counts = target.previous_row_counts()
        return [PublicationStats("", "", counts)] if counts else []
    return history_from_manifest(read_manifest())


def audit_marts(
    connection: duckdb.DuckDBPyConnection,
    invariants: Sequence[Invariant],
    histories: Sequence[Sequence[PublicationStats]],
    min_volume_ratio: float,
    min_measure_ratio: float = 0.0,
    enabled_source_kinds: frozenset[str] = frozenset({"crm", "telephony"}),
) -> AuditResult:
    """Check every export table and invariant; raise listing all failures, not just the first.

    Args:
        connection: a read-only connection inside one transaction (a consistent snapshot).
        invariants: the invariants to run after the per-table checks.
        histories: per target, its previous publications newest first (target_history).
        min_volume_ratio: the share of the trailing median row count a table must keep.
        min_measure_ratio: the share of the trailing median total a key measure must keep.
        enabled_source_kinds: the kinds of the enabled sources; a table fed only by a kind
            that is not enabled (SOURCE_KIND_OF_TABLE) may be empty, and must be otherwise.

    Returns:
        Rows per table and the key measure totals.

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
    reference = baseline(histories)
    totals = measure_totals(connection)
    failures += volume_failures(counts, reference, min_volume_ratio)
    failures += measure_failures(totals, reference, min_measure_ratio)
    if failures:
        raise PublishValidationError(failures)
    return AuditResult(counts, totals)


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
