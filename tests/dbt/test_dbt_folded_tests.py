"""The folded data tests (`unique_key`, `not_null_columns`) fail where dbt's pairs would.

They replace dbt's `unique` + `not_null` per key and one `not_null` per required column, to cut a
nightly build's node count; a folded test that never fails would silently drop those checks.
"""

from __future__ import annotations

import duckdb
from dbt_harness import DbtWarehouse, run_dbt


def _test_models(warehouse: DbtWarehouse, *statements: str) -> str:
    """Apply the statements to the built marts, run two marts' data tests, return dbt's output."""
    with duckdb.connect(str(warehouse.path)) as con:
        for statement in statements:
            con.execute(statement)
    done = run_dbt(
        warehouse.path, warehouse.scratch, "test", "-s", "dim_agents", "dim_business_lines",
        "--exclude-resource-type", "unit_test", "--store-failures", check=False,
    )  # fmt: skip
    return done.stdout


def _stored_failures(warehouse: DbtWarehouse, test_name: str) -> list[tuple]:
    with duckdb.connect(str(warehouse.path)) as con:
        table = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables"
            " where table_name = ?",
            [test_name],
        ).fetchone()
        assert table, f"no stored failures for {test_name}"
        return con.execute(f"select * from {table[0]}").fetchall()


def test_the_built_warehouse_passes_both(warehouse_copy: DbtWarehouse) -> None:
    output = _test_models(warehouse_copy)
    assert "PASS not_null_dim_business_lines " in output
    assert "PASS unique_key_dim_agents_agent_id " in output


def test_a_null_required_column_fails_naming_it(warehouse_copy: DbtWarehouse) -> None:
    output = _test_models(
        warehouse_copy,
        "update marts.dim_business_lines set channel = null"
        " where business_line = (select min(business_line) from marts.dim_business_lines)",
    )
    assert "FAIL 1 not_null_dim_business_lines " in output
    failures = _stored_failures(warehouse_copy, "not_null_dim_business_lines")
    assert [column for column, _ in failures] == ["channel"]
    assert failures[0][1] >= 1


def test_a_duplicated_or_null_key_fails(warehouse_copy: DbtWarehouse) -> None:
    output = _test_models(
        warehouse_copy,
        "insert into marts.dim_agents select * from marts.dim_agents"
        " where agent_id = (select min(agent_id) from marts.dim_agents)",
        "insert into marts.dim_agents by name select null as agent_id, 'nobody' as agent_name",
    )
    assert "FAIL 2 unique_key_dim_agents_agent_id " in output
    failures = _stored_failures(warehouse_copy, "unique_key_dim_agents_agent_id")
    assert sorted(rows for _, rows in failures) == [1, 2]
    assert None in {key for key, _ in failures}
