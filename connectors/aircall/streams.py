"""Aircall stream declarations: calls by start-time windows, users, numbers and teams in full."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.aircall.client import build_aircall_client
from connectors.aircall.config import AircallConfig
from connectors.aircall.paging import AircallNextLinkPaginator
from connectors.errors import ConnectorError
from connectors.http import HttpClient
from connectors.pagination import paginate
from connectors.streams import (
    CountScope,
    Page,
    RecordShape,
    Stream,
    format_timestamp,
    parse_timestamp,
)

AIRCALL_SHAPE = RecordShape()  # no modified time; "archived" on a call means hidden, not deleted
# A sized window aims at this share of the cap, as the rate varies from one window to the next
# and a window found past the cap costs a request that lands nothing. Chosen by simulating a
# year with working hours (benchmarks/rate_limits.py): 0.7 to 0.8 and a growth of 2 to 4 cost
# within 0.1 % of each other at S, M and L.
WINDOW_FILL = 0.7
WINDOW_GROWTH = 4


class ListStream:
    """An Aircall collection read in full by following ``meta.next_page_link``."""

    def __init__(self, name: str, client: HttpClient, per_page: int) -> None:
        self.name, self.shape = name, AIRCALL_SHAPE
        self.source, self.table = name.split("/")
        self._client, self._path, self._per_page = client, f"/v1/{self.table}", per_page

    def read(self, cursor: str | None) -> Iterator[Page]:
        """Yield every page, then the key set when the read was complete; a full read keeps the
        cursor as it was.

        Removed users, numbers and teams simply stop being listed, so an id absent from a
        complete read is gone. Complete means every page answered and the ids read match the
        ``meta.total`` of the first page; a read cut short (past the silent list cap, or the
        list changing under it) marks nothing.
        """
        paginator = AircallNextLinkPaginator(self.table)
        present: set[str] = set()
        read = 0
        total: int | None = None
        for page in paginate(self._fetch, paginator):
            records = page.get(self.table) or []
            if total is None:
                total = int((page.get("meta") or {}).get("total") or 0)
            present.update(self.shape.key(record) for record in records)
            read += len(records)
            yield Page(records, cursor)
        complete = total is not None and read == total == len(present)
        yield Page([], cursor, present=frozenset(present) if complete else None)

    def source_total(self) -> int | None:
        """The vendor's ``meta.total``."""
        return int(self._client.get(self._path, {"per_page": 1})["meta"]["total"])

    def count_scope(self, cursor: str | None) -> CountScope:
        """Every record the vendor still lists: the collection is small and read in full."""
        return CountScope(self.source_total(), "_deleted_at is null", "every record still listed")

    def _fetch(self, token: str | None) -> dict[str, Any]:
        if token is None:
            return self._client.get(self._path, {"per_page": self._per_page})
        return self._client.get(token)


