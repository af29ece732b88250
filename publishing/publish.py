"""publish(): write the exports to staging, audit them, then swap every target, all or none."""

import contextlib
import logging
import secrets
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from connectors.duckdb_connect import DEFAULT_LOCK_WAIT, LockWait, connect_duckdb
from publishing.audit import AuditResult, audit_marts, check_build, target_history
from publishing.build import DEFAULT_SPLIT_BYTES, ExportBuild, build_table
from publishing.contract import EXPORT_COLUMNS
from publishing.invariants import DEFAULT_INVARIANTS, Invariant
from publishing.manifest import manifest_bytes
from publishing.measures import PublicationStats
from publishing.targets.base import (
    Committed,
    Publication,
    Staged,
    StepHook,
    Target,
    no_step_hook,
)
from publishing.workdirs import sweep_stale_work_dirs, work_dir_prefix

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PublishConfig:
    """How to publish; every field has a production default.

    Attributes:
        reporting_timezone: the zone timestamps are written in (REPORTING_TIMEZONE).
        split_bytes: files larger than this are split into `<table>/part-NNNN.csv`.
        min_volume_ratio: fail a table whose rows drop below this share of the trailing median
            of the last publications (0 disables, e.g. after a deliberate purge).
        min_measure_ratio: fail a key measure (revenue won, opportunities created and won,
            calls, leads) whose total drops below this share of its trailing median (0
            disables). All-time totals barely move from night to night, so this is tighter.
        invariants: the invariant queries to run; add ``raw_total_invariants`` when raw tables
            exist.
        work_dir: where files are first written; on EXPORT_DIR's file system they are
            hard-linked into place instead of copied. A temporary folder by default.
        enabled_source_kinds: the kinds of source this deployment reads (crm, telephony,
            messaging): an export fed only by a kind not listed may be published empty.
        lock_wait: how long to wait for another process's lock on the warehouse file.
    """

    reporting_timezone: str = "Europe/Paris"
    split_bytes: int = DEFAULT_SPLIT_BYTES
    min_volume_ratio: float = 0.5
    min_measure_ratio: float = 0.8
    invariants: tuple[Invariant, ...] = DEFAULT_INVARIANTS
    work_dir: Path | None = None
    enabled_source_kinds: frozenset[str] = frozenset({"crm", "telephony"})
    lock_wait: LockWait = DEFAULT_LOCK_WAIT


@dataclass(frozen=True, slots=True)
class PublishResult:
    """What was published, and where."""

    version: str
    content_sha256: str
    row_counts: dict[str, int] = field(default_factory=dict)
    locations: tuple[str, ...] = ()


class PublishCommitError(RuntimeError):
    """A target failed to swap; every target is back on (or still on) its previous version."""


class PublishRollbackError(PublishCommitError):
    """A target failed to swap and a rollback failed too; the message says who shows what."""


def publish(
    duckdb_path: Path | str,
    targets: Sequence[Target],
    config: PublishConfig | None = None,
    *,
    now: datetime | None = None,
    on_step: StepHook = no_step_hook,
) -> PublishResult:
    """Export `marts.kpi_*`, audit, stage on every target, then swap every target.

    Args:
        duckdb_path: the warehouse file, opened READ_ONLY.
        targets: where to publish (CsvFolderTarget, PostgresTarget, GcsTarget), any mix.
        config: formatting and audit settings (PublishConfig() when None).
        now: the generation time written to the manifests (UTC now by default).
        on_step: called between steps; tests raise from it to simulate a crash.

    Returns:
        The version id, content checksum, row counts and the published locations.

    Raises:
        PublishValidationError: a check failed; no target was touched.
        PublishCommitError: a target failed to swap; all targets show the previous version.
        PublishRollbackError: besides, a rollback failed; names each target's version.
    """
    config = config or PublishConfig()
    generated_at = now or datetime.now(UTC)
    sweep_stale_work_dirs(config.work_dir)  # folders of killed publishes
    with tempfile.TemporaryDirectory(prefix=work_dir_prefix(), dir=config.work_dir) as work:
        build, audited, history = _write_audited(Path(duckdb_path), Path(work), config, targets)
        version = (
            f"{generated_at:%Y%m%dT%H%M%SZ}-{build.content_sha256[:12]}-{secrets.token_hex(2)}"
        )
        manifest = manifest_bytes(build, version, generated_at, audited.measures, history)
        publication = Publication(build, version, manifest)
        on_step("built")
        staged = _stage_all(targets, publication, on_step)
        locations = _commit_all(staged, targets, version)
    logger.info("published %s to %s", version, ", ".join(locations))
    return PublishResult(version, build.content_sha256, audited.row_counts, tuple(locations))


