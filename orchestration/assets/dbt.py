"""dbt models as Dagster assets: staging, intermediate and the KPI marts, tests as asset checks."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from connectors.duckdb_connect import probe_duckdb_lock
from orchestration.dbt_progress import DbtBuildTracker
from orchestration.progress import report
from orchestration.project import PRODUCTION_EXCLUDES, dbt_project
from orchestration.resources import WarehouseResource
from orchestration.run_control import interrupt_process_on_stop, raise_if_stopped
from orchestration.run_lock import duckdb_lock_wait
from orchestration.seed_files import dbt_seed_args


class LayeredDbtTranslator(DagsterDbtTranslator):
    """Groups dbt assets by layer (`dbt_staging`, `dbt_intermediate`, `dbt_marts`, `dbt_seeds`),
    so the lineage reads vendor streams → layers → publication at a glance."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props.get("resource_type") == "seed":
            return "dbt_seeds"
        folders = dbt_resource_props.get("fqn", [])[1:-1]
        return f"dbt_{folders[0]}" if folders else "dbt_models"


class DbtBuildConfig(dg.Config):
    """Run options, settable in the launchpad or with `kpi-pipeline run --full-refresh`."""

    full_refresh: bool = False


def dbt_build_args(config: DbtBuildConfig) -> list[str]:
    """`dbt build` of every model, seed and data test, rebuilding incremental models from
    scratch when asked (after a change of DEFAULT_PHONE_REGION or REPORTING_TIMEZONE, or calls
    deleted from raw)."""
    refresh = ["--full-refresh"] if config.full_refresh else []
    return ["build", *refresh, *PRODUCTION_EXCLUDES]


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=LayeredDbtTranslator(),
)
def kpi_dbt_assets(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    warehouse: WarehouseResource,
    config: DbtBuildConfig,
):
    """Build and test every model; a failing test stops the models downstream of it."""
    raise_if_stopped("dbt build")
    with warehouse.lock():
        # dbt's own connection cannot wait for a reader's lock: wait here, then let go to dbt.
        probe_duckdb_lock(warehouse.path(), duckdb_lock_wait())
        args = dbt_build_args(config) + dbt_seed_args(warehouse.path())
        invocation = dbt.cli(args, context=context, raise_on_error=False)
        tracker = DbtBuildTracker()
        report(tracker.progress())  # started: dbt parses the project before its first node
        # A stop (signal, deadline) interrupts dbt, which rolls back the model it is building.
        with interrupt_process_on_stop(invocation.process, "dbt build"):
            # `stream()` without its wrapper: each raw event also moves the progress display.
            for event in invocation.stream_raw_events():
                if progress := tracker.observe(event.raw_event):
                    report(progress)
                yield from event.to_default_asset_events(
                    manifest=invocation.manifest,
                    dagster_dbt_translator=invocation.dagster_dbt_translator,
                    context=context,
                    target_path=invocation.target_path,
                    project=invocation.project,
                )
            if not invocation.is_successful():
                # Which tests or models failed, not dagster-dbt's "see the compute logs".
                raise dg.Failure(
                    description=tracker.failure_description(),
                    metadata={
                        "failed_tests": ", ".join(tracker.failed_tests),
                        "failed_models": ", ".join(tracker.failed_nodes),
                    },
                    allow_retries=False,
                )
