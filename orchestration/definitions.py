"""Assembles the Dagster definitions; no logic lives here."""

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.alerts import alert_on_run_failure
from orchestration.assets.dbt import kpi_dbt_assets
from orchestration.assets.exports import published_exports
from orchestration.assets.ingest import build_ingest_definitions
from orchestration.freshness import freshness_sla_alert, freshness_sla_checks
from orchestration.housekeeping import housekeeping_after_success
from orchestration.project import DBT_EXECUTABLE, dbt_project
from orchestration.resources import PublishResource, SourcesResource, WarehouseResource
from orchestration.schedules import build_nightly_schedule, refresh_kpis_job

ingest_assets, ingest_checks = build_ingest_definitions()

defs = dg.Definitions(
    assets=[*ingest_assets, kpi_dbt_assets, published_exports],
    asset_checks=[*ingest_checks, freshness_sla_checks],
    jobs=[refresh_kpis_job],
    schedules=[build_nightly_schedule()],
    sensors=[alert_on_run_failure, housekeeping_after_success, freshness_sla_alert],
    resources={
        "sources": SourcesResource(),
        "warehouse": WarehouseResource(),
        "publisher": PublishResource(),
        "dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE),
    },
)
