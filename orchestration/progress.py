"""Progress of a run, told by the steps to whoever shows it (the CLI's display), in-process.

The steps report small events here; `kpi-pipeline run` listens and draws them. A run launched by
the Dagster daemon has no listener, so reporting costs nothing there: its steps log as before.
"""

import contextlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from orchestration.dbt_progress import DbtProgress


@dataclass(frozen=True, slots=True)
class StreamProgress:
    """A stream's counters; ``state`` is running, done or failed (with ``detail`` saying why)."""

    stream: str
    records: int
    pages: int
    elapsed_seconds: float
    state: str = "running"
    detail: str = ""


@dataclass(frozen=True, slots=True)
class PublishProgress:
    """The publication: ``state`` is running, done or failed; ``detail`` the targets or why."""

    state: str
    detail: str


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the operator should read now (a stop requested, a schema drift)."""

    text: str


Event = StreamProgress | DbtProgress | PublishProgress | Notice
Listener = Callable[[Event], None]

_listeners: list[Listener] = []
_guard = threading.Lock()


def report(event: Event) -> None:
    """Tell every listener; a failing display must never fail the step that reports."""
    with _guard:
        listeners = list(_listeners)
    for listener in listeners:
        # The display is best effort; the run it shows is not.
        with contextlib.suppress(Exception):
            listener(event)


def has_listener() -> bool:
    """True while a display listens (then it, not stderr, shows notices)."""
    with _guard:
        return bool(_listeners)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Deliver every event reported inside the block to ``listener``."""
    with _guard:
        _listeners.append(listener)
    try:
        yield
    finally:
        with _guard:
            _listeners.remove(listener)