class CallsStream:
    """Calls by ``from``/``to`` windows on start time, each sized to stay under the cap.

    Aircall has no modified-since filter and silently stops at ``result_cap`` records per query,
    while ``meta.total`` still tells the true count. The cursor is the end of the last window read
    in full; each run starts ``trailing_hours`` before it, because calls change after they end.
    The rate limit is the wall on real accounts, so each window is sized from the calls per
    second seen so far (``WindowSizer``) and its first page is its probe: only a window found
    past the cap costs a request that lands nothing (it is retried at most half as wide), and an
    empty stretch costs one request whatever its length.
    """

    def __init__(self, client: HttpClient, config: AircallConfig) -> None:
        self.name, self.source, self.table = "aircall/calls", "aircall", "calls"
        self.shape = AIRCALL_SHAPE
        self._client, self._config = client, config

    def read(self, cursor: str | None) -> Iterator[Page]:
        """Yield pages window by window; the last page of each window carries its end as cursor."""
        stored = parse_timestamp(cursor)
        start = self._first_start() if stored is None else stored - self._trailing()
        lower, end = int(start.timestamp()), int(self._client.clock())
        first_span = int(timedelta(days=self._config.window_days).total_seconds())
        sizer = WindowSizer(self._config.result_cap, first_span, end)
        while lower < end:
            upper = min(lower + sizer.span, end)
            first = self._client.get("/v1/calls", self._params(lower, upper))
            total = int((first.get("meta") or {}).get("total") or 0)
            if total >= self._config.result_cap:
                if upper - lower <= 1:
                    raise ConnectorError(f"aircall/calls: {total} calls start within one second")
                sizer.past_cap(lower, upper, total)
                continue
            yield from self._window(first, upper, stored)
            stored = max(stored, _utc(upper)) if stored else _utc(upper)
            sizer.read(lower, upper, total)
            lower = upper  # windows share their boundary second: duplicates merge on load

    def source_total(self) -> int | None:
        """Calls started from the first-run start date until now, per ``meta.total``."""
        params = self._params(int(self._first_start().timestamp()), int(self._client.clock()))
        return int(self._client.get("/v1/calls", {**params, "per_page": 1})["meta"]["total"])

    def count_scope(self, cursor: str | None) -> CountScope:
        """Calls started in the ``reconciliation_days`` up to the cursor (both ends included,
        as Aircall's ``from``/``to``): later calls are not synced yet, and older ones may have
        left the vendor's history while raw keeps them."""
        stored = parse_timestamp(cursor)
        if stored is None:
            return CountScope(None, "false", "nothing synced yet")
        upper = int(stored.timestamp())
        since = max(self._first_start(), stored - timedelta(days=self._config.reconciliation_days))
        lower = int(since.timestamp())
        meta = self._client.get("/v1/calls", {**self._params(lower, upper), "per_page": 1})["meta"]
        raw_filter = (
            f"cast(json_extract(record, '$.started_at') as bigint) between {lower} and {upper}"
        )
        described = f"calls started {format_timestamp(since)} to {format_timestamp(stored)}"
        return CountScope(int(meta["total"]), raw_filter, described)

    def _window(self, first: dict[str, Any], upper: int, stored: datetime | None) -> Iterator[Page]:
        pages = paginate(lambda token: first if token is None else self._client.get(token),
                         AircallNextLinkPaginator("calls"))  # fmt: skip
        for page in pages:
            yield Page(page.get("calls") or [])
        done = _utc(upper) if stored is None else max(stored, _utc(upper))
        yield Page([], format_timestamp(done), checkpoint=True)

    def _params(self, lower: int, upper: int) -> dict[str, Any]:
        return {"from": lower, "to": upper, "order": "asc", "per_page": self._config.per_page}

    def _first_start(self) -> datetime:
        if self._config.start_date is not None:
            return datetime.combine(self._config.start_date, datetime.min.time(), tzinfo=UTC)
        now = datetime.fromtimestamp(self._client.clock(), tz=UTC)
        return now - timedelta(days=self._config.history_days)

    def _trailing(self) -> timedelta:
        return timedelta(hours=self._config.trailing_hours)


@dataclass(slots=True)
class WindowSizer:
    """The width of the next calls window, from the ``meta.total`` of the windows probed so far.

    Attributes:
        cap: the vendor's result cap per query.
        span: seconds of the next window (the configured first width until a probe answers).
        end: the end of the range being read (epoch seconds).
    """

    cap: int
    span: int
    end: int
    _over: tuple[int, int] | None = None  # end and calls of the last window found past the cap

    def past_cap(self, lower: int, upper: int, total: int) -> None:
        """A window held ``total`` >= cap calls: retry its start, narrower."""
        self._over = (upper, total)
        self.span = shrunk_span(upper - lower, total, self.cap)

    def read(self, lower: int, upper: int, total: int) -> None:
        """A window was read in full: size the next one from the best rate known."""
        if self._over is not None and self._over[0] > upper:
            # The rest of a window found past the cap holds a known count: no guess needed.
            self._over = (self._over[0], self._over[1] - total)
            width, total = self._over[0] - upper, self._over[1]
        else:
            self._over, width = None, upper - lower
        self.span = next_span(width, total, self.cap, self.end - upper)


def next_span(width: int, total: int, cap: int, rest: int) -> int:
    """Seconds of a window after one of ``width`` seconds holding ``total`` calls: that rate,
    scaled to ``WINDOW_FILL`` of the cap, at most ``WINDOW_GROWTH`` times wider (a quiet night
    is followed by a busy morning); the whole ``rest`` of the range after an empty window."""
    if total <= 0:
        return max(rest, 1)
    return max(1, min(int(width * cap * WINDOW_FILL / total), width * WINDOW_GROWTH))


def shrunk_span(width: int, total: int, cap: int) -> int:
    """Seconds to retry a window of ``width`` seconds found holding ``total`` >= cap calls: its
    own rate scaled to ``WINDOW_FILL`` of the cap, never more than half of it, so a wrong
    estimate costs no more probes than halving would."""
    return max(1, min(int(width * cap * WINDOW_FILL / total), width // 2))


def _utc(epoch_seconds: int) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, tz=UTC)


def build_aircall_streams(config: AircallConfig) -> dict[str, Stream]:
    """The four Aircall streams, keyed by stream name, sharing one HTTP client."""
    client = build_aircall_client(config)
    streams: list[Stream] = [CallsStream(client, config)]
    for table in ("users", "numbers", "teams"):
        streams.append(ListStream(f"aircall/{table}", client, config.per_page))
    return {stream.name: stream for stream in streams}
