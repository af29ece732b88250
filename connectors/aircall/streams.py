"""Aircall stream declarations: calls by start-time windows, users, numbers and teams in full."""

from collections.abc import Iterator
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
    """Calls by ``from``/``to`` windows on start time, halving any window that hits the cap.

    Aircall has no modified-since filter and silently stops at ``result_cap`` records per query,
    while ``meta.total`` still tells the true count. The cursor is the end of the last window read
    in full; each run starts ``trailing_hours`` before it, because calls change after they end.
    """

    def __init__(self, client: HttpClient, config: AircallConfig) -> None:
        self.name, self.source, self.table = "aircall/calls", "aircall", "calls"
        self.shape = AIRCALL_SHAPE
        self._client, self._config = client, config

    def read(self, cursor: str | None) -> Iterator[Page]:
        """Yield pages window by window; the last page of each window carries its end as cursor."""
        stored = parse_timestamp(cursor)
        start = self._first_start() if stored is None else stored - self._trailing()
        end = int(self._client.clock())
        step = int(timedelta(days=self._config.window_days).total_seconds())
        for lower in range(int(start.timestamp()), end, step):
            upper = min(lower + step, end)
            yield from self._window(lower, upper, stored)
            stored = max(stored, _utc(upper)) if stored else _utc(upper)

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

    def _window(self, lower: int, upper: int, stored: datetime | None) -> Iterator[Page]:
        first = self._client.get("/v1/calls", self._params(lower, upper))
        total = int((first.get("meta") or {}).get("total") or 0)
        if total >= self._config.result_cap:
            if upper - lower <= 1:
                raise ConnectorError(f"aircall/calls: {total} calls start within one second")
            middle = (lower + upper) // 2
            # Halves share their boundary second: duplicates are merged away on load.
            yield from self._window(lower, middle, stored)
            yield from self._window(middle, upper, stored)
            return
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


def _utc(epoch_seconds: int) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, tz=UTC)


def build_aircall_streams(config: AircallConfig) -> dict[str, Stream]:
    """The four Aircall streams, keyed by stream name, sharing one HTTP client."""
    client = build_aircall_client(config)
    streams: list[Stream] = [CallsStream(client, config)]
    for table in ("users", "numbers", "teams"):
        streams.append(ListStream(f"aircall/{table}", client, config.per_page))
    return {stream.name: stream for stream in streams}
