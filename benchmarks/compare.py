"""Check that two warehouses hold the same nine kpi tables, row for row (multiset equality)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

KPI_TABLES = (
    "kpi_sales_daily",
    "kpi_agent_credit_daily",
    "kpi_targets_monthly",
    "kpi_customers",
    "kpi_customer_cohorts",
    "kpi_retention_monthly",
    "kpi_leads_daily",
    "kpi_calls_daily",
    "kpi_conversations_daily",
)


def compare_kpis(
    left: Path, right: Path, left_schema: str = "marts", right_schema: str = "kpi_floor"
) -> dict[str, Any]:
    """Rows per table and the tables whose rows differ (either way), with a sample row."""
    rows: dict[str, int] = {}
    differences: dict[str, Any] = {}
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_progress_bar = false")
        con.execute(f"ATTACH '{left}' AS l (READ_ONLY)")
        con.execute(f"ATTACH '{right}' AS r (READ_ONLY)")
        for table in KPI_TABLES:
            a, b = f"l.{left_schema}.{table}", f"r.{right_schema}.{table}"
            columns_a = _columns(con, "l", left_schema, table)
            columns_b = _columns(con, "r", right_schema, table)
            if columns_a != columns_b:
                differences[table] = {"columns": [columns_a, columns_b]}
                continue
            count = con.execute(f"SELECT count(*) FROM {a}").fetchone()
            rows[table] = int(count[0]) if count else 0
            only_a = con.execute(f"SELECT count(*) FROM (FROM {a} EXCEPT ALL FROM {b})").fetchone()
            only_b = con.execute(f"SELECT count(*) FROM (FROM {b} EXCEPT ALL FROM {a})").fetchone()
            if (only_a and only_a[0]) or (only_b and only_b[0]):
                sample = con.execute(f"FROM {a} EXCEPT ALL FROM {b} LIMIT 1").fetchall()
                differences[table] = {
                    "only_left": only_a[0],
                    "only_right": only_b[0],
                    "sample": sample,
                }
    return {"equal": not differences, "rows": rows, "differences": differences}


def _columns(
    con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str
) -> list[tuple[str, str]]:
    return [
        (name, kind)
        for name, kind in con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_catalog = ? AND table_schema = ? AND table_name = ? "
            "ORDER BY ordinal_position",
            [catalog, schema, table],
        ).fetchall()
    ]
