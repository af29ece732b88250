"""What a finished or refused run tells the operator: the compact summary, and for a failure,
what failed, why and what to do, in a few lines at the end, with the exit code of its kind.

The traceback, when there is one, is in the run log; these lines are what to act on.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.exit_codes import (
    EXIT_CONFIGURATION,
    EXIT_FAILED,
    EXIT_WAREHOUSE_BUSY,
    KIND_CODES,
)
from orchestration.pipeline_run import (
    DBT_STEP,
    PUBLISH_STEP,
    RECONCILIATION_CHECK,
    RunSummary,
    StepFailure,
)
from orchestration.preflight import PreflightError
from orchestration.run_control import stop_exit_code

WHY_SHOWN = 4  # reasons listed; the run log has every one
NOTHING_PUBLISHED = "nothing was published: Looker Studio keeps the previous publication"

TITLES = {
    "configuration": "invalid configuration",
    "warehouse_locked": "the warehouse is held by another run or program",
    "source": "a source failed",
    "data_check": "a data check failed",
    "publication": "the publication failed",
    "target": "a publication target failed its check",
    "source_check": "a source failed its check",
    "transform": "a dbt model failed",
    "other": "a step failed",
}

TODO = {
    "configuration": "set them in the environment or in .env (see .env.example), then run "
    "`kpi-pipeline check`; `kpi-pipeline run --sandbox` runs the demo without accounts",
    "warehouse_locked": "wait for that run to finish, or close the program named above (never "
    "keep the warehouse open; readers open EXPORT_DIR/kpis.duckdb), then run again",
    "source": "fix what the message names and prove it with `kpi-pipeline check`, or rerun "
    "later if the vendor is down; what landed is kept, the next run resumes from its cursor",
    "data_check": "the run log has the failing check; fix the source records or the seed files "
    "it reads, then run again",
    "reconciliation": "`kpi-pipeline resync <stream>` for the stream named above re-reads it in "
    "full on the next run (rows merge on their id), then run again",
    "dbt_tests": "the run log has each failing test's compiled SQL: query it for the rows, fix the "
    "source records or the seed files they come from, then run again",
    "audit": "the audit names each table and figure that moved; find why in the run log (a mass "
    "delete at a vendor?), fix it, then run again",
    "publication": "`kpi-pipeline check` tests every target; every target went back to (or "
    "stayed on) the previous publication, all or none",
    "preflight": "fix what each line names, prove it with `kpi-pipeline check`, then run again; "
    "nothing was extracted",
    "transform": "the run log has dbt's error for the model; fix it and run again",
    "other": "the run log has the full error",
}


@dataclass(frozen=True, slots=True)
class Outcome:
    """A failure as the operator reads it."""

    code: int
    title: str
    what: str
    why: Sequence[str] = field(default_factory=tuple)
    todo: str = ""

    @property
    def reason(self) -> str:
        """One line for the alert webhook."""
        return f"{self.title}: " + "; ".join(self.why[:10])

    def lines(self, elapsed_seconds: float | None, log_path: Path | None) -> list[str]:
        """The closing block: title, then what, why (a few), what to do, and the log."""
        after = f" after {elapsed_seconds:.1f} s" if elapsed_seconds is not None else ""
        lines = [f"Run FAILED{after}: {self.title} (exit {self.code})", f"  what: {self.what}"]
        shown = list(self.why[:WHY_SHOWN])
        lines += [f"  why:  {reason}" for reason in shown]
        if len(self.why) > len(shown):
            lines.append(f"  why:  ... and {len(self.why) - len(shown)} more (see the log)")
        lines.append(f"  do:   {self.todo}")
        if log_path is not None:
            lines.append(f"  log:  {log_path}")
        return lines


def summary_lines(summary: RunSummary, log_path: Path | None) -> list[str]:
    """The closing report: per-stream volumes, dbt outcome, the publication and the checks."""
    lines = ["Ingest"]
    for stream, metadata in summary.streams:
        lines.append(
            f"  {stream:<24} {metadata.get('records', 0):>9,} records "
            f"{metadata.get('pages', 0):>6,} pages  +{metadata.get('inserted', 0):,} inserted "
            f"~{metadata.get('updated', 0):,} updated  {metadata.get('elapsed_seconds', 0):.1f} s"
        )
    lines.append(f"dbt: {summary.models_built} models/seeds materialised")
    if summary.publication:
        publication = summary.publication
        lines.append(f"Published version {publication['version']}: {publication['rows']:,} rows")
        lines.append(f"  to {publication['locations']}")
        if publication.get("dashboard"):
            lines.append(f"  dashboard {publication['dashboard']}")
    else:
        lines.append("Nothing published: consumers keep the previous publication.")
    lines.append(f"Checks: {summary.checks_passed} passed, {len(summary.checks_failed)} failed")
    if summary.housekeeping:
        lines.append(f"Housekeeping: {summary.housekeeping}")
    if summary.success:
        lines.append(f"Pipeline succeeded in {summary.elapsed_seconds:.1f} s")
        if log_path is not None:
            lines.append(f"Log: {log_path}")
    return lines


def outcome_of(summary: RunSummary) -> Outcome | None:
    """How a finished run failed, None when it succeeded."""
    if summary.success:
        return None
    why = [failure.message for failure in summary.failures] or summary.errors or ["failed"]
    if summary.stopped:
        return Outcome(
            stop_exit_code(summary.stopped),
            f"stopped ({summary.stopped})",
            "the run, at its next safe point",
            _unique(why),
            f"run again: it resumes from the cursors committed; {NOTHING_PUBLISHED}",
        )
    if not summary.failures:
        return Outcome(EXIT_FAILED, TITLES["other"], "the run", _unique(why), TODO["other"])
    kind = min((failure.kind for failure in summary.failures), key=list(KIND_CODES).index)
    failed = [failure for failure in summary.failures if failure.kind == kind]
    todo = TODO[_todo_key(kind, failed[0].step)]
    if kind != "publication":
        todo = f"{todo}; {NOTHING_PUBLISHED}"
    return Outcome(
        KIND_CODES[kind], TITLES[kind], _what(failed), _unique(f.message for f in failed), todo
    )


def _todo_key(kind: str, step: str) -> str:
    """A data check's advice depends on which check: reconciliation, dbt test, or audit."""
    if kind != "data_check":
        return kind
    if step.endswith(RECONCILIATION_CHECK):
        return "reconciliation"
    return {DBT_STEP: "dbt_tests", PUBLISH_STEP: "audit"}.get(step, kind)