def _write_audited(
    duckdb_path: Path, work: Path, config: PublishConfig, targets: Sequence[Target]
) -> tuple[ExportBuild, AuditResult, list[PublicationStats]]:
    """Audit and write every table from one read-only snapshot of the warehouse.

    Returns:
        The files, what the audit measured, and the longest target history (carried on in the
        new manifest, so a target added later inherits the trailing window).
    """
    with connect_duckdb(duckdb_path, read_only=True, lock_wait=config.lock_wait) as connection:
        connection.execute("BEGIN TRANSACTION")
        histories = [target_history(target) for target in targets]
        audited = audit_marts(
            connection,
            config.invariants,
            histories,
            config.min_volume_ratio,
            config.min_measure_ratio,
            config.enabled_source_kinds,
        )
        tables = tuple(
            build_table(
                connection,
                table,
                work,
                zone=config.reporting_timezone,
                split_bytes=config.split_bytes,
            )
            for table in EXPORT_COLUMNS
        )
        connection.execute("COMMIT")
    check_build(audited.row_counts, tables)
    # A check switched off (a deliberate purge) accepts the new level: start the window anew,
    # or the following nights would be judged against the level before the purge.
    carried = config.min_volume_ratio and config.min_measure_ratio
    history = max(histories, key=len, default=[]) if carried else []
    return ExportBuild(work, tables), audited, history


def _stage_all(
    targets: Sequence[Target], publication: Publication, on_step: StepHook
) -> list[Staged]:
    """Stage on every target; if one fails, discard the others' staging and re-raise."""
    staged: list[Staged] = []
    try:
        for target in targets:
            staged.append(target.stage(publication, on_step))
        on_step("all_staged")
    except BaseException:
        for item in staged:
            with contextlib.suppress(Exception):
                item.abort()
        raise
    return staged


def _commit_all(staged: list[Staged], targets: Sequence[Target], version: str) -> list[str]:
    """Swap each target in turn; on a failure, abort the rest and roll back the swapped ones."""
    committed: list[Committed] = []
    for index, item in enumerate(staged):
        try:
            committed.append(item.commit())
        except BaseException as error:  # a stop signal too: never leave targets disagreeing
            for rest in staged[index + 1 :]:
                with contextlib.suppress(Exception):
                    rest.abort()
            failed = targets[index].describe()
            _roll_back(committed, targets, version, f"swap failed on {failed}: {error!r}")
            if not isinstance(error, Exception):
                raise
            raise PublishCommitError(
                f"swap failed on {failed}: {error}; every target shows the previous "
                f"publication (rolled back: {_names(targets[:index])})"
            ) from error
    for target, done in zip(targets, committed, strict=True):
        try:
            done.finish()
        except Exception as error:  # only leftovers of the old version; the next run clears them
            logger.warning("published, but cleaning up %s failed: %s", target.describe(), error)
    return [done.location for done in committed]


def _roll_back(
    committed: list[Committed], targets: Sequence[Target], version: str, cause: str
) -> None:
    """Put every committed target back, newest first.

    Raises:
        PublishRollbackError: a rollback failed; names which target shows which version.
    """
    states, failed = [], False
    for target, done in reversed(list(zip(targets, committed, strict=False))):
        previous = done.previous_version or "none (no earlier publication)"
        try:
            done.rollback()
            states.append(f"{target.describe()}: back on previous version {previous}")
            logger.warning("rolled back %s to version %s (%s)", target.describe(), previous, cause)
        except Exception as error:
            failed = True
            states.append(
                f"{target.describe()}: STILL ON NEW VERSION {version} (rollback failed: {error})"
            )
    if failed:
        states += [
            f"{t.describe()}: previous version (never switched)" for t in targets[len(committed) :]
        ]
        raise PublishRollbackError(f"{cause}; rollback incomplete: " + "; ".join(states))


def _names(targets: Sequence[Target]) -> str:
    return ", ".join(target.describe() for target in targets) or "none"
