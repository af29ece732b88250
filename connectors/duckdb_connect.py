"""Open the warehouse, waiting a bounded time for another process's DuckDB file lock.

DuckDB allows one process to write a file, and a process that holds it (a BI tool, a notebook,
even a read-only DuckDB CLI) blocks every writer. A reader that leaves within seconds should not
fail the nightly run, one that stays should fail it at once with its PID, not after minutes of
retries that say nothing. Every writer path opens the warehouse through `connect_duckdb`.
"""

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

# DuckDB 1.x/2.x: 'Could not set lock on file "...": Conflicting lock is held in <exe> (PID 123)'
_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.*?) \(PID (?P<pid>\d+)\)")


@dataclass(frozen=True, slots=True)
class LockWait:
    """How long to wait for a held DuckDB file lock.

    Set from DUCKDB_LOCK_ATTEMPTS and DUCKDB_LOCK_WAIT_SECONDS by the orchestrator.

    Attributes:
        attempts: connection attempts in all (1 = no retry).
        max_wait_seconds: the total sleep between attempts never exceeds this.
        first_delay_seconds: the first pause; each next one doubles.
    """

    attempts: int = 6
    max_wait_seconds: float = 30.0
    first_delay_seconds: float = 1.0

    def delays(self) -> list[float]:
        """The pauses between attempts: doubling, cut so their sum fits max_wait_seconds."""
        delays, left, delay = [], self.max_wait_seconds, self.first_delay_seconds
        for _ in range(max(self.attempts - 1, 0)):
            pause = min(delay, left)
            if pause <= 0:
                break
            delays.append(pause)
            left -= pause
            delay *= 2
        return delays


DEFAULT_LOCK_WAIT = LockWait()
# After one wait ran out, later connects in this process try once: the nine ingest steps of a
# run then fail within one wait, not nine (nor nine times Dagster's retries).
RECENTLY_LOCKED_SECONDS = 600.0
_recently_locked: dict[str, float] = {}  # resolved path -> time.monotonic() of the give-up


class WarehouseLockedError(RuntimeError):
    """Another process held the DuckDB file for longer than the configured wait."""


def lock_holder(error: BaseException) -> str | None:
    """`PID 123 (/usr/bin/python3)` from DuckDB's lock error, None when it is another error."""
    found = _HOLDER.search(str(error))
    if found is None:
        return None
    return f"PID {found['pid']} ({found['program']})"


def connect_duckdb(
    path: str | Path,
    *,
    read_only: bool = False,
    lock_wait: LockWait = DEFAULT_LOCK_WAIT,
    sleep: Callable[[float], None] = time.sleep,
) -> duckdb.DuckDBPyConnection:
    """`duckdb.connect`, retried with backoff while another process holds the file's lock.

    Args:
        path: the DuckDB file.
        read_only: open READ_ONLY (still blocked by a read-write holder).
        lock_wait: attempts and total wait.
        sleep: the pause function (tests pass a fake clock).

    Returns:
        The open connection.

    Raises:
        WarehouseLockedError: still locked after every attempt; names the holder's PID.
        duckdb.Error: any other failure, at once.
    """
    key = str(Path(path).resolve())
    gave_up = _recently_locked.get(key)
    recent = gave_up is not None and time.monotonic() - gave_up < RECENTLY_LOCKED_SECONDS
    delays = [] if recent else lock_wait.delays()
    waited = 0.0
    for attempt in range(len(delays) + 1):
        try:
            connection = duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as error:
            holder = lock_holder(error)
            if holder is None:
                raise
            if attempt < len(delays):
                sleep(delays[attempt])
                waited += delays[attempt]
                continue
            _recently_locked[key] = time.monotonic()
            message = _locked_message(path, holder, waited, attempt + 1, recent)
            raise WarehouseLockedError(message) from None
        _recently_locked.pop(key, None)
        return connection
    raise AssertionError("unreachable")  # the loop returns or raises


def _locked_message(
    path: str | Path, holder: str, waited: float, attempts: int, recent: bool
) -> str:
    how_long = (
        "tried once: a connection of this process waited in vain for it a moment ago"
        if recent
        else f"waited {waited:.0f} s over {attempts} attempts"
    )
    return (
        f"{path} is held by {holder}; {how_long}. Close that program (BI tools and ad-hoc "
        "readers should open the published reader copy READ_ONLY, not the warehouse), then run "
        "again; or raise DUCKDB_LOCK_ATTEMPTS / DUCKDB_LOCK_WAIT_SECONDS."
    )


def probe_duckdb_lock(path: str | Path, lock_wait: LockWait = DEFAULT_LOCK_WAIT) -> None:
    """Wait until the file can be opened for writing, then let go (before a tool like dbt,
    whose own connection cannot be retried). A missing file is not created.

    Raises:
        WarehouseLockedError: as `connect_duckdb`.
    """
    if Path(path).exists():
        connect_duckdb(path, lock_wait=lock_wait).close()
