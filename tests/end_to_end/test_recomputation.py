"""Every KPI mart equals its independent recomputation from the raw layer (kpis.md contract)."""

from __future__ import annotations

import duckdb
import pytest
from recompute.compare import diff, report
from recompute.loader import load_raw
from recompute.model import Warehouse, build_warehouse
from recompute.pipeline import DBT_PROJECT, BuiltWarehouse
from recompute.settings import Settings, read_seeds
from recompute.tables import TABLES, Table

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def recomputed(built_warehouse: BuiltWarehouse) -> Warehouse:
    """The warehouse rebuilt in Python from the raw tables that dbt read."""
    with duckdb.connect(str(built_warehouse.path), read_only=True) as con:
        raw = load_raw(con)
    settings = Settings(
        now=built_warehouse.now,
        pii_hash_key=built_warehouse.pii_hash_key,
        **read_seeds(DBT_PROJECT / "seeds"),  # type: ignore[arg-type]
    )
    return build_warehouse(raw, settings)


def mart_rows(built_warehouse: BuiltWarehouse, table: Table) -> list[tuple]:
    columns = ", ".join(table.columns)
    with duckdb.connect(str(built_warehouse.path), read_only=True) as con:
        return con.execute(f"select {columns} from marts.{table.name}").fetchall()


@pytest.mark.parametrize("table", TABLES, ids=[t.name for t in TABLES])
def test_mart_equals_recomputation(
    table: Table, built_warehouse: BuiltWarehouse, recomputed: Warehouse
) -> None:
    # given the raw layer dbt built from, recomputed in plain Python
    expected = table.compute(recomputed)
    # when the mart is read
    actual = mart_rows(built_warehouse, table)
    # then both agree row for row
    problems = diff(table, expected, actual)
    assert not problems, report(table, problems, len(expected), len(actual))


def test_recomputation_is_not_vacuous(recomputed: Warehouse) -> None:
    """A sandbox with no deals or calls would make every comparison pass trivially."""
    assert recomputed.opportunities and recomputed.interactions and recomputed.leads
    assert any(o.status == "won" for o in recomputed.opportunities)
