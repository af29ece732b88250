"""Key measure totals and the trailing history of publications the volume checks compare with.

Row counts alone missed a renamed source field that zeroed revenue (issue 7): the rows were all
there, with 0.00 in them. So every publication also records a few business totals in its
manifest, with the row counts and totals of up to HISTORY_LENGTH publications before it, and the
audit compares today's figures with the trailing median of those (reliability.md fault 29).
"""

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import duckdb

from publishing.checks import CheckFailure
from publishing.contract import MART_SCHEMA

# measure -> (mart, column); each total is the sum of that column over the whole export.
KEY_MEASURES: dict[str, tuple[str, str]] = {
    "revenue_won": ("kpi_sales_daily", "revenue_won"),
    "opportunities_created": ("kpi_sales_daily", "opportunities_created"),
    "opportunities_won": ("kpi_sales_daily", "opportunities_won"),
    "calls": ("kpi_calls_daily", "calls"),
    "leads_created": ("kpi_leads_daily", "leads_created"),
}
# Publications kept in each manifest's history: a week of nightly runs.
HISTORY_LENGTH = 7


@dataclass(frozen=True, slots=True)
class PublicationStats:
    """The figures of one publication that later ones are compared with."""

    version: str
    generated_at: str
    row_counts: dict[str, int] = field(default_factory=dict)
    measures: dict[str, Decimal] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        """The manifest form: totals as exact decimal strings, never floats."""
        return {
            "version": self.version,
            "generated_at": self.generated_at,
            "row_counts": dict(sorted(self.row_counts.items())),
            "measures": {name: str(value) for name, value in sorted(self.measures.items())},
        }


def measure_totals(connection: duckdb.DuckDBPyConnection) -> dict[str, Decimal]:
    """Sum each key measure over its mart; a mart or column that is missing gives no total."""
    totals: dict[str, Decimal] = {}
    for name, (table, column) in KEY_MEASURES.items():
        try:
            (value,) = connection.execute(
                f'SELECT coalesce(sum("{column}"), 0) FROM {MART_SCHEMA}."{table}"'
            ).fetchone()
        except duckdb.Error:
            continue  # the contract check already reports the missing table or column
        totals[name] = Decimal(str(value))
    return totals


def history_from_manifest(manifest: Mapping[str, object]) -> list[PublicationStats]:
    """The visible publication first, then the history its manifest keeps, newest first.

    Args:
        manifest: a parsed manifest.json; older manifests without measures or history give
            just the visible publication's row counts.

    Returns:
        Up to HISTORY_LENGTH publications; empty when there is no manifest.
    """
    if not manifest.get("tables"):
        return []
    tables = manifest["tables"]
    assert isinstance(tables, dict)
    current = PublicationStats(
        str(manifest.get("version", "")),
        str(manifest.get("generated_at", "")),
        {name: int(table["row_count"]) for name, table in tables.items()},
        _decimals(manifest.get("measures", {})),
    )
    older = [
        PublicationStats(
            str(entry.get("version", "")),
            str(entry.get("generated_at", "")),
            {name: int(rows) for name, rows in entry.get("row_counts", {}).items()},
            _decimals(entry.get("measures", {})),
        )
        for entry in manifest.get("history", [])  # type: ignore[union-attr]
    ]
    return [current, *older][:HISTORY_LENGTH]


def _decimals(values: object) -> dict[str, Decimal]:
    assert isinstance(values, dict)
    return {name: Decimal(str(value)) for name, value in values.items()}


@dataclass(frozen=True, slots=True)
class Baseline:
    """What today's publication must keep: per figure, the trailing median and its context."""

    rows: dict[str, Decimal] = field(default_factory=dict)
    measures: dict[str, Decimal] = field(default_factory=dict)
    previous_rows: dict[str, int] = field(default_factory=dict)
    previous_measures: dict[str, Decimal] = field(default_factory=dict)
    publications: int = 0


def baseline(histories: Sequence[Sequence[PublicationStats]]) -> Baseline:
    """The most cautious baseline over every target: per figure, the largest trailing median.

    Args:
        histories: per target, its publications newest first (see history_from_manifest).

    Returns:
        Medians over each target's history, the largest across targets, plus the previous
        publication's own figures for the failure messages.
    """
    rows: dict[str, Decimal] = {}
    measures: dict[str, Decimal] = {}
    previous_rows: dict[str, int] = {}
    previous_measures: dict[str, Decimal] = {}
    for history in histories:
        if history:
            _raise_to(rows, _medians([entry.row_counts for entry in history]))
            _raise_to(measures, _medians([entry.measures for entry in history]))
            _raise_to(previous_rows, history[0].row_counts)
            _raise_to(previous_measures, history[0].measures)
    publications = max((len(history) for history in histories), default=0)
    return Baseline(rows, measures, previous_rows, previous_measures, publications)


def _medians(entries: Sequence[Mapping[str, int | Decimal]]) -> dict[str, Decimal]:
    names = {name for entry in entries for name in entry}
    return {
        name: Decimal(statistics.median([entry[name] for entry in entries if name in entry]))
        for name in names
    }


def _raise_to(into: dict, values: Mapping) -> None:
    for name, value in values.items():
        into[name] = max(value, into.get(name, value))


def volume_failures(
    row_counts: Mapping[str, int], reference: Baseline, min_ratio: float
) -> list[CheckFailure]:
    """Fail tables whose row count fell below `min_ratio` x the trailing median (0 disables)."""
    return _drops("volume", row_counts, reference.rows, reference.previous_rows, reference,
                  min_ratio, "rows")  # fmt: skip


def measure_failures(
    totals: Mapping[str, Decimal], reference: Baseline, min_ratio: float
) -> list[CheckFailure]:
    """Fail key measures whose total fell below `min_ratio` x the trailing median (0 disables)."""
    return _drops("measure_total", totals, reference.measures, reference.previous_measures,
                  reference, min_ratio, "total")  # fmt: skip


def _drops(
    check: str,
    values: Mapping[str, int | Decimal],
    medians: Mapping[str, Decimal],
    previous: Mapping[str, int | Decimal],
    reference: Baseline,
    min_ratio: float,
    unit: str,
) -> list[CheckFailure]:
    failures = []
    for name, value in values.items():
        median = medians.get(name)
        if median and Decimal(value) < median * Decimal(str(min_ratio)):
            failures.append(
                CheckFailure(
                    check,
                    name,
                    f"{unit} {value}, below {min_ratio:.0%} of the trailing median {median} of "
                    f"the last {reference.publications} publication(s) "
                    f"(previous publication: {previous.get(name, 'n/a')})",
                )
            )
    return failures
