"""Publish the `marts.kpi_*` tables for Looker Studio (Data Studio) by write-audit-publish.

Framework-free: never imports Dagster and never reads the environment; the orchestrator passes
configuration in as frozen dataclasses.
"""

from publishing.checks import CheckFailure, PublishValidationError
from publishing.contract import CONTRACT_VERSION, EXPORT_COLUMNS, GRAIN_COLUMNS
from publishing.invariants import DEFAULT_INVARIANTS, RAW_INVARIANTS, Invariant
from publishing.pii import PiiHit, find_pii
from publishing.publish import PublishCommitError, PublishConfig, PublishResult, publish
from publishing.targets.csv_folder import (
    CsvFolderConfig,
    CsvFolderTarget,
    PublishInProgressError,
)

__all__ = [
    "CONTRACT_VERSION",
    "DEFAULT_INVARIANTS",
    "EXPORT_COLUMNS",
    "GRAIN_COLUMNS",
    "RAW_INVARIANTS",
    "CheckFailure",
    "CsvFolderConfig",
    "CsvFolderTarget",
    "Invariant",
    "PiiHit",
    "PublishCommitError",
    "PublishConfig",
    "PublishInProgressError",
    "PublishResult",
    "PublishValidationError",
    "find_pii",
    "publish",
]
