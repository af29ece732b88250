"""`kpi-pipeline run` against a sandbox started on its own, configured by environment only."""

from pathlib import Path

import duckdb

from connectors.aircall.source import SOURCE as AIRCALL
from connectors.hubspot.source import SOURCE as HUBSPOT
from connectors.registry import raw_row_count

# The default sandbox run reads these sources (HubSpot + Aircall).
RAW_STREAMS = HUBSPOT.stream_names + AIRCALL.stream_names


def test_run_loads_exactly_the_records_the_sandbox_holds(pipeline_run):
    # given a finished run (fixture); when we count what landed
    totals = pipeline_run.sandbox_totals()
    landed = {
        stream: raw_row_count(pipeline_run.duckdb_path, stream, include_archived=True)
        for stream in RAW_STREAMS
    }
    # then every stream holds exactly the sandbox's records, none missing, none twice
    assert landed == {stream: totals[stream] for stream in RAW_STREAMS}
    assert all(count > 0 for count in landed.values())


def test_run_reports_each_stream_once_in_a_summary_and_keeps_the_rest_in_its_log(pipeline_run):
    # given the output of the session's run, piped (not a terminal)
    lines = pipeline_run.output.splitlines()
    # then each stream has one summary line, the verdict and the checks follow
    for stream in RAW_STREAMS:
        assert sum(line.split()[:1] == [stream] for line in lines) == 1, stream
    assert "Pipeline succeeded" in pipeline_run.output
    assert "Checks:" in pipeline_run.output and " 0 failed" in pipeline_run.output
    # and it is short, plain, with no line twice; dbt's and Dagster's lines are in the log
    assert len(lines) < 60, pipeline_run.output
    assert len(set(lines)) == len(lines)
    assert "\x1b[" not in pipeline_run.output
    assert " START sql " not in pipeline_run.output and "STEP_SUCCESS" not in pipeline_run.output
    (log,) = [Path(line.removeprefix("Log: ")) for line in lines if line.startswith("Log: ")]
    assert log.parent == pipeline_run.duckdb_path.parent / "logs"
    text = log.read_text()
    assert " START sql " in text and "STEP_SUCCESS" in text


def test_run_builds_all_nine_marts(pipeline_run):
    with duckdb.connect(str(pipeline_run.duckdb_path), read_only=True) as con:
        tables = con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'marts' and table_name like 'kpi_%' order by 1"
        ).fetchall()
    assert [name for (name,) in tables] == [
        "kpi_agent_credit_daily",
        "kpi_calls_daily",
        "kpi_conversations_daily",
        "kpi_customer_cohorts",
        "kpi_customers",
        "kpi_leads_daily",
        "kpi_retention_monthly",
        "kpi_sales_daily",
        "kpi_targets_monthly",
    ]


def test_run_never_writes_the_secrets_to_its_output(pipeline_run):
    for secret in ("sandbox-hubspot-token", "sandbox-aircall-token", "test-only-pii-key"):
        assert secret not in pipeline_run.output
