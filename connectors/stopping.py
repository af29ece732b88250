"""A framework-free stop token: signals and run deadlines ask a sync to stop at a safe point.

The orchestration layer owns the token (it installs signal handlers and sets the deadline); the
loader only calls ``should_stop()`` after each landed page, commits what landed with its cursor and
raises ``StopRequested``. Nothing here reads the environment or imports Dagster.
"""

import threading
import time
from collections.abc import Callable

from connectors.errors import StopRequested

ShouldStop = Callable[[], bool]

__all__ = ["ShouldStop", "StopRequested", "StopToken", "never_stop"]


def never_stop() -> bool:
    """The default ``should_stop``: run to the end."""
    return False


class StopToken:
    """Set once by a signal handler or a passed deadline; read from any thread.

    Args:
        deadline_seconds: stop once this many seconds have passed since creation; None for none.
        clock: monotonic seconds (injected by tests).
    """

    def __init__(
        self, deadline_seconds: float | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._clock = clock
        self._deadline = None if deadline_seconds is None else clock() + deadline_seconds
        self._deadline_seconds = deadline_seconds
        self._reason: str | None = None
        self._event = threading.Event()

    def request(self, reason: str) -> None:
        """Ask for a stop; the first reason given is kept."""
        if self._reason is None:
            self._reason = reason
        self._event.set()

    def __call__(self) -> bool:
        """True once a stop was requested or the deadline has passed."""
        deadline = self._deadline
        if not self._event.is_set() and deadline is not None and self._clock() >= deadline:
            self.request(f"run deadline of {self._deadline_seconds / 60:g} minutes reached")
        return self._event.is_set()

    @property
    def reason(self) -> str | None:
        """Why the stop was requested (``SIGTERM received``), None while running."""
        self()
        return self._reason

    def raise_if_stopped(self, where: str) -> None:
        """Raise StopRequested naming ``where`` when a stop is due.

        Raises:
            StopRequested: a stop was requested or the deadline passed.
        """
        if self():
            raise StopRequested(f"{where}: stopped ({self._reason}) before it started")
