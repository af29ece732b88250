"""Publish the KPI marts for Looker Studio (Data Studio), only after every upstream check passed."""

from datetime import timedelta

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from orchestration.assets.dbt import kpi_dbt_assets
from orchestration.dashboard import refresh_dashboard
from orchestration.progress import PublishProgress, report
from orchestration.resources import PublishResource, WarehouseResource
from orchestration.run_control import raise_if_stopped
from publishing import EXPORT_COLUMNS

# Published nightly around 02:00: a publication older than 26 h means consumers see stale data.
PUBLICATION_FRESHNESS_POLICY = dg.FreshnessPolicy.time_window(
    fail_window=timedelta(hours=26), warn_window=timedelta(hours=25)
)


@dg.asset(
    key=["looker_studio", "published_exports"],
    group_name="looker_studio",
    kinds={"python", "csv"},
    # A failed dbt build (a failing test included) fails its step, so Dagster skips this one:
    # consumers keep the previous publication (write-audit-publish).
    deps=[get_asset_key_for_model([kpi_dbt_assets], table) for table in EXPORT_COLUMNS],
    freshness_policy=PUBLICATION_FRESHNESS_POLICY,
    description="The nine kpi_* marts, audited then swapped in at once on every target.",
)
def published_exports(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, publisher: PublishResource
) -> dg.MaterializeResult:
    # Once a stop is requested nothing is published: consumers keep the previous publication.
    raise_if_stopped("publish")
    report(PublishProgress("running", "; ".join(t.describe() for t in publisher.targets())))
    try:
        with warehouse.lock():
            result = publisher.publish(warehouse.path(), log=context.log.info)
    except Exception as error:
        report(PublishProgress("failed", str(error)))
        raise
    dashboard = refresh_dashboard(context.log.info, context.log.error)
    rows = sum(result.row_counts.values())
    report(PublishProgress("done", f"version {result.version}, {rows:,} rows"))
    return dg.MaterializeResult(
        metadata={
            "dashboard": dashboard,
            "version": result.version,
            "rows": rows,
            **{f"rows_{table}": count for table, count in result.row_counts.items()},
            "locations": ", ".join(result.locations),
        }
    )
