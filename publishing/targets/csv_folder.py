"""CSV folder target: versioned folders behind a `current` symlink switched atomically.

Layout of EXPORT_DIR (readers and sync tools use `current/` only):

    current  -> versions/<version>      the publication to read (symlink, relative)
    previous -> versions/<version>      the one before it, kept until the next success
    versions/<version>/manifest.json
    versions/<version>/<table>.csv      or <table>/part-0001.csv ... when split by size
    .staging-<version>/                 being written; never read; removed by the next run
    .publish.lock                       held while publishing, so two runs never interleave
"""

import contextlib
import fcntl
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from publishing.manifest import MANIFEST_NAME, read_manifest, row_counts
from publishing.targets.base import Publication, StepHook, TargetUnavailableError
from publishing.targets.writable import writable_folder_problem

VERSIONS = "versions"
CURRENT = "current"
PREVIOUS = "previous"


class PublishInProgressError(RuntimeError):
    """Raised when another publication holds the folder's lock."""


@dataclass(frozen=True, slots=True)
class CsvFolderConfig:
    """Where the CSV exports are published (EXPORT_DIR)."""

    export_dir: Path


class CsvFolderTarget:
    """Publishes the exports as CSV files under `<export_dir>/current/`."""

    __slots__ = ("config",)

    def __init__(self, config: CsvFolderConfig) -> None:
        self.config = config

    def describe(self) -> str:
        """Name the folder readers use."""
        return f"CSV folder {self.config.export_dir / CURRENT}"

    def check(self) -> str:
        """The export folder takes new files (tried for real; a missing folder is not created).

        Raises:
            TargetUnavailableError: naming the folder that refused.
        """
        if problem := writable_folder_problem(self.config.export_dir):
            raise TargetUnavailableError(problem)
        return "writable"

    def previous_row_counts(self) -> dict[str, int]:
        """Read the row counts of `current/manifest.json`, if there is one."""
        path = self.config.export_dir / CURRENT / MANIFEST_NAME
        if not path.is_file():
            return {}
        return row_counts(json.loads(path.read_text(encoding="utf-8")))

    def previous_manifest(self) -> dict[str, object]:
        """The parsed `current/manifest.json` (totals and history included); empty if none."""
        path = self.config.export_dir / CURRENT / MANIFEST_NAME
        return read_manifest(path.read_bytes() if path.is_file() else None)

    def stage(self, publication: Publication, hook: StepHook) -> "StagedFolder":
        """Copy the files and manifest into `.staging-<version>/`, fsynced, under the lock.

        Raises:
            PublishInProgressError: when another publication is running on this folder.
        """
        root = self.config.export_dir
        root.mkdir(parents=True, exist_ok=True)
        lock = _acquire_lock(root)
        try:
            _remove_leftovers(root)
            staging = root / f".staging-{publication.version}"
            staging.mkdir()
            for table in publication.build.tables:
                for export_file in table.files:
                    _place(publication.build.root / export_file.path, staging / export_file.path)
            (staging / MANIFEST_NAME).write_bytes(publication.manifest)
            _fsync_tree(staging)
            hook("csv:staged")
        except BaseException:
            _release_lock(lock)
            raise
        return StagedFolder(root, staging, publication.version, lock, hook)


@dataclass(slots=True)
class StagedFolder:
    """A complete staged version; commit() makes it `current` with one atomic rename."""

    root: Path
    staging: Path
    version: str
    lock: IO[bytes] | None
    hook: StepHook

    def commit(self) -> "CommittedFolder":
        """Move the staged folder under versions/, then atomically repoint `current`.

        The old versions stay on disk until finish(), so a rollback can point back at them.
        """
        versions = self.root / VERSIONS
        committed = CommittedFolder(
            self.root,
            self.version,
            _link_target(self.root / CURRENT),
            _link_target(self.root / PREVIOUS),
            self.lock,
        )
        self.lock = None  # the committed handle releases it
        try:
            versions.mkdir(exist_ok=True)
            self.hook("csv:before_rename")
            os.rename(self.staging, versions / self.version)
            _fsync_dir(versions)
            self.hook("csv:before_switch")
            _point(self.root, CURRENT, f"{VERSIONS}/{self.version}")
            self.hook("csv:switched")
            if committed.old_current and committed.old_current != f"{VERSIONS}/{self.version}":
                _point(self.root, PREVIOUS, committed.old_current)
        except BaseException:
            committed.rollback()
            shutil.rmtree(self.staging, ignore_errors=True)
            raise
        return committed

    def abort(self) -> None:
        """Delete the staged folder; `current` was never touched."""
        try:
            shutil.rmtree(self.staging, ignore_errors=True)
        finally:
            if self.lock is not None:
                _release_lock(self.lock)
                self.lock = None


