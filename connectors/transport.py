"""How every vendor client talks over the network: retry bounds, the clock and the sleep.

One value shared by all sources instead of the same fields copied into each vendor config; tests
inject a fake clock and sleep here once.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from connectors.http import RetryPolicy


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
