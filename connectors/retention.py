"""Bounded growth: prune landing files and old dbt artefacts after a successful run.

Landing NDJSON files hold vendor records verbatim, customer PII included. They are a staging
step, not a replay log: a chunk is either merged with its cursor in one transaction or discarded,
and the next run re-reads from the stored cursor, so no later run ever needs an older run's files.
Once a run has passed its reconciliation checks, they can go (``keep_days=0``, the default).
"""

import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from connectors.landing import LANDING_FOLDER

SECONDS_PER_DAY = 86_400
# What dbt writes into every invocation's target folder; dbt's own compiled/ and run/ folders
# at the top level hold none of these and are never pruned.
DBT_RUN_MARKERS = ("run_results.json", "manifest.json")


@dataclass(slots=True)
class PruneReport:
    """What was removed, for the run summary."""

    landing_runs: list[Path] = field(default_factory=list)
    dbt_runs: list[Path] = field(default_factory=list)
    run_logs: list[Path] = field(default_factory=list)
    bytes_freed: int = 0

    def describe(self) -> str:
        """One line: ``pruned 9 landing folders, 2 dbt target folders, 1 run log (25.1 MB)``."""
        megabytes = self.bytes_freed / 1_000_000
        logs = len(self.run_logs)
        return (
            f"pruned {len(self.landing_runs)} landing folders, "
            f"{len(self.dbt_runs)} dbt target folders, {logs} run log{'' if logs == 1 else 's'} "
            f"({megabytes:.1f} MB)"
        )


def landing_run_folders(warehouse_dir: Path) -> list[Path]:
    """Every ``landing/<source>/<table>/<run_id>`` folder beside the warehouse."""
    return sorted(path for path in (warehouse_dir / LANDING_FOLDER).glob("*/*/*") if path.is_dir())


def prune_landing(
    warehouse_dir: str | Path,
    keep_days: float = 0.0,
    now: float | None = None,
    report: PruneReport | None = None,
) -> PruneReport:
    """Remove landing run folders older than ``keep_days`` (all of them with 0).

    Call it only after a run whose reconciliation checks passed, holding the warehouse lock, so
    no run is landing files at the same time.

    Args:
        warehouse_dir: the folder of the DuckDB file.
        keep_days: how long to keep a run's files for debugging; 0 removes them all.
        now: the current time (epoch seconds), for tests.
        report: a report to add to.

    Returns:
        The report, with the folders removed and the bytes freed.

    Raises:
        ValueError: a negative ``keep_days``.
    """
    if keep_days < 0:
        raise ValueError(f"keep_days must be 0 or more, got {keep_days}")
    report = report or PruneReport()
    cutoff = (time.time() if now is None else now) - keep_days * SECONDS_PER_DAY
    stale = [path for path in landing_run_folders(Path(warehouse_dir)) if _newest(path) <= cutoff]
    _remove(stale, report.landing_runs, report)
    return report


def prune_dbt_targets(
    target_dir: str | Path, keep: int = 3, report: PruneReport | None = None
) -> PruneReport:
    """Keep the ``keep`` newest per-invocation folders under dbt's target folder, remove the rest.

    dagster-dbt gives every ``dbt`` invocation its own folder under ``target/`` (about 12 MB on
    this project); the top-level manifest that the definitions load is a file and is never
    touched.

    Raises:
        ValueError: ``keep`` below 1 (the latest run's artefacts are what a failure is read from).
    """
    if keep < 1:
        raise ValueError(f"keep must be 1 or more, got {keep}")
    report = report or PruneReport()
    target = Path(target_dir)
    runs = [
        path
        for path in (target.iterdir() if target.is_dir() else [])
        if path.is_dir() and any((path / marker).exists() for marker in DBT_RUN_MARKERS)
    ]
    runs.sort(key=_newest, reverse=True)
    _remove(runs[keep:], report.dbt_runs, report)
    return report


def prune_run_logs(
    log_dir: str | Path, keep: int = 30, report: PruneReport | None = None
) -> PruneReport:
    """Keep the ``keep`` newest ``run-*.log`` files of ``log_dir`` (one per pipeline run).

    Raises:
        ValueError: ``keep`` below 1 (the latest run's log is the one an operator reads).
    """
    if keep < 1:
        raise ValueError(f"keep must be 1 or more, got {keep}")
    report = report or PruneReport()
    folder = Path(log_dir)
    logs = sorted(
        (path for path in (folder.glob("run-*.log") if folder.is_dir() else []) if path.is_file()),
        key=lambda path: path.stat().st_mtime,
        reverse=True,
    )
    for path in logs[keep:]:
        size = path.stat().st_size
        path.unlink(missing_ok=True)
        report.run_logs.append(path)
        report.bytes_freed += size
    return report


def _newest(folder: Path) -> float:
    """The latest modification time in a folder, itself included."""
    times = [folder.stat().st_mtime]
    times += [path.stat().st_mtime for path in folder.rglob("*") if path.is_file()]
    return max(times)


def _remove(folders: Iterable[Path], removed: list[Path], report: PruneReport) -> None:
    for folder in folders:
        size = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.append(folder)
            report.bytes_freed += size
    # Empty <source>/<table> folders of removed runs are left: landing recreates them anyway.
