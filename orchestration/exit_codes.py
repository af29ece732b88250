"""The exit status of `kpi-pipeline run` and `kpi-pipeline check`: one per kind of failure, so
cron, CI and alert rules can tell them apart without reading the output (README, "Exit codes").
"""

from orchestration.run_control import EXIT_CODE_DEADLINE, EXIT_CODE_SIGINT, EXIT_CODE_SIGTERM

EXIT_SUCCESS = 0
EXIT_FAILED = 1  # anything below not covering it: a dbt model error, an unexpected error
EXIT_CONFIGURATION = 2  # a missing credential, an invalid setting or seed file; nothing extracted
EXIT_WAREHOUSE_BUSY = 3  # another run, or another program, holds the warehouse
EXIT_SOURCE = 4  # a source refused the credentials, is unreachable, down, or out of quota
EXIT_DATA_CHECK = 5  # a reconciliation check, a dbt test or the publication audit failed
EXIT_PUBLICATION = 6  # a publication target is unreachable or failed to switch

# The kind of a failed step (orchestration/pipeline_run.py ``failure_kind``) and of a failed
# check (orchestration/preflight.py), most telling first: when several fail, the first decides.
KIND_CODES: dict[str, int] = {
    "configuration": EXIT_CONFIGURATION,
    "warehouse_locked": EXIT_WAREHOUSE_BUSY,
    "source": EXIT_SOURCE,
    "data_check": EXIT_DATA_CHECK,
    "publication": EXIT_PUBLICATION,
    "target": EXIT_PUBLICATION,
    "transform": EXIT_FAILED,
    "other": EXIT_FAILED,
}

__all__ = [
    "EXIT_CODE_DEADLINE",
    "EXIT_CODE_SIGINT",
    "EXIT_CODE_SIGTERM",
    "EXIT_CONFIGURATION",
    "EXIT_DATA_CHECK",
    "EXIT_FAILED",
    "EXIT_PUBLICATION",
    "EXIT_SOURCE",
    "EXIT_SUCCESS",
    "EXIT_WAREHOUSE_BUSY",
    "KIND_CODES",
]
