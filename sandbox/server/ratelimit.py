"""Fixed and rolling request windows behind the vendors' rate-limit headers and 429s."""

from __future__ import annotations

import collections
import threading
import time


class RollingWindow:
    """At most `limit` requests in any `seconds`-long window (HubSpot's rolling 10 s)."""

    def __init__(self, limit: int, seconds: float):
        self.limit = limit
        self.seconds = seconds
        self._hits: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()

    def take(self) -> tuple[bool, int]:
        """Count one request; returns (allowed, remaining after it)."""
        now = time.monotonic()
        with self._lock:
            while self._hits and self._hits[0] <= now - self.seconds:
                self._hits.popleft()
            if len(self._hits) >= self.limit:
                return False, 0
            self._hits.append(now)
            return True, self.limit - len(self._hits)


class FixedWindow:
    """`limit` requests per window aligned on epoch multiples (Aircall's per-minute budget)."""

    def __init__(self, limit: int, seconds: int):
        self.limit = limit
        self.seconds = seconds
        self._window = 0
        self._used = 0
        self._lock = threading.Lock()

    def take(self) -> tuple[bool, int, int]:
        """Count one request; returns (allowed, remaining, reset epoch seconds)."""
        now = int(time.time())
        window = now - now % self.seconds
        with self._lock:
            if window != self._window:
                self._window, self._used = window, 0
            reset = window + self.seconds
            if self._used >= self.limit:
                return False, 0, reset
            self._used += 1
            return True, self.limit - self._used, reset
