"""One pipeline run at a time per warehouse: DuckDB allows a single writer per file.

Two locks guard the file: this run lock refuses a second *pipeline run* at once, and DuckDB's
own file lock, held by any other program that opened the file, is waited for a bounded time
(`duckdb_lock_wait`, DUCKDB_LOCK_ATTEMPTS / DUCKDB_LOCK_WAIT_SECONDS) by every writer.
"""

import fcntl
import os
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from connectors.duckdb_connect import LockWait
from orchestration.settings import setting

# Locks this process holds, with their depth: steps of a run take the lock the run already holds.
_held: Counter[Path] = Counter()
_guard = threading.Lock()


class ConcurrentRunError(RuntimeError):
    """Another process is already writing this warehouse."""


def duckdb_lock_wait() -> LockWait:
    """How long writers wait for another process's DuckDB file lock, from the environment.

    Raises:
        ValueError: a variable is not a number in range; the message names it.
    """
    attempts = setting("DUCKDB_LOCK_ATTEMPTS")
    seconds = setting("DUCKDB_LOCK_WAIT_SECONDS")
    try:
        wait = LockWait(attempts=int(attempts), max_wait_seconds=float(seconds))
    except ValueError:
        wait = LockWait(attempts=0)
    if wait.attempts < 1 or not 0 <= wait.max_wait_seconds < 86_400:
        raise ValueError(
            "DUCKDB_LOCK_ATTEMPTS must be a whole number >= 1 and DUCKDB_LOCK_WAIT_SECONDS a "
            f"number of seconds >= 0; got {attempts!r} and {seconds!r}"
        )
    return wait


def lock_path_for(duckdb_path: Path) -> Path:
    return duckdb_path.with_name(duckdb_path.name + ".run.lock")


@contextmanager
def warehouse_lock(duckdb_path: Path | str) -> Iterator[None]:
    """Hold the warehouse's run lock, or refuse at once with who holds it.

    Re-entrant within one process, so a run that holds the lock can call steps that take it too.

    Raises:
        ConcurrentRunError: when another process holds the lock.
    """
    path = lock_path_for(Path(duckdb_path).resolve())
    with _guard:
        reentered = _held[path] > 0
        if reentered:
            _held[path] += 1
    if reentered:
        try:
            yield
        finally:
            _release(path)
        return
    with _exclusive_file_lock(path, duckdb_path):
        with _guard:
            _held[path] += 1
        try:
            yield
        finally:
            _release(path)


def _release(path: Path) -> None:
    with _guard:
        _held[path] -= 1


@contextmanager
def _exclusive_file_lock(path: Path, duckdb_path: Path | str) -> Iterator[None]:
    """flock the lock file (released by the kernel even if the process is killed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(handle, 200, 0).decode(errors="replace").strip() or "unknown"
            raise ConcurrentRunError(
                f"Another pipeline run is writing {duckdb_path} ({holder}). DuckDB allows one "
                "writer at a time: wait for that run to finish, then start again."
            ) from None
        os.ftruncate(handle, 0)
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
        os.pwrite(handle, f"pid {os.getpid()} since {started} UTC".encode(), 0)
        yield
    finally:
        os.close(handle)
