"""Fault 33: every run reconciles the vendor's count with the raw rows; a mismatch (a record
lost on the way in) fails the blocking check and stops everything downstream of the stream."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import dagster as dg
import pytest

from connectors.registry import Stream
from connectors.streams import Page
from orchestration.assets.ingest import build_ingest_asset, build_reconciliation_check
from orchestration.resources import SourcesResource, WarehouseResource
from sandbox import RunningSandbox, SandboxConfig, start_sandbox

STREAM = "aircall/teams"
DOWNSTREAM_RUNS: list[str] = []


class LossyStream:
    """A real stream whose reader drops the last record it reads (a pagination or load loss)."""

    def __init__(self, stream: Stream) -> None:
        self._stream = stream

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def read(self, cursor: str | None) -> Iterator[Page]:
        pages = list(self._stream.read(cursor))
        last = max(i for i, page in enumerate(pages) if page.records)
        pages[last] = Page(pages[last].records[:-1], pages[last].cursor, pages[last].checkpoint)
        yield from pages


class LossySources(SourcesResource):
    """The project's sources resource, with the loss switched on or off."""

    lose_a_record: bool = False

    def streams(self) -> dict[str, Stream]:
        streams = super().streams()
        if self.lose_a_record:
            streams[STREAM] = LossyStream(streams[STREAM])  # type: ignore[assignment]
        return streams


@dg.asset(deps=[dg.AssetKey(STREAM.split("/"))])
def downstream_export() -> None:
    """Stands for dbt and the publication: anything fed by the stream."""
    DOWNSTREAM_RUNS.append("ran")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[RunningSandbox]:
    with start_sandbox(SandboxConfig(seed=7, scale=0.05)) as running:
        yield running


def run_stream(sandbox: RunningSandbox, duckdb_path: Path, lose_a_record: bool):
    DOWNSTREAM_RUNS.clear()
    sources = LossySources(sources="hubspot,aircall", lose_a_record=lose_a_record)
    defs = dg.Definitions(
        assets=[build_ingest_asset(STREAM), downstream_export],
        asset_checks=[build_reconciliation_check(STREAM)],
        resources={
            "sources": sources,
            "warehouse": WarehouseResource(duckdb_path=str(duckdb_path)),
        },
    )
    job = defs.resolve_implicit_global_asset_job_def()
    with mock.patch.dict(os.environ, sandbox.env()):
        return job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)


def check_evaluations(result) -> list[Any]:
    return [
        event.asset_check_evaluation_data
        for event in result.all_events
        if event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
    ]


def test_reconciliation_passes_and_downstream_runs_when_nothing_is_lost(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    # given / when
    result = run_stream(sandbox, tmp_path / "w.duckdb", lose_a_record=False)
    # then
    assert result.success
    assert [evaluation.passed for evaluation in check_evaluations(result)] == [True]
    assert DOWNSTREAM_RUNS == ["ran"]


def test_reconciliation_mismatch_fails_the_run_and_skips_downstream(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    # given: the stream loses one record on its way into raw
    # when
    result = run_stream(sandbox, tmp_path / "w.duckdb", lose_a_record=True)
    # then: the check failed with the counts, the run failed, nothing downstream ran
    (evaluation,) = check_evaluations(result)
    metadata = {name: value.value for name, value in evaluation.metadata.items()}
    assert not evaluation.passed
    assert metadata["source_count"] == metadata["raw_rows"] + 1
    assert not result.success
    assert DOWNSTREAM_RUNS == []


def test_a_reconciliation_mismatch_ends_the_cli_run_as_a_data_check_naming_the_stream(
    sandbox: RunningSandbox, tmp_path: Path
) -> None:
    # given the events of a run whose stream lost a record
    from orchestration.exit_codes import EXIT_DATA_CHECK
    from orchestration.pipeline_run import summarise
    from orchestration.run_report import outcome_of

    result = run_stream(sandbox, tmp_path / "w.duckdb", lose_a_record=True)
    # when the CLI reads them
    outcome = outcome_of(summarise(result, elapsed_seconds=1.0))
    # then: a data check, in the check's own words (which stream, how to recover)
    assert outcome is not None and outcome.code == EXIT_DATA_CHECK
    assert any(f"kpi-pipeline resync {STREAM}" in reason for reason in outcome.why), outcome.why
    assert "resync" in outcome.todo
