"""Session fixture: a small warehouse built by `dbt build` over the hand-made raw fixture."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from dbt_harness import PII_HASH_KEY, DbtWarehouse, run_dbt
from raw_fixture import load_fixture


@pytest.fixture(scope="session")
def dbt_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DbtWarehouse]:
    """The raw fixture loaded into a fresh DuckDB file, then every model and test built."""
    scratch = tmp_path_factory.mktemp("dbt_warehouse")
    path = load_fixture(scratch / "warehouse.duckdb")
    run_dbt(path, scratch, "build")
    yield DbtWarehouse(path, scratch, PII_HASH_KEY)


@pytest.fixture()
def warehouse_copy(dbt_warehouse: DbtWarehouse, tmp_path: Path) -> DbtWarehouse:
    """A private copy of the built warehouse that a test may change."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(dbt_warehouse.path, path)
    return DbtWarehouse(path, tmp_path, dbt_warehouse.pii_hash_key)
