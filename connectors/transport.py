"""How every vendor client talks over the network: retry bounds, the clock and the sleep.

One value shared by all sources instead of the same fields copied into each vendor config; tests
inject a fake clock and sleep here once.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounds of the retry loop.

    Attributes:
        max_attempts: total tries of one request, the first included.
        backoff_seconds: first exponential backoff step (doubles per attempt).
        max_backoff_seconds: ceiling of the exponential backoff.
        max_wait_seconds: ceiling of any single wait, vendor-announced waits included.
        unreachable_attempts: total tries when the host refuses connections or does not resolve;
            that is a wrong base URL far more often than an outage, so it fails in seconds.
        unreachable_backoff_seconds: the wait between those tries.
    """

    max_attempts: int = 6
    backoff_seconds: float = 1.0
    max_backoff_seconds: float = 30.0
    max_wait_seconds: float = 120.0
    unreachable_attempts: int = 2
    unreachable_backoff_seconds: float = 1.0

    def backoff(self, attempt: int) -> float:
        """Exponential backoff before retry number ``attempt`` (1-based)."""
        return min(self.backoff_seconds * 2 ** (attempt - 1), self.max_backoff_seconds)


@dataclass(frozen=True, slots=True)
class Transport:
    """Retry policy, sleep and clock of every HTTP client.

    Attributes:
        retry: bounds of the per-request retry loop (``connectors.http.RetryPolicy``).
        sleep: waits between retries and rate-limit pauses.
        clock: the current time as epoch seconds.
    """

    retry: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)
    clock: Callable[[], float] = field(default=time.time, repr=False, compare=False)


DEFAULT_TRANSPORT = Transport()
