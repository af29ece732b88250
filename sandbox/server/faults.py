"""Fault injection: the next N requests under a path prefix fail in a chosen way."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("status", "reset", "truncate", "malformed", "html", "latency", "mutate")


@dataclass(frozen=True, slots=True)
class Fault:
    """One injected failure.

    Attributes:
        prefix: requests whose path starts with it are affected (e.g. `/v1/calls`).
        kind: status | reset | truncate | malformed | html | latency | mutate (the request is
            answered normally, after ``mutation`` is applied: an edit between two pages).
        times: how many matching requests fail, after `skip` matching ones pass untouched.
        status, headers, body: the answer of a `status` fault (e.g. 429 + Retry-After).
        seconds: the delay of a `latency` fault.
        method: only this HTTP method when set.
    """

    prefix: str
    kind: str
    times: int = 1
    skip: int = 0
    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    seconds: float = 0.0
    method: str | None = None
    mutation: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fault:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        fault = cls(**known)
        if fault.kind not in KINDS or not fault.prefix.startswith("/"):
            raise ValueError(f"fault kind must be one of {KINDS} and prefix must start with '/'")
        return fault


class FaultBook:
    """Armed faults, consumed in the order they were added; thread-safe."""

    def __init__(self) -> None:
        self._armed: list[list[Any]] = []  # [fault, skips left, uses left]
        self._lock = threading.Lock()
        self.fired = 0

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._armed.append([fault, fault.skip, fault.times])

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """The fault this request must suffer, if any (counts it as used)."""
        with self._lock:
            for entry in self._armed:
                fault, skips, uses = entry
                if (
                    uses <= 0
                    or not path.startswith(fault.prefix)
                    or fault.method not in (None, method)
                ):
                    continue
                if skips > 0:
                    entry[1] -= 1
                    return None
                entry[2] -= 1
                self.fired += 1
                return fault
            return None

    def describe(self) -> list[dict[str, Any]]:
        with self._lock:
            return [
                {**asdict(f), "skips_left": s, "uses_left": u} for f, s, u in self._armed if u > 0
            ]