@dataclass(slots=True)
class CommittedFolder:
    """`current` points at the new version; the links as they were can still be restored."""

    root: Path
    version: str
    old_current: str | None
    old_previous: str | None
    lock: IO[bytes] | None

    @property
    def location(self) -> str:
        """The folder readers use."""
        return str(self.root / CURRENT)

    @property
    def previous_version(self) -> str | None:
        """The version `current` showed before."""
        return self.old_current.rsplit("/", 1)[-1] if self.old_current else None

    def rollback(self) -> None:
        """Repoint `current` and `previous` where they were, then delete the new version."""
        try:
            _restore_link(self.root, CURRENT, self.old_current)
            _restore_link(self.root, PREVIOUS, self.old_previous)
            if f"{VERSIONS}/{self.version}" not in {self.old_current, self.old_previous}:
                shutil.rmtree(self.root / VERSIONS / self.version, ignore_errors=True)
        finally:
            self._unlock()

    def finish(self) -> None:
        """Keep only the versions `current` and `previous` point at."""
        try:
            _prune_versions(self.root)
        finally:
            self._unlock()

    def _unlock(self) -> None:
        if self.lock is not None:
            _release_lock(self.lock)
            self.lock = None


def _acquire_lock(root: Path) -> IO[bytes]:
    handle = (root / ".publish.lock").open("ab")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as error:
        handle.close()
        raise PublishInProgressError(f"another publication is running in {root}") from error
    return handle


def _release_lock(handle: IO[bytes]) -> None:
    with contextlib.suppress(OSError):
        fcntl.flock(handle, fcntl.LOCK_UN)
    handle.close()


def _place(source: Path, destination: Path) -> None:
    """Hard-link when possible (same file system: no copy), else copy."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, destination)
    except OSError:
        shutil.copyfile(source, destination)


def _point(root: Path, name: str, target: str) -> None:
    """Atomically make `root/name` a symlink to `target` (rename over the old link)."""
    temporary = root / f".{name}-new"
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    temporary.symlink_to(target)
    os.replace(temporary, root / name)
    _fsync_dir(root)


def _restore_link(root: Path, name: str, target: str | None) -> None:
    """Put a link back as it was: pointing at `target`, or absent when it was absent."""
    if target is not None:
        _point(root, name, target)
    elif (root / name).is_symlink():
        (root / name).unlink()
        _fsync_dir(root)


def _link_target(link: Path) -> str | None:
    return os.readlink(link) if link.is_symlink() else None


def _remove_leftovers(root: Path) -> None:
    """Delete what a crashed run left behind: staging folders and half-made links."""
    for path in root.iterdir():
        if path.name.startswith(".staging-"):
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.endswith("-new") and path.is_symlink():
            path.unlink()
    if (root / VERSIONS).is_dir():
        _prune_versions(root)


def _prune_versions(root: Path) -> None:
    """Keep only the versions `current` and `previous` point at."""
    keep = {_link_target(root / CURRENT), _link_target(root / PREVIOUS)}
    for path in (root / VERSIONS).iterdir():
        if f"{VERSIONS}/{path.name}" not in keep:
            shutil.rmtree(path, ignore_errors=True)


def _fsync_tree(folder: Path) -> None:
    """Flush files, then their folders, so a power cut cannot expose a half-written version."""
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
        else:
            _fsync_dir(path)
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
