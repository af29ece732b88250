"""One pipeline run at a time per warehouse: DuckDB allows a single writer per file."""

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

_held: dict[Path, int] = {}
_guard = threading.Lock()


class ConcurrentRunError(RuntimeError):
    """Another process is already writing this warehouse."""


def lock_path_for(duckdb_path: Path) -> Path:
    return duckdb_path.with_name(duckdb_path.name + ".run.lock")


@contextmanager
def warehouse_lock(duckdb_path: Path) -> Iterator[None]:
    """Hold the warehouse's run lock, or refuse at once with who holds it.

    Re-entrant within one process, so a run that holds the lock can call steps that take it too.

    Raises:
        ConcurrentRunError: when another process holds the lock.
    """
    path = lock_path_for(Path(duckdb_path).resolve())
    with _guard:
        if path in _held:
            _held[path] += 1
            owned = False
        else:
            owned = True
    if not owned:
        try:
            yield
        finally:
            with _guard:
                _held[path] -= 1
        return
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
        os.pwrite(
            handle, f"pid {os.getpid()} since {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC".encode(), 0
        )
        with _guard:
            _held[path] = 1
        try:
            yield
        finally:
            with _guard:
                del _held[path]
    finally:
        os.close(handle)
