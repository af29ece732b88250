"""A failed run ends with what failed, why and what to do, and an exit code per kind."""

from pathlib import Path

import pytest

from orchestration.exit_codes import (
    EXIT_CODE_SIGTERM,
    EXIT_DATA_CHECK,
    EXIT_FAILED,
    EXIT_PUBLICATION,
    EXIT_SOURCE,
    EXIT_WAREHOUSE_BUSY,
)
from orchestration.pipeline_run import (
    DBT_STEP,
    PUBLISH_STEP,
    RunSummary,
    StepFailure,
    failure_kind,
)
from orchestration.preflight import CheckLine, PreflightError
from orchestration.run_report import outcome_of, refused_by_preflight, summary_lines

LOG = Path("/var/log/kpi/run-1.log")
INGEST_STEP = "aircall__calls"


def failed(*failures: StepFailure, stopped: str | None = None) -> RunSummary:
    summary = RunSummary(success=False, elapsed_seconds=12.5, stopped=stopped)
    summary.failures.extend(failures)
    return summary


@pytest.mark.parametrize(
    ("step", "error_class", "metadata", "kind"),
    [
        (INGEST_STEP, "Failure", {"error": "FatalError"}, "source"),
        (INGEST_STEP, "Failure", {"error": "WarehouseLockedError"}, "warehouse_locked"),
        (f"{INGEST_STEP}_raw_count_matches_source", "DagsterAssetCheckFailedError", {},
         "data_check"),
        (DBT_STEP, "Failure", {"failed_tests": "unique_x", "failed_models": ""}, "data_check"),
        (DBT_STEP, "Failure", {"failed_tests": "", "failed_models": "kpi_x"}, "transform"),
        (DBT_STEP, "WarehouseLockedError", {}, "warehouse_locked"),
        (PUBLISH_STEP, "PublishValidationError", {}, "data_check"),
        (PUBLISH_STEP, "PublishCommitError", {}, "publication"),
        ("something_else", "ValueError", {}, "other"),
    ],
)  # fmt: skip
def test_each_failed_step_has_its_kind(step, error_class, metadata, kind):
    assert failure_kind(step, error_class, metadata) == kind


@pytest.mark.parametrize(
    ("failures", "code"),
    [
        ([StepFailure(INGEST_STEP, "source", "401", "aircall/calls")], EXIT_SOURCE),
        ([StepFailure(DBT_STEP, "data_check", "1 data test(s) failed")], EXIT_DATA_CHECK),
        ([StepFailure(PUBLISH_STEP, "publication", "timeout")], EXIT_PUBLICATION),
        ([StepFailure(DBT_STEP, "transform", "syntax error")], EXIT_FAILED),
        # the most telling kind decides when several steps failed
        ([StepFailure(DBT_STEP, "transform", "x"), StepFailure(INGEST_STEP, "source", "y", "s")],
         EXIT_SOURCE),
        ([StepFailure(INGEST_STEP, "warehouse_locked", "pid 7 holds it", "aircall/calls"),
          StepFailure(INGEST_STEP, "source", "y", "aircall/calls")], EXIT_WAREHOUSE_BUSY),
    ],
)  # fmt: skip
def test_the_exit_code_tells_the_kind_of_failure(failures, code):
    assert outcome_of(failed(*failures)).code == code


def test_a_stop_wins_over_the_steps_it_failed():
    # given steps failed because the run was stopping
    summary = failed(
        StepFailure(INGEST_STEP, "source", "aircall/calls: stopped after 3 pages", "aircall/calls"),
        stopped="SIGTERM received",
    )
    # when
    outcome = outcome_of(summary)
    # then
    assert outcome.code == EXIT_CODE_SIGTERM
    assert "stopped after 3 pages" in " ".join(outcome.why)


def test_the_failure_block_is_a_few_lines_saying_what_why_what_to_do_and_where_the_log_is():
    # given every stream of a source failed with the same refusal, five times
    refusal = "Vendor rejected the credentials (HTTP 401) on GET /v1/calls: check VENDOR_TOKEN"
    streams = [f"vendor/table_{index}" for index in range(5)]
    summary = failed(*(StepFailure(s.replace("/", "__"), "source", refusal, s) for s in streams))
    # when
    lines = outcome_of(summary).lines(summary.elapsed_seconds, LOG)
    # then: the title with the code, each reason once, what to do, the log
    assert lines[0] == "Run FAILED after 12.5 s: a source failed (exit 4)"
    assert lines[1] == "  what: ingest of " + ", ".join(streams)
    assert [line for line in lines if line.startswith("  why:")] == [f"  why:  {refusal}"]
    assert lines[-2].startswith("  do:   fix what the message names")
    assert lines[-1] == f"  log:  {LOG}"
    assert not any("Traceback" in line for line in lines)


def test_a_reconciliation_failure_says_to_resync():
    summary = failed(StepFailure(f"{INGEST_STEP}_raw_count_matches_source", "data_check", "x"))
    assert "kpi-pipeline resync" in outcome_of(summary).todo


def test_a_failed_target_check_is_a_publication_failure_and_a_source_one_wins():
    target = CheckLine("target", "target PostgreSQL schema looker", "Connection refused")
    source = CheckLine("source", "source Vendor", "HTTP 401: check VENDOR_TOKEN")
    assert refused_by_preflight(PreflightError([target])).code == EXIT_PUBLICATION
    assert refused_by_preflight(PreflightError([target, source])).code == EXIT_SOURCE


def test_a_successful_summary_ends_with_the_verdict_and_the_log():
    summary = RunSummary(success=True, elapsed_seconds=30.0, streams=[("vendor/calls", {})])
    summary.housekeeping = "pruned 1 landing folders"
    lines = summary_lines(summary, LOG)
    assert lines[-2:] == ["Pipeline succeeded in 30.0 s", f"Log: {LOG}"]
    assert "Housekeeping: pruned 1 landing folders" in lines
    assert outcome_of(summary) is None