def _what(failures: Sequence[StepFailure]) -> str:
    streams = [failure.stream for failure in failures if failure.stream]
    if streams:
        return "ingest of " + ", ".join(streams)
    names = {DBT_STEP: "dbt build", PUBLISH_STEP: "publication"}
    return ", ".join(names.get(failure.step, failure.step) for failure in failures)


def _unique(messages) -> list[str]:
    """Each reason once, on one line (the same 401 fails every stream of a source)."""
    seen: list[str] = []
    for message in messages:
        line = " ".join(str(message).split())
        if line and line not in seen:
            seen.append(line)
    return seen


def refused_by_configuration(problems: Sequence[str]) -> Outcome:
    """Settings or seed files invalid, or a credential missing: nothing was extracted."""
    return Outcome(
        EXIT_CONFIGURATION,
        TITLES["configuration"],
        "configuration, checked before any extract",
        list(problems),
        TODO["configuration"],
    )


def refused_by_preflight(error: PreflightError) -> Outcome:
    """A source or target failed its check: nothing was extracted."""
    kind = error.kind
    return Outcome(
        KIND_CODES[kind],
        TITLES["source_check" if kind == "source" else kind],
        ", ".join(line.item for line in error.failed) + ", checked before any extract",
        [f"{line.item}: {line.problem}" for line in error.failed],
        TODO["preflight"],
    )


def crashed(error: Exception) -> Outcome:
    """An error nothing expected (a bug): its traceback is in the run log."""
    return Outcome(
        EXIT_FAILED,
        "an unexpected error",
        "kpi-pipeline run",
        [f"{type(error).__name__}: {error}"],
        "the run log has the traceback: report it with the log attached",
    )


def refused_by_concurrent_run(message: str) -> Outcome:
    """Another pipeline run holds the warehouse: this one did nothing."""
    return Outcome(
        EXIT_WAREHOUSE_BUSY,
        TITLES["warehouse_locked"],
        "the run lock of the warehouse",
        [message],
        TODO["warehouse_locked"],
    )
