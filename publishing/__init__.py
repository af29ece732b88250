"""Publish the `marts.kpi_*` tables for Looker Studio (Data Studio) by write-audit-publish.

Framework-free: never imports Dagster and never reads the environment; the orchestrator passes
configuration in as frozen dataclasses.
"""

from publishing.checks import CheckFailure, PublishValidationError
from publishing.contract import CONTRACT_VERSION, EXPORT_COLUMNS, GRAIN_COLUMNS
from publishing.invariants import DEFAULT_INVARIANTS, Invariant, raw_total_invariants
from publishing.pii import PiiHit, find_pii
from publishing.publish import (
    PublishCommitError,
    PublishConfig,
    PublishResult,
    PublishRollbackError,
    publish,
)
from publishing.targets.csv_folder import (
    CsvFolderConfig,
    CsvFolderTarget,
    PublishInProgressError,
)
from publishing.targets.duckdb_file import DuckDbFileConfig, DuckDbFileTarget

__all__ = [
    "CONTRACT_VERSION",
    "DEFAULT_INVARIANTS",
    "EXPORT_COLUMNS",
    "GRAIN_COLUMNS",
    "CheckFailure",
    "CsvFolderConfig",
    "CsvFolderTarget",
    "DuckDbFileConfig",
    "DuckDbFileTarget",
    "Invariant",
    "PiiHit",
    "PublishCommitError",
    "PublishConfig",
    "PublishInProgressError",
    "PublishResult",
    "PublishRollbackError",
    "PublishValidationError",
    "find_pii",
    "publish",
    "raw_total_invariants",
]
