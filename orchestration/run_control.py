"""Stop a run at a safe point (SIGTERM, SIGINT, deadline) and never retry what cannot succeed.

The CLI runs the Dagster job on a worker thread so that its own handlers, not Dagster's, receive
the signals on the main thread: Dagster's interrupt capture is main-thread only and would raise
inside a step at an arbitrary point. A first signal sets the stop token; the steps ask it at safe
points (after each committed page, before dbt, before publish). A second signal stops at once.
"""

import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import dagster as dg

from connectors.errors import FatalError, QuotaExhaustedError, StopRequested
from connectors.stopping import StopToken
from orchestration.progress import Notice, has_listener, report

T = TypeVar("T")

# Exit codes of a stopped run: 128 + signal number as shells report it, and 124 as `timeout` does.
EXIT_CODE_SIGINT = 130
EXIT_CODE_SIGTERM = 143
EXIT_CODE_DEADLINE = 124
DBT_GRACE_SECONDS = 30.0

_current = StopToken()


def current_stop_token() -> StopToken:
    """The token of the run in progress (a token that never fires outside the CLI)."""
    return _current


def should_stop() -> bool:
    """True once the current run was asked to stop; the ``should_stop`` given to ``sync_stream``."""
    return _current()


def raise_if_stopped(step: str) -> None:
    """Fail ``step`` without retry when a stop is due, before it does any work.

    Raises:
        dg.Failure: a stop was requested (never retried by the asset's RetryPolicy).
    """
    if _current():
        raise dg.Failure(
            description=f"{step}: not started, the run is stopping ({_current.reason})",
            allow_retries=False,
        )


def stop_exit_code(reason: str | None) -> int:
    """The CLI exit code for a stopped run, from the token's reason."""
    if reason and "SIGINT" in reason:
        return EXIT_CODE_SIGINT
    if reason and "SIGTERM" in reason:
        return EXIT_CODE_SIGTERM
    return EXIT_CODE_DEADLINE


@contextmanager
def fatal_errors_not_retried() -> Iterator[None]:
    """Turn errors that will fail again unchanged into a Dagster Failure that is never retried.

    Credentials, bad requests, malformed bodies, a wrong base URL, a spent daily quota and a
    requested stop all end the step at once; transient errors keep the RetryPolicy.
    """
    try:
        yield
    except (FatalError, QuotaExhaustedError, StopRequested) as error:
        raise dg.Failure(
            description=str(error),
            metadata={"error": type(error).__name__},
            allow_retries=False,
        ) from error


@contextmanager
def stop_on_signals(token: StopToken) -> Iterator[StopToken]:
    """Make ``token`` the current one and let SIGTERM/SIGINT request a stop through it."""
    global _current
    previous_token, _current = _current, token
    handled = (signal.SIGTERM, signal.SIGINT)
    previous = {signum: signal.getsignal(signum) for signum in handled}

    def _request_stop(signum: int, _frame: object) -> None:
        name = signal.Signals(signum).name
        token.request(f"{name} received")
        message = (
            f"{name} received: stopping at the next safe point (nothing will be published); "
            "send it again to stop at once."
        )
        if has_listener():  # the display shows it (stderr leads into the run log meanwhile)
            report(Notice(message))
        else:
            print(f"\n{message}", file=sys.stderr, flush=True)
        # A second signal gets the default behaviour: immediate exit.
        signal.signal(signum, previous[signum] if callable(previous[signum]) else signal.SIG_DFL)

    for signum in handled:
        signal.signal(signum, _request_stop)
    try:
        yield token
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _current = previous_token


def run_on_worker_thread(function: Callable[[], T], token: StopToken) -> T:
    """Run ``function`` on a daemon thread while the main thread stays free for signal handlers.

    The join polls the token too, so that a deadline is noticed while a step is silent.
    """
    outcome: dict[str, object] = {}

    def _target() -> None:
        try:
            outcome["value"] = function()
        except BaseException as error:  # re-raised on the main thread below
            outcome["error"] = error

    worker = threading.Thread(target=_target, name="kpi-pipeline-run", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(timeout=0.2)
        token()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


@contextmanager
def interrupt_process_on_stop(process: subprocess.Popen, step: str) -> Iterator[None]:
    """While ``process`` (dbt) runs, send it SIGINT once a stop is requested; dbt then rolls back
    the model it is building and exits. The step then fails without retry, naming the stop."""
    finished = threading.Event()

    def _watch() -> None:
        while not finished.wait(0.25):
            if _current() and process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=DBT_GRACE_SECONDS)
                except subprocess.TimeoutExpired:
                    process.terminate()
                return

    watcher = threading.Thread(target=_watch, name="dbt-stop-watcher", daemon=True)
    watcher.start()
    try:
        yield
    except Exception as error:
        if _current():
            raise dg.Failure(
                description=f"{step}: interrupted, the run is stopping ({_current.reason})",
                allow_retries=False,
            ) from error
        raise
    finally:
        finished.set()
    raise_if_stopped(step)
