"""Jobs as asset selections, and the nightly schedule."""

import dagster as dg

from orchestration.freshness import freshness_sla_checks
from orchestration.settings import setting

refresh_kpis_job = dg.define_asset_job(
    name="refresh_kpis_job",
    # The freshness checks judge the runs from outside (freshness_sla_alert sensor), not within.
    selection=dg.AssetSelection.all() - dg.AssetSelection.checks(freshness_sla_checks),
    description="Ingest every stream, then build and test the dbt models and KPI marts.",
    # DuckDB allows one writer per file: steps share one process and run one after another.
    executor_def=dg.in_process_executor,
)


def build_nightly_schedule() -> dg.ScheduleDefinition:
    """02:00 every night in the reporting time zone, after the business day has closed."""
    return dg.ScheduleDefinition(
        name="refresh_kpis_job_schedule",
        job=refresh_kpis_job,
        cron_schedule="0 2 * * *",
        # Read when definitions load, because the daemon evaluates the cron in this zone.
        execution_timezone=setting("REPORTING_TIMEZONE"),
        default_status=dg.DefaultScheduleStatus.STOPPED,
    )
