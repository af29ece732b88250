"""Fixtures: a small fake warehouse, a CSV export folder and helpers to snapshot publications."""

import shutil
from pathlib import Path

import pytest
from publishing_servers import (  # noqa: F401  (fixtures)
    gcs_client,
    gcs_emulator,
    postgres_database,
    postgres_server,
)
from publishing_warehouse import make_small_warehouse

from publishing import CsvFolderConfig, CsvFolderTarget


@pytest.fixture(scope="session")
def warehouse_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_small_warehouse(tmp_path_factory.mktemp("template") / "warehouse.duckdb")


@pytest.fixture
def warehouse(warehouse_template: Path, tmp_path: Path) -> Path:
    """A DuckDB file with the eight marts (awkward values, invariants holding) and raw tables."""
    # A copy per test: tests mutate it, and copying is cheaper than building it again.
    return Path(shutil.copyfile(warehouse_template, tmp_path / "warehouse.duckdb"))


@pytest.fixture
def export_dir(tmp_path: Path) -> Path:
    return tmp_path / "exports"


@pytest.fixture
def csv_target(export_dir: Path) -> CsvFolderTarget:
    return CsvFolderTarget(CsvFolderConfig(export_dir))
