"""The full log of one `kpi-pipeline run`, in a file of its own: Dagster's events, the connectors'
log records, dbt's lines, and anything else printed while the run works.

The console shows a compact display instead (orchestration/run_display.py). While the log is
open, `sys.stdout` and `sys.stderr` lead into it (dagster-dbt echoes every dbt line to stdout,
libraries warn on stderr), and the real streams are kept for the display, the summary and the
failure report. `--verbose` also streams every line to stderr.

Files are `run-<UTC time>-<run id>.log` in RUN_LOG_DIR (default: `logs/` beside the warehouse,
so `data/logs/`); the newest RUN_LOGS_KEPT stay (orchestration/housekeeping.py prunes the rest).
"""

import io
import logging
import os
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import dagster as dg

from orchestration.settings import setting

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
# dbt colours its lines even in a pipe; a log file is read with less or grep.
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# INFO keeps the connectors' retries and pauses; DEBUG adds every HTTP connection of urllib3.
PYTHON_LOG_LEVEL = logging.INFO
# Libraries whose INFO says nothing about the run (the ephemeral instance's schema migrations).
QUIETED_LOGGERS = ("alembic",)

_current: "RunLog | None" = None


def run_log_dir() -> Path:
    """RUN_LOG_DIR, else `logs/` beside the warehouse (DUCKDB_PATH)."""
    configured = setting("RUN_LOG_DIR")
    if configured:
        return Path(configured).expanduser().resolve()
    return Path(setting("DUCKDB_PATH")).resolve().parent / "logs"


class RunLog:
    """One run's log file (or none, when its folder cannot be written) and the real console."""

    def __init__(self, path: Path | None, handle: TextIO | None, console: TextIO, errors: TextIO,
                 verbose: bool) -> None:  # fmt: skip
        self.path = path
        self.console = console  # the terminal or pipe stdout was when the run started
        self.errors = errors  # the same for stderr
        self._handle = handle
        self._verbose = verbose
        self._lock = threading.Lock()

    def write_line(self, line: str) -> None:
        """Append one line to the file (and to stderr with ``--verbose``)."""
        with self._lock:
            if self._handle is not None:
                self._handle.write(line + "\n")
                self._handle.flush()
            if self._verbose:
                self.errors.write(line + "\n")
                self.errors.flush()

    def note(self, text: str) -> None:
        """A line the operator was shown, timestamped like the rest of the file."""
        for line in text.splitlines():
            self.write_line(f"{_now()} console {line}")

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None


class _RunLogHandler(logging.Handler):
    """A logging handler writing formatted records into the run log."""

    def __init__(self, run_log: RunLog, level: int = logging.DEBUG) -> None:
        super().__init__(level)
        self._run_log = run_log
        self.setFormatter(logging.Formatter(LOG_FORMAT))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._run_log.write_line(self.format(record))
        except Exception:
            self.handleError(record)


class _PrintedLines(io.TextIOBase):
    """What is printed to stdout or stderr during the run, turned into timestamped log lines."""

    def __init__(self, run_log: RunLog, name: str) -> None:
        self._run_log, self._name, self._partial = run_log, name, ""
        self._lock = threading.Lock()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        with self._lock:
            lines = (self._partial + text).split("\n")
            self._partial = lines.pop()
        for line in lines:
            self._write(line)
        return len(text)

    def _write(self, line: str) -> None:
        self._run_log.write_line(f"{_now()} {self._name:<7} {ANSI_ESCAPE.sub('', line).rstrip()}")

    def flush(self) -> None:
        with self._lock:
            partial, self._partial = self._partial, ""
        if partial:
            self._write(partial)


def _now() -> str:
    return datetime.now().strftime("%Y-%m-%d %H:%M:%S,%f")[:-3]


def _open_file(run_id: str) -> tuple[Path | None, TextIO | None, str]:
    """The new log file, or (None, None, why) when it cannot be created."""
    folder = run_log_dir()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"run-{stamp}-{run_id[:8] or 'norun'}.log"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Owner only: the log names hosts, accounts and files, like the warehouse beside it.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        return (
            None,
            None,
            f"no run log: cannot write in {folder} ({error.strerror}); set RUN_LOG_DIR",
        )
    return path, os.fdopen(descriptor, "w", encoding="utf-8"), ""


@contextmanager
def open_run_log(run_id: str, verbose: bool = False) -> Iterator[RunLog]:
    """Send everything the run logs or prints into its own file until the block ends.

    Yields:
        The log; print to ``console`` and ``errors`` to reach the operator.
    """
    global _current
    path, handle, problem = _open_file(run_id)
    run_log = RunLog(path, handle, sys.stdout, sys.stderr, verbose)
    if problem:
        print(f"note: {problem}", file=sys.stderr)
    handler = _RunLogHandler(run_log)
    root = logging.getLogger()
    saved_level, saved_streams = root.level, (sys.stdout, sys.stderr)
    root.addHandler(handler)
    root.setLevel(min(root.level, PYTHON_LOG_LEVEL))
    quieted = {name: logging.getLogger(name).level for name in QUIETED_LOGGERS}
    for name in quieted:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.captureWarnings(True)
    sys.stdout, sys.stderr = _PrintedLines(run_log, "stdout"), _PrintedLines(run_log, "stderr")
    previous, _current = _current, run_log
    try:
        yield run_log
    finally:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        sys.stdout, sys.stderr = saved_streams
        _current = previous
        logging.captureWarnings(False)
        root.removeHandler(handler)
        root.setLevel(saved_level)
        for name, level in quieted.items():
            logging.getLogger(name).setLevel(level)
        run_log.close()


def current_run_log() -> RunLog | None:
    """The log of the run in progress in this process, if any."""
    return _current


@dg.logger(
    config_schema={"log_level": dg.Field(str, is_required=False, default_value="DEBUG")},
    description="Dagster's events into the run log of `kpi-pipeline run` (orchestration/run_log).",
)
def run_log_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    """Dagster's event log lines go to the run's file, never to the console."""
    logger = logging.Logger("dagster", level=init_context.logger_config["log_level"])
    run_log = current_run_log()
    if run_log is None:  # a job run outside `kpi-pipeline run`: behave like the console logger
        handler: logging.Handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
    else:
        handler = _RunLogHandler(run_log)
    logger.addHandler(handler)
    return logger
