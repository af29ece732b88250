"""The Dagster definitions load, and lineage runs from every vendor stream to every mart."""

import dagster as dg
import pytest

from connectors.registry import SOURCES
from orchestration.project import prepare_dbt_manifest

KPI_MARTS = (
    "kpi_sales_daily",
    "kpi_agent_credit_daily",
    "kpi_targets_monthly",
    "kpi_customers",
    "kpi_retention_monthly",
    "kpi_customer_cohorts",
    "kpi_leads_daily",
    "kpi_calls_daily",
    "kpi_conversations_daily",
)


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    prepare_dbt_manifest()
    from orchestration.definitions import defs

    return defs


def test_definitions_resolve_every_job_schedule_and_sensor(defs):
    job = defs.resolve_job_def("refresh_kpis_job")
    schedule = defs.resolve_schedule_def("refresh_kpis_job_schedule")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Europe/Paris"
    assert schedule.job_name == job.name
    assert defs.resolve_sensor_def("alert_on_run_failure")


def test_every_raw_stream_feeds_a_dbt_staging_model(defs):
    graph = defs.resolve_asset_graph()
    # Sources whose models are still to come land raw records that nothing reads yet.
    for stream in (name for s in SOURCES if s.models_ready for name in s.stream_names):
        key = dg.AssetKey(stream.split("/"))
        children = graph.get(key).child_keys
        assert children, f"{stream} feeds nothing: the dbt source key does not match the asset key"


def test_every_kpi_mart_descends_from_both_vendors(defs):
    graph = defs.resolve_asset_graph()
    for mart in KPI_MARTS:
        key = next(k for k in graph.get_all_asset_keys() if k.path[-1] == mart)
        ancestors = _ancestors(graph, key)
        sources = {k.path[0] for k in ancestors if k.path[0] in {"hubspot", "aircall"}}
        assert sources == {"hubspot", "aircall"}, f"{mart} descends only from {sources}"


def _ancestors(graph, key: dg.AssetKey) -> set[dg.AssetKey]:
    seen: set[dg.AssetKey] = set()
    frontier = [key]
    while frontier:
        for parent in graph.get(frontier.pop()).parent_keys:
            if parent not in seen:
                seen.add(parent)
                frontier.append(parent)
    return seen


def test_secrets_never_enter_resource_config(defs, monkeypatch):
    # given: the sources resource is configured by source names only
    sources = defs.resources["sources"]
    assert set(type(sources).model_fields) == {"sources"}
    # when: credentials appear in the environment after the definitions loaded
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "read-at-run-time")
    monkeypatch.setenv("SOURCES", "hubspot")
    streams = sources.streams()
    # then: streams are built from the environment of the run, not from stored config
    assert streams and all(name.startswith("hubspot/") for name in streams)
    assert "read-at-run-time" not in repr(sources)


def test_dbt_build_rebuilds_incremental_models_only_when_asked():
    from orchestration.assets.dbt import DbtBuildConfig, dbt_build_args

    excludes = ["--exclude-resource-type", "unit_test"]
    assert dbt_build_args(DbtBuildConfig()) == ["build", *excludes]
    refresh = dbt_build_args(DbtBuildConfig(full_refresh=True))
    assert refresh == ["build", "--full-refresh", *excludes]
