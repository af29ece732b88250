"""Calendar of the synthetic year: local days, DST-aware boundaries, ISO formats."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from dataclasses import dataclass

from sandbox.config import BUSINESS_TIMEZONE

UTC = dt.UTC
DAYS_IN_YEAR = 365


def local_midnight(day: dt.date) -> int:
    """Return the UNIX second of 00:00 on `day` in Europe/Paris."""
    return int(dt.datetime.combine(day, dt.time(), BUSINESS_TIMEZONE).timestamp())


@functools.lru_cache(maxsize=4096)
def _plain_midnight(day: dt.date) -> int | None:
    """Local midnight of `day` when the day has no DST change (then wall time = offset)."""
    midnight = local_midnight(day)
    return midnight if local_midnight(day + dt.timedelta(days=1)) - midnight == 86_400 else None


def local_instant(day: dt.date, seconds_after_midnight: int) -> int:
    """Return the UNIX second of a wall-clock time on `day` (DST-aware)."""
    midnight = _plain_midnight(day)
    if midnight is not None and 0 <= seconds_after_midnight < 86_400:
        return midnight + seconds_after_midnight  # the generator's hot path
    hours, rest = divmod(seconds_after_midnight, 3600)
    if hours >= 24:
        return local_midnight(day + dt.timedelta(days=1)) + (seconds_after_midnight - 86400)
    wall = dt.datetime.combine(day, dt.time(hours, rest // 60, rest % 60), BUSINESS_TIMEZONE)
    return int(wall.timestamp())


@functools.lru_cache(maxsize=1 << 18)  # pages are re-read; formatting dominated search time
def iso_ms(epoch_ms: int) -> str:
    """Format epoch milliseconds like HubSpot: `2024-05-02T08:12:44.123Z`."""
    moment = dt.datetime.fromtimestamp(epoch_ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"


def iso_seconds(epoch_s: int) -> str:
    """Format epoch seconds like Aircall's `created_at`: `2024-01-09T13:09:37.000Z`."""
    return iso_ms(epoch_s * 1000)


def parse_iso_ms(text: str) -> int:
    """Parse an ISO-8601 instant (with `Z` or an offset) into epoch milliseconds."""
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp() * 1000)


@dataclass(frozen=True, slots=True)
class Calendar:
    """The business year: local days `first_day .. as_of - 1`, ending at as_of 00:00 Paris.

    Ending at local midnight keeps every record in the past when as_of is today, so a
    demo run reconciles exactly with the totals.
    """

    days: tuple[dt.date, ...]
    day_starts: tuple[int, ...]  # UNIX s of each local midnight, plus the end instant

    @classmethod
    def ending(cls, as_of: dt.date, length: int = DAYS_IN_YEAR) -> Calendar:
        days = tuple(as_of - dt.timedelta(days=length - i) for i in range(length))
        starts = tuple(local_midnight(day) for day in (*days, as_of))
        return cls(days=days, day_starts=starts)

    @property
    def start(self) -> int:
        return self.day_starts[0]

    @property
    def end(self) -> int:
        return self.day_starts[-1]

    def day_index(self, epoch_s: int) -> int:
        """Index of the local day holding `epoch_s` (may be <0 or >= len(days))."""
        if epoch_s >= self.end:
            return len(self.days) + (epoch_s - self.end) // 86400
        return bisect.bisect_right(self.day_starts, epoch_s) - 1

    def day_length(self, index: int) -> int:
        """Seconds in local day `index`: 82800 and 90000 on the DST change days."""
        return self.day_starts[index + 1] - self.day_starts[index]
