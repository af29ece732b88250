"""Session fixtures: the warehouses built end to end (sandbox or fixture, then dbt) under test."""

from __future__ import annotations

import pytest
from recompute.pipeline import (
    DBT_PROJECT,
    BuiltWarehouse,
    build_fixture_warehouse,
    build_pipedrive_warehouse,
    build_sandbox_warehouse,
)


def _require_dbt_project() -> None:
    if not (DBT_PROJECT / "dbt_project.yml").exists():
        pytest.skip("dbt_project/ is not in the repository yet: no marts to compare with")


@pytest.fixture(scope="session")
def sandbox_warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    """Sandbox at a small fixed scale, every stream synced, then `dbt build` on the result."""
    _require_dbt_project()
    return build_sandbox_warehouse(tmp_path_factory.mktemp("sandbox"))


@pytest.fixture(scope="session")
def fixture_warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    """The hand-made raw fixture (edge cases the sandbox may not draw), then dbt on it."""
    _require_dbt_project()
    return build_fixture_warehouse(tmp_path_factory.mktemp("fixture"))


@pytest.fixture(scope="session")
def pipedrive_warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    """The sandbox world as Pipedrive + Aircall (HubSpot's raw tables empty), then dbt on it."""
    _require_dbt_project()
    return build_pipedrive_warehouse(tmp_path_factory.mktemp("pipedrive"))
