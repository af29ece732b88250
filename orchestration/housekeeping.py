"""After a successful run: prune landing files, old dbt artefacts and old run logs
(connectors/retention.py).

Called by ``kpi-pipeline run`` once the run succeeded, and by the ``housekeeping_after_success``
sensor for runs launched by the Dagster daemon. Only a successful run prunes: every
reconciliation check passed, so its landing files are in raw; a failed run keeps them for
debugging until the next success.
"""

from pathlib import Path

import dagster as dg

from connectors.retention import PruneReport, prune_dbt_targets, prune_landing, prune_run_logs
from orchestration.project import DBT_PROJECT_DIR
from orchestration.run_lock import ConcurrentRunError, warehouse_lock
from orchestration.schedules import refresh_kpis_job
from orchestration.settings import setting


class RetentionSettingError(ValueError):
    """A retention variable is not a number in range; the message names it."""


def retention_settings() -> tuple[float, int, int]:
    """(LANDING_RETENTION_DAYS, DBT_TARGET_RUNS_KEPT, RUN_LOGS_KEPT), checked.

    Raises:
        RetentionSettingError: naming the variable and what it accepts.
    """
    days_text, kept_text = setting("LANDING_RETENTION_DAYS"), setting("DBT_TARGET_RUNS_KEPT")
    try:
        days = float(days_text)
    except ValueError:
        days = -1.0
    if not days >= 0:
        raise RetentionSettingError(
            f"LANDING_RETENTION_DAYS must be a number of days >= 0, got {days_text!r}"
        )
    if not kept_text.isdigit() or int(kept_text) < 1:
        raise RetentionSettingError(
            f"DBT_TARGET_RUNS_KEPT must be a whole number >= 1, got {kept_text!r}"
        )
    logs_text = setting("RUN_LOGS_KEPT")
    if not logs_text.isdigit() or int(logs_text) < 1:
        raise RetentionSettingError(f"RUN_LOGS_KEPT must be a whole number >= 1, got {logs_text!r}")
    return days, int(kept_text), int(logs_text)


def run_housekeeping(duckdb_path: Path, target_dir: Path | None = None) -> PruneReport:
    """Prune what a successful run no longer needs; call it holding the warehouse lock."""
    from orchestration.run_log import run_log_dir

    days, kept, logs_kept = retention_settings()
    report = prune_landing(duckdb_path.parent, keep_days=days)
    report = prune_run_logs(run_log_dir(), keep=logs_kept, report=report)
    return prune_dbt_targets(target_dir or DBT_PROJECT_DIR / "target", keep=kept, report=report)


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[refresh_kpis_job],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Prunes landing files and old dbt artefacts after each successful run.",
)
def housekeeping_after_success(context: dg.RunStatusSensorContext) -> dg.SkipReason:
    duckdb_path = Path(setting("DUCKDB_PATH")).resolve()
    try:
        with warehouse_lock(duckdb_path):
            report = run_housekeeping(duckdb_path)
    except ConcurrentRunError:
        # A new run is writing: its own success will prune.
        return dg.SkipReason("a run holds the warehouse; pruning at the next success")
    context.log.info(report.describe())
    return dg.SkipReason(report.describe())
