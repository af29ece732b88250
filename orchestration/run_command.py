"""`kpi-pipeline run` as the operator sees it: a live display, the summary, and when it fails,
what failed, why and what to do, with an exit code per kind (orchestration/exit_codes.py).

Everything else the run writes (Dagster's events, the connectors' logs, dbt's lines) goes to the
run's log file, whose path the summary prints; ``--verbose`` also streams it to stderr.
"""

import argparse
import logging
import uuid
from dataclasses import dataclass
from typing import TextIO

from orchestration.exit_codes import EXIT_SUCCESS
from orchestration.run_log import RunLog, open_run_log
from orchestration.run_report import (
    Outcome,
    crashed,
    outcome_of,
    refused_by_concurrent_run,
    refused_by_configuration,
    refused_by_preflight,
    summary_lines,
)

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RunResult:
    """The exit code, and for a failure the reason alerted and the run it concerns."""

    code: int
    reason: str = ""
    run_id: str = ""


def run_from_cli(args: argparse.Namespace) -> RunResult:
    """Run the pipeline with its output as described above; alert on any failure."""
    from orchestration.alerts import alert_cli_failure
    from orchestration.settings import load_dotenv_file

    load_dotenv_file()
    run_id = str(uuid.uuid4())  # Dagster's run id format: the log and alerts name it first
    with open_run_log(run_id, verbose=args.verbose) as run_log:
        try:
            result = _run(args, run_id, run_log)
        except Exception as error:  # a bug: its traceback goes to the log, a few lines to stderr
            LOGGER.exception("kpi-pipeline run crashed")
            result = _refused(run_log, crashed(error), run_id)
        if result.code != EXIT_SUCCESS:
            alert_cli_failure(result.code, result.reason, result.run_id)
    return result


def _run(args: argparse.Namespace, run_id: str, run_log: RunLog) -> RunResult:
    from orchestration.config_check import ConfigurationError, deadline_minutes
    from orchestration.pipeline_run import run_pipeline
    from orchestration.preflight import PreflightError
    from orchestration.run_display import showing_progress
    from orchestration.run_lock import ConcurrentRunError
    from orchestration.settings import MissingConfigurationError, setting

    out = run_log.console

    def announce(text: str) -> None:
        _print(out, [text])
        run_log.note(text)

    def watch(streams):
        return showing_progress(streams, out, plain=args.verbose)

    deadline = args.deadline or deadline_minutes(setting("RUN_DEADLINE_MINUTES"))
    if run_log.path is not None:
        announce(f"kpi-pipeline run {run_id}: full log in {run_log.path}")
    try:
        summary = run_pipeline(
            sandbox=args.sandbox,
            scale=args.scale,
            seed=args.seed,
            full_refresh=args.full_refresh,
            deadline_minutes=deadline,
            crm=args.crm,
            run_id=run_id,
            announce=announce,
            watch=watch,
        )
    except ConfigurationError as error:
        return _refused(run_log, refused_by_configuration(error.problems), run_id)
    except MissingConfigurationError as error:
        return _refused(run_log, refused_by_configuration(str(error).splitlines()), run_id)
    except PreflightError as error:
        return _refused(run_log, refused_by_preflight(error), run_id)
    except ConcurrentRunError as error:
        return _refused(run_log, refused_by_concurrent_run(str(error)), run_id)
    lines = summary_lines(summary, run_log.path)
    _print(out, lines)
    run_log.note("\n".join(lines))
    outcome = outcome_of(summary)
    if outcome is None:
        return RunResult(EXIT_SUCCESS, run_id=run_id)
    lines = outcome.lines(summary.elapsed_seconds, run_log.path)
    _print(run_log.errors, lines)
    run_log.note("\n".join(lines))
    return RunResult(outcome.code, outcome.reason, run_id)


def _refused(run_log: RunLog, outcome: Outcome, run_id: str) -> RunResult:
    lines = outcome.lines(None, run_log.path)
    _print(run_log.errors, lines)
    run_log.note("\n".join(lines))
    return RunResult(outcome.code, outcome.reason, run_id)


def _print(stream: TextIO, lines: list[str]) -> None:
    stream.write("".join(f"{line}\n" for line in lines))
    stream.flush()
