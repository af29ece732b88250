"""Thin Dagster resources over the framework-free connectors and the DuckDB warehouse."""

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

from connectors.registry import (
    SOURCES_VARIABLE,
    Stream,
    build_streams,
    enabled_sources,
    raw_total_queries,
)
from orchestration.run_lock import duckdb_lock_wait, warehouse_lock
from orchestration.settings import setting
from publishing import (
    DEFAULT_INVARIANTS,
    CsvFolderConfig,
    CsvFolderTarget,
    PublishConfig,
    PublishResult,
    publish,
    raw_total_invariants,
)
from publishing.targets.base import Target
from publishing.targets.duckdb_file import DuckDbFileConfig, DuckDbFileTarget


class SourcesResource(dg.ConfigurableResource):
    """The enabled source plug-ins (connectors/registry.py) and their streams.

    Credentials and base URLs are read from the environment when the streams are built, so
    secrets never enter run config and the same definitions serve the sandbox and real accounts.
    ``sources`` (comma-separated names) overrides the SOURCES variable.
    """

    sources: str = ""

    def environ(self) -> dict[str, str]:
        environ = dict(os.environ)
        if self.sources:
            environ[SOURCES_VARIABLE] = self.sources
        return environ

    def streams(self) -> dict[str, Stream]:
        """Every stream of the enabled sources, keyed like `<vendor>/<table>`."""
        return build_streams(self.environ())


class WarehouseResource(dg.ConfigurableResource):
    """Where the DuckDB warehouse lives (DUCKDB_PATH, else data/warehouse.duckdb)."""

    duckdb_path: str = ""

    def path(self) -> Path:
        path = Path(self.duckdb_path or setting("DUCKDB_PATH")).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Refuse to write while another run writes the same warehouse file."""
        with warehouse_lock(self.path()):
            yield


class PublishResource(dg.ConfigurableResource):
    """Where the marts are published: the CSV folder and the DuckDB reader file always,
    PostgreSQL and GCS when configured.

    Empty fields fall back to the environment (EXPORT_DIR, READER_DUCKDB_PATH (default
    EXPORT_DIR/kpis.duckdb), LOOKER_GCS_BUCKET, LOOKER_GCS_PREFIX, LOOKER_PG_SCHEMA,
    LOOKER_PG_READER_ROLE). The PostgreSQL DSN holds a password, so it is read from
    LOOKER_PG_DSN at run time and never enters run config.
    """

    export_dir: str = ""
    reader_duckdb_path: str = ""
    gcs_bucket: str = ""
    gcs_prefix: str = ""

    def targets(self) -> list[Target]:
        """The configured targets: CSV folder, DuckDB reader file, then PostgreSQL and GCS."""
        return [target for target, _ in self.configured_targets()]

    def configured_targets(self) -> list[tuple[Target, str]]:
        """Each target with the variables that configure it, to name in what to fix."""
        export_dir = Path(self.export_dir or setting("EXPORT_DIR")).resolve()
        reader = self.reader_duckdb_path or setting("READER_DUCKDB_PATH")
        reader_path = Path(reader).resolve() if reader else export_dir / "kpis.duckdb"
        targets: list[tuple[Target, str]] = [
            (CsvFolderTarget(CsvFolderConfig(export_dir)), "EXPORT_DIR"),
            (DuckDbFileTarget(DuckDbFileConfig(reader_path)), "READER_DUCKDB_PATH or EXPORT_DIR"),
        ]
        dsn = dg.EnvVar("LOOKER_PG_DSN").get_value()
        if dsn:
            from publishing.targets.postgres import PostgresConfig, PostgresTarget

            config = PostgresConfig(
                dsn=dsn,
                schema=setting("LOOKER_PG_SCHEMA"),
                reader_role=setting("LOOKER_PG_READER_ROLE"),
            )
            targets.append((PostgresTarget(config), "LOOKER_PG_DSN, LOOKER_PG_SCHEMA"))
        bucket = self.gcs_bucket or setting("LOOKER_GCS_BUCKET")
        if bucket:
            from publishing.targets.gcs import GcsConfig, GcsTarget

            prefix = self.gcs_prefix or setting("LOOKER_GCS_PREFIX")
            variables = "LOOKER_GCS_BUCKET, GOOGLE_APPLICATION_CREDENTIALS"
            targets.append((GcsTarget(GcsConfig(bucket=bucket, prefix=prefix)), variables))
        return targets

    def publish(self, duckdb_path: Path, log: Callable[[str], None]) -> PublishResult:
        """Write, audit, then swap in the exports on every target (see publishing.publish)."""
        targets = self.targets()
        sources = enabled_sources(os.environ)
        log("Publishing to: " + "; ".join(target.describe() for target in targets))
        config = PublishConfig(
            reporting_timezone=setting("REPORTING_TIMEZONE"),
            invariants=(*DEFAULT_INVARIANTS, *raw_total_invariants(raw_total_queries(sources))),
            enabled_source_kinds=frozenset(source.kind for source in sources),
            lock_wait=duckdb_lock_wait(),
        )
        return publish(duckdb_path, targets, config)
