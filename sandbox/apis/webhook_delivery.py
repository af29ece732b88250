"""What a pushed source's sandbox feed reports after sending its events to a receiver."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Delivery:
    """What one delivery of the world's events did.

    Attributes:
        events: distinct events sent.
        posts: successful POSTs, redeliveries of the same event included.
        seconds: wall time.
    """

    events: int
    posts: int
    seconds: float

    @property
    def redelivered(self) -> int:
        """Events sent more than once."""
        return self.posts - self.events

    def describe(self) -> str:
        """One progress line."""
        return (
            f"{self.events} events delivered ({self.redelivered} redelivered) "
            f"in {self.seconds:.1f} s"
        )
