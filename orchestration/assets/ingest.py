"""One Dagster asset per raw stream of the enabled sources, keyed like the dbt source it feeds."""

import os
from collections.abc import Callable, Sequence
from datetime import timedelta

import dagster as dg

from connectors.duckdb_connect import WarehouseLockedError
from connectors.registry import (
    SyncProgress,
    SyncResult,
    enabled_sources,
    reconcile,
    source_of_stream,
    sync_stream,
)
from connectors.schema_drift import detect_schema_drift
from orchestration.erasure import erasure_config
from orchestration.progress import Notice, StreamProgress, report
from orchestration.resources import SourcesResource, WarehouseResource
from orchestration.run_control import fatal_errors_not_retried, raise_if_stopped, should_stop
from orchestration.run_lock import duckdb_lock_wait

# Network blips are the common failure; a bounded asset-level retry sits above the HTTP layer's
# own per-request retries and re-reads from the committed cursor, so it never duplicates data.
# Errors that would fail again unchanged (401/403/400, malformed body, unreachable base URL, spent
# daily quota, a requested stop) bypass it: see run_control.fatal_errors_not_retried.
INGEST_RETRY_POLICY = dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL)

# The nightly run starts at 02:00; a stream not refreshed for 26 h means a run was skipped/failed.
RAW_FRESHNESS_POLICY = dg.FreshnessPolicy.time_window(
    fail_window=timedelta(hours=26), warn_window=timedelta(hours=25)
)


def asset_key_for(stream_name: str) -> dg.AssetKey:
    """`<vendor>/deals` -> AssetKey(["<vendor>", "deals"]), the default dagster-dbt source key."""
    return dg.AssetKey(stream_name.split("/"))


PROGRESS_INTERVAL_SECONDS = 5.0


class ProgressReporter:
    """Tells the run's display about every page, and logs at checkpoints and every few seconds
    (the Dagster UI and the run log would drown in one line per page)."""

    def __init__(self, log: Callable[[str], None]) -> None:
        self._log = log
        self._last_logged = -PROGRESS_INTERVAL_SECONDS
        self._last_line = ""

    def __call__(self, progress: SyncProgress) -> None:
        report(StreamProgress(progress.stream, progress.records, progress.pages,
                              progress.elapsed_seconds))  # fmt: skip
        if progress.checkpoint or progress.elapsed_seconds - self._last_logged >= (
            PROGRESS_INTERVAL_SECONDS
        ):
            self._last_logged = progress.elapsed_seconds
            line = progress.describe()
            if line != self._last_line:  # the last page and its checkpoint: one line
                self._last_line = line
                self._log(line)


def result_metadata(result: SyncResult) -> dict[str, int | float | str]:
    """What the asset reports in the UI and the CLI summary."""
    return {
        "records": result.records,
        "pages": result.pages,
        "inserted": result.inserted,
        "updated": result.updated,
        "elapsed_seconds": round(result.elapsed_seconds, 2),
        "cursor": result.cursor or "",
    }


def build_ingest_asset(stream_name: str) -> dg.AssetsDefinition:
    """Declare the asset that syncs one stream into its raw table."""
    source_system, table = stream_name.split("/")

    @dg.asset(
        key=asset_key_for(stream_name),
        group_name=f"{source_system}_raw",
        kinds={"python", "duckdb"},
        retry_policy=INGEST_RETRY_POLICY,
        freshness_policy=RAW_FRESHNESS_POLICY,
        description=f"Raw `{table}` records from {source_of_stream(stream_name).label}, "
        "merged on their id.",
    )
    def _ingest(
        context: dg.AssetExecutionContext,
        sources: SourcesResource,
        warehouse: WarehouseResource,
    ) -> dg.MaterializeResult:
        raise_if_stopped(stream_name)
        stream = sources.streams()[stream_name]
        report(StreamProgress(stream_name, 0, 0, 0.0))
        try:
            with warehouse.lock(), fatal_errors_not_retried():
                result = sync_stream(
                    stream,
                    warehouse.path(),
                    run_id=context.run_id,
                    on_progress=ProgressReporter(context.log.info),
                    erasure=erasure_config(),  # erased people are scrubbed on landing
                    lock_wait=duckdb_lock_wait(),
                    should_stop=should_stop,
                )
                drift = detect_schema_drift(warehouse.path(), stream_name, context.run_id)
        except WarehouseLockedError as error:  # already waited its bounded time: no retry
            report(StreamProgress(stream_name, 0, 0, 0.0, "failed", str(error)))
            raise dg.Failure(
                description=str(error),
                metadata={"error": type(error).__name__},
                allow_retries=False,
            ) from error
        except Exception as error:
            report(StreamProgress(stream_name, 0, 0, 0.0, "failed", str(error)))
            raise
        report(StreamProgress(stream_name, result.records, result.pages,
                              result.elapsed_seconds, "done"))  # fmt: skip
        metadata = result_metadata(result)
        if notice := drift.describe():
            # A notice, not a failure: the dbt not_all_null tests block what breaks a KPI.
            context.log.warning(notice)
            report(Notice(notice))
            metadata["schema_drift"] = notice
        return dg.MaterializeResult(metadata=metadata)

    return _ingest


def build_reconciliation_check(stream_name: str) -> dg.AssetChecksDefinition:
    """Compare the raw rows with the source's own count over the scope the last sync covered."""

    @dg.asset_check(
        asset=asset_key_for(stream_name),
        name="raw_count_matches_source",
        blocking=True,
        description=(
            "Catches lost records and lost updates: live raw rows (not archived, not deleted, "
            "not merged away) must equal the vendor's count over the last sync's scope."
        ),
    )
    def _reconcile(sources: SourcesResource, warehouse: WarehouseResource) -> dg.AssetCheckResult:
        result = reconcile(sources.streams()[stream_name], warehouse.path())
        metadata: dict[str, int | str] = {
            "raw_rows": result.raw_count - result.gone_since,
            "scope": result.scope,
            "gone_at_vendor_since_sync": result.gone_since,
            "message": result.message(),
        }
        if result.source_count is not None:
            metadata["source_count"] = result.source_count
        if result.source_updates is not None:
            metadata["source_updates"] = result.source_updates
            metadata["raw_updates"] = result.raw_updates
        return dg.AssetCheckResult(
            passed=result.matches,
            metadata=metadata,
            description=None if result.matches else result.message(),
        )

    return _reconcile


def build_ingest_definitions(
    stream_names: Sequence[str] | None = None,
) -> tuple[list[dg.AssetsDefinition], list[dg.AssetChecksDefinition]]:
    """Every ingest asset and its reconciliation check (default: the enabled sources' streams)."""
    if stream_names is None:
        stream_names = [
            name for source in enabled_sources(os.environ) for name in source.stream_names
        ]
    assets = [build_ingest_asset(name) for name in stream_names]
    checks = [build_reconciliation_check(name) for name in stream_names]
    return assets, checks
