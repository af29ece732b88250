"""Every KPI mart equals its independent recomputation from the raw layer (kpis.md contract).

Two data sets go through dbt: the sandbox (realistic volume) and the hand-made fixture (edge
cases the sandbox may not draw: a goal ending at UTC midnight, a seed-mapped line, a user
without e-mail...). The recomputation never reads the dbt models; it follows the contract.
"""

from __future__ import annotations

import duckdb
import pytest
from recompute.compare import diff, report
from recompute.loader import load_raw
from recompute.model import Warehouse, build_warehouse
from recompute.pipeline import BuiltWarehouse
from recompute.tables import TABLES, Table

pytestmark = pytest.mark.slow
DATA_SETS = ("sandbox_warehouse", "fixture_warehouse")
# Disagreements where the recomputation is judged right and dbt must change (reported to the
# team): (data set, table) -> (the only differences allowed, why). Each entry turns the test
# into an expected failure while exactly those differences remain; a fix makes it fail loudly
# so that the entry is removed. Delete an entry to make its disagreement a hard failure.
KNOWN_DISAGREEMENTS = {
    ("fixture_warehouse", "kpi_targets_monthly"): (
        ("{'month': '2026-09-01', 'agent_id': '576c464fdbbd'}: targets_met: expected 1 got 0",),
        "kpis.md: targets_met = 1 where revenue_won >= target_amount; the mart ships "
        "target_amount 333.33 (a third of 1000) and revenue_won 333.33 with targets_met 0, "
        "comparing against the unrounded split instead of the shipped column",
    ),
}
_recomputed: dict[str, Warehouse] = {}


def recompute(name: str, built: BuiltWarehouse) -> Warehouse:
    """The warehouse rebuilt in Python from the raw tables dbt read (once per data set)."""
    if name not in _recomputed:
        with duckdb.connect(str(built.path), read_only=True) as con:
            _recomputed[name] = build_warehouse(load_raw(con), built.settings)
    return _recomputed[name]


def mart_rows(built: BuiltWarehouse, table: Table) -> list[tuple]:
    columns = ", ".join(table.columns)
    with duckdb.connect(str(built.path), read_only=True) as con:
        return con.execute(f"select {columns} from marts.{table.name}").fetchall()


@pytest.mark.parametrize("table", TABLES, ids=[t.name for t in TABLES])
@pytest.mark.parametrize("data_set", DATA_SETS, ids=["sandbox", "fixture"])
def test_mart_equals_recomputation(
    data_set: str, table: Table, request: pytest.FixtureRequest
) -> None:
    # given the raw layer dbt built from, recomputed in plain Python
    built: BuiltWarehouse = request.getfixturevalue(data_set)
    expected = table.compute(recompute(data_set, built))
    # when the mart is read
    actual = mart_rows(built, table)
    # then both agree row for row
    problems = diff(table, expected, actual)
    known = KNOWN_DISAGREEMENTS.get((data_set, table.name))
    if known is not None:
        assert problems, f"known disagreement fixed, remove it from KNOWN_DISAGREEMENTS: {known[1]}"
        if tuple(problems) == known[0]:
            pytest.xfail(known[1])
    assert not problems, report(table, problems, len(expected), len(actual))


def test_sandbox_recomputation_is_not_vacuous(sandbox_warehouse: BuiltWarehouse) -> None:
    """A sandbox with no deals or calls would make every comparison pass trivially."""
    warehouse = recompute("sandbox_warehouse", sandbox_warehouse)
    assert warehouse.opportunities and warehouse.interactions and warehouse.leads
    assert any(o.status == "won" for o in warehouse.opportunities)
    assert any(len(o.leads) > 1 for o in warehouse.opportunities)
    assert warehouse.raw.goals
