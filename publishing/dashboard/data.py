"""The published exports read back from their CSV files, as compact columns for the page."""

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publishing.contract import EXPORT_COLUMNS, MEASURE_COLUMNS
from publishing.manifest import MANIFEST_NAME

# The columns each table is filtered on by the page's date, channel and agent controls.
FILTER_COLUMNS: dict[str, dict[str, str]] = {
    "kpi_sales_daily": {"date": "date", "channel": "channel", "agent": "agent_id"},
    "kpi_agent_credit_daily": {"date": "date", "channel": "channel", "agent": "agent_id"},
    "kpi_targets_monthly": {"month": "month", "agent": "agent_id"},
    "kpi_customers": {
        "date": "first_order_date",
        "channel": "acquisition_channel",
        "agent": "acquisition_agent_id",
    },
    "kpi_retention_monthly": {"month": "month", "channel": "channel"},
    "kpi_customer_cohorts": {"month": "cohort_month"},
    "kpi_leads_daily": {"date": "date", "channel": "channel", "agent": "agent_id"},
    "kpi_calls_daily": {"date": "date", "channel": "channel", "agent": "agent_id"},
    "kpi_conversations_daily": {"date": "date", "channel": "channel", "agent": "agent_id"},
}


class PublicationNotFoundError(RuntimeError):
    """The folder holds no complete publication (no manifest, or a file it lists is missing)."""


@dataclass(frozen=True, slots=True)
class Publication:
    """One publication as read from disk: its manifest and every table's rows as text."""

    folder: Path
    manifest: dict[str, Any]
    rows: dict[str, list[dict[str, str]]]


def read_publication(folder: Path) -> Publication:
    """Read every export table of a published folder (e.g. ``EXPORT_DIR/current``).

    Args:
        folder: a publication folder holding ``manifest.json`` and the CSV files it lists.

    Returns:
        The manifest and, per table, its rows as dictionaries of text values.

    Raises:
        PublicationNotFoundError: when the folder holds no manifest or misses a listed file.
    """
    manifest_path = folder / MANIFEST_NAME
    if not manifest_path.is_file():
        raise PublicationNotFoundError(
            f"no publication in {folder} (no {MANIFEST_NAME}): run `kpi-pipeline run` first, "
            "or pass the folder of a publication with --exports"
        )
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    rows = {
        table: list(_table_rows(folder, manifest["tables"].get(table, {"files": []})))
        for table in EXPORT_COLUMNS
    }
    return Publication(folder, manifest, rows)


def _table_rows(folder: Path, entry: dict[str, Any]) -> Iterator[dict[str, str]]:
    for file in entry["files"]:
        path = folder / file["path"]
        if not path.is_file():
            raise PublicationNotFoundError(f"{path} is listed in the manifest but missing")
        with path.open(encoding="utf-8", newline="") as handle:
            yield from csv.DictReader(handle)


def encode_columns(table: str, rows: list[dict[str, str]]) -> dict[str, Any]:
    """Columns of one table for the page: measures as numbers, the rest dictionary-encoded.

    Dictionary encoding keeps the embedded data small: dates, channels and agents repeat on
    nearly every row.
    """
    columns: dict[str, Any] = {}
    for column in EXPORT_COLUMNS[table]:
        values = [row[column] for row in rows]
        if column in MEASURE_COLUMNS:
            columns[column] = [float(value) if value != "" else None for value in values]
            continue
        dictionary: dict[str, int] = {}
        codes = [dictionary.setdefault(value, len(dictionary)) for value in values]
        columns[column] = {"dict": list(dictionary), "codes": codes}
    return {"rows": len(rows), "columns": columns, "filters": FILTER_COLUMNS[table]}
