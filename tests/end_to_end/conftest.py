"""Session fixture: the warehouse built end to end (sandbox, connectors, dbt) under test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from recompute.pipeline import DBT_PROJECT, PII_HASH_KEY, BuiltWarehouse, dbt_build, sync_sandbox


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltWarehouse]:
    """Sandbox at a small fixed scale, every stream synced, then `dbt build` on the result."""
    if not (DBT_PROJECT / "dbt_project.yml").exists():
        pytest.skip("dbt_project/ is not in the repository yet: no marts to compare with")
    scratch = tmp_path_factory.mktemp("recomputation")
    path = scratch / "warehouse.duckdb"
    sync_sandbox(path)
    dbt_build(path, scratch)
    # dbt takes "now" from its own clock; every sandbox record is before AS_OF, so any instant
    # during the build gives the same numbers, unless the build straddles a month boundary.
    yield BuiltWarehouse(path, datetime.now(UTC), PII_HASH_KEY)
