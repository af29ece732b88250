"""Calls served lazily: one seeded generation per local day, cached counts, window queries."""

from __future__ import annotations

import bisect
import functools
import json
import random
import threading
from collections.abc import Iterator
from typing import Any

from sandbox.world.calls import CallFact, CallWorld, render_call
from sandbox.world.clock import Calendar
from sandbox.world.noise import NoiseContext, noise_day

CALL_ID_BASE = 1_800_000_000
DAY_STRIDE = 1_000_000  # ids per day; new calls added by mutations use the top half
Row = tuple[int, CallFact]


class CallStore:
    """All calls of the year without holding them: noise is regenerated per day on demand."""

    def __init__(
        self,
        ctx: NoiseContext,
        journey_calls: dict[int, list[CallFact]],
        world: CallWorld,
        cache_days: int,
        id_base: int = CALL_ID_BASE,
        day_slots: int = DAY_STRIDE // 2,
    ):
        self._ctx = ctx
        # A shard's calls take ids [id_base, id_base + day_slots) of each day (shards.py).
        self._id_base = id_base
        self._day_slots = day_slots
        self._world = world
        self._journey = journey_calls
        self._counts: list[int | None] = [None] * len(ctx.calendar.days)
        self._extra: dict[int, list[Row]] = {}
        self.patches: dict[int, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._generated = functools.lru_cache(maxsize=cache_days)(self._generate)
        # Rendered JSON per day: a page is then a join of bytes. Fewer days at large scales
        # keep memory flat (a rendered call is about 1.3 kB).
        fragment_days = max(2, int(cache_days / max(1.0, ctx.scale)))
        self._fragments = functools.lru_cache(maxsize=fragment_days)(self._render_day)

    @property
    def calendar(self) -> Calendar:
        return self._ctx.calendar

    def _generate(self, index: int) -> tuple[Row, ...]:
        facts = noise_day(self._ctx, index) + self._journey.get(index, [])
        if index == len(self._counts) - 1:
            facts += self._in_progress(index)
        facts.sort(key=lambda f: (f.started_at, f.line, f.external, f.direction, f.agent))
        if len(facts) > self._day_slots:
            raise ValueError(
                f"day {index} has {len(facts):,} calls, more than the {self._day_slots:,} ids "
                "a day has here: use more shards or fewer calls per shard"
            )
        base = self._id_base + index * DAY_STRIDE
        return tuple((base + position, fact) for position, fact in enumerate(facts))

    def _in_progress(self, index: int) -> list[CallFact]:
        """Two calls still running at the end of the year: ringing, and in conversation."""
        rng = random.Random(f"{self._ctx.seed}:in-progress")
        end = self._ctx.calendar.end
        agent = next(a.index for a in self._ctx.agents if a.role == "support" and a.user_id)
        numbers = self._ctx.customers
        return [
            CallFact(
                end - 240,
                "outbound",
                7,
                agent,
                rng.choice(numbers),
                end - 228,
                None,
                status="answered",
            ),
            CallFact(end - 35, "inbound", 5, -1, rng.choice(numbers), status="initial"),
        ]

    def rows(self, index: int) -> tuple[Row, ...] | list[Row]:
        """Every call of day `index` in start order (generated + added by mutations)."""
        base = self._generated(index) if 0 <= index < len(self._counts) else ()
        extra = self._extra.get(index)
        if not extra:
            return base
        return sorted((*base, *extra), key=lambda row: (row[1].started_at, row[0]))

    def count(self, index: int) -> int:
        if not 0 <= index < len(self._counts):
            return len(self._extra.get(index, ()))
        cached = self._counts[index]
        if cached is None:
            cached = self._counts[index] = len(self._generated(index))
        return cached + len(self._extra.get(index, ()))

    def last_index(self) -> int:
        return max(len(self._counts) - 1, *self._extra) if self._extra else len(self._counts) - 1

    def total(self) -> int:
        return sum(self.count(index) for index in range(self.last_index() + 1))

    def add(self, fact: CallFact) -> int:
        """Store a brand-new call (a mutation); returns its id."""
        index = self.calendar.day_index(fact.started_at)
        with self._lock:
            bucket = self._extra.setdefault(index, [])
            call_id = self._id_base + index * DAY_STRIDE + DAY_STRIDE // 2 + len(bucket)
            bucket.append((call_id, fact))
        return call_id

    def window(
        self, start: int | None, end: int | None, descending: bool, offset: int, limit: int
    ) -> tuple[int, list[Row]]:
        """(total matching, the page) for calls with start <= started_at <= end (both inclusive)."""
        first, last = self._day_span(start, end)
        days = range(last, first - 1, -1) if descending else range(first, last + 1)
        total, page = 0, []
        for index in days:
            full = self._covers(index, start, end)
            size = self.count(index) if full else len(list(self._matching(index, start, end)))
            if total + size > offset and len(page) < limit:
                matching = list(self._matching(index, start, end))
                if descending:
                    matching.reverse()
                skip = max(0, offset - total)
                page.extend(matching[skip : skip + limit - len(page)])
            total += size
        return total, page

    def _day_span(self, start: int | None, end: int | None) -> tuple[int, int]:
        first = 0 if start is None else max(0, self.calendar.day_index(start))
        last = (
            self.last_index()
            if end is None
            else min(self.last_index(), self.calendar.day_index(end))
        )
        return first, last

    def _covers(self, index: int, start: int | None, end: int | None) -> bool:
        starts = self.calendar.day_starts
        if index >= len(starts) - 1:
            return start is None and end is None
        return (start is None or start <= starts[index]) and (
            end is None or end >= starts[index + 1] - 1
        )

    def _matching(self, index: int, start: int | None, end: int | None) -> Iterator[Row]:
        rows = self.rows(index)
        lo = 0 if start is None else bisect.bisect_left(rows, start, key=lambda r: r[1].started_at)
        hi = (
            len(rows)
            if end is None
            else bisect.bisect_right(rows, end, key=lambda r: r[1].started_at)
        )
        return iter(rows[lo:hi])

    def render(self, row: Row) -> dict[str, Any]:
        return render_call(row[0], row[1], self._world, self.patches.get(row[0]))

    def _render_day(self, index: int) -> tuple[bytes, ...]:
        return tuple(
            _dump(render_call(i, fact, self._world, None)) for i, fact in self._generated(index)
        )

    def fragment(self, row: Row) -> bytes:
        """The call's JSON bytes, from the per-day cache unless a mutation patched it."""
        call_id = row[0]
        index, position = divmod(call_id - self._id_base, DAY_STRIDE)
        if (
            call_id in self.patches
            or position >= DAY_STRIDE // 2
            or not 0 <= index < len(self._counts)
        ):
            return _dump(self.render(row))
        return self._fragments(index)[position]


def _dump(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
