"""dbt models as Dagster assets: staging, intermediate and the KPI marts, tests as asset checks."""

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.project import dbt_project
from orchestration.resources import WarehouseResource


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project)
def kpi_dbt_assets(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
):
    """Build and test every model; a failing test stops the models downstream of it."""
    with warehouse.lock():
        yield from dbt.cli(["build"], context=context).stream()
