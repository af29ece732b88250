"""Pipedrive streams: deals and persons by ``updated_since`` windows; pipelines, stages, users in
full."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.http import HttpClient
from connectors.pagination import paginate_get
from connectors.pipedrive.client import build_pipedrive_client
from connectors.pipedrive.config import PipedriveConfig
from connectors.pipedrive.paging import PipedriveCursorPaginator
from connectors.streams import (
    LIVE_ROWS,
    CountScope,
    Page,
    RecordShape,
    Stream,
    format_timestamp,
    parse_timestamp,
)

# ``is_deleted`` is what the raw ``is_archived`` column means project-wide (not live); a
# Pipedrive *archived* deal is still a deal and keeps ``is_archived`` inside its record only.
V2_SHAPE = RecordShape(("update_time",), "is_deleted")
USER_SHAPE = RecordShape(("modified",), None)
NO_COUNT = "Pipedrive v2 lists report no total"


@dataclass(frozen=True, slots=True)
class Pass:
    """One filtered listing of an incremental stream (the live list, deleted, archived)."""

    path: str
    params: tuple[tuple[str, str], ...] = ()


def rfc3339(moment: datetime) -> str:
    """Pipedrive v2 filter times: RFC3339 UTC at one-second resolution (floored)."""
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


class IncrementalStream:
    """A v2 collection read by ``update_time`` windows, ascending, one pass per filter.

    Every pass reads ``[watermark - overlap, now)``: ``updated_since`` is inclusive, so records
    sharing the watermark's second are read again instead of lost at a page or run boundary
    (the loader merges the repeats). The side passes (deleted, archived) run first and keep the
    stored cursor; the last pass (the live list) moves it to the highest ``update_time`` it has
    landed, so a run cut short resumes with every pass still covering what it missed.
    """

    def __init__(self, name: str, client: HttpClient, config: PipedriveConfig,
                 passes: tuple[Pass, ...]) -> None:  # fmt: skip
        self.name, self.shape = name, V2_SHAPE
        self.source, self.table = name.split("/")
        self._client, self._passes = client, passes
        self._overlap = timedelta(minutes=config.overlap_minutes)
        self._limit = config.page_limit

    def read(self, cursor: str | None) -> Iterator[Page]:
        """Yield the side passes' pages, then the live pass's, then the final watermark."""
        stored = parse_timestamp(cursor)
        window = self._window(stored)
        side_high: datetime | None = None
        *side_passes, live_pass = self._passes
        for side in side_passes:
            for records in self._pages(side, window):
                side_high = _latest(side_high, self._high(records))
                yield Page(records, cursor)
        live_high = stored
        for records in self._pages(live_pass, window):
            live_high = _latest(live_high, self._high(records))
            yield Page(records, _text(live_high))
        yield Page([], _text(_latest(live_high, side_high)), checkpoint=True)

    def source_total(self) -> int | None:
        """None: the v2 lists have no count and listing every record is not cheap."""
        return None

    def count_scope(self, cursor: str | None) -> CountScope:
        """Nothing to compare against (the vendor reports no count)."""
        return CountScope(None, LIVE_ROWS, NO_COUNT)

    def _window(self, stored: datetime | None) -> dict[str, str]:
        now = datetime.fromtimestamp(self._client.clock(), tz=UTC)
        window = {"updated_until": rfc3339(now + timedelta(seconds=1))}
        if stored is not None:
            window["updated_since"] = rfc3339(stored - self._overlap)
        return window

    def _pages(self, listing: Pass, window: dict[str, str]) -> Iterator[list[dict[str, Any]]]:
        params = {
            **dict(listing.params),
            **window,
            "sort_by": "update_time",
            "sort_direction": "asc",
            "limit": self._limit,
        }
        paginator = PipedriveCursorPaginator()
        for page in paginate_get(self._client.get, listing.path, params, paginator):
            yield paginator.records(page)

    def _high(self, records: list[dict[str, Any]]) -> datetime | None:
        return max((m for r in records if (m := self.shape.modified_at(r))), default=None)


class FullStream:
    """A small collection read in full each run; ids missing from a complete read are gone."""

    def __init__(self, name: str, client: HttpClient, path: str, shape: RecordShape,
                 page_limit: int | None) -> None:  # fmt: skip
        self.name, self.shape = name, shape
        self.source, self.table = name.split("/")
        self._client, self._path, self._limit = client, path, page_limit

    def read(self, cursor: str | None) -> Iterator[Page]:
        """Yield every page, then the complete key set; the cursor stays as it was."""
        present: set[str] = set()
        for records in self._records():
            present.update(self.shape.key(record) for record in records)
            yield Page(records, cursor)
        yield Page([], cursor, present=frozenset(present))

    def source_total(self) -> int | None:
        """Records not flagged deleted, counted by reading the collection (it is small)."""
        return sum(
            1 for records in self._records() for r in records if not self.shape.is_archived(r)
        )

    def count_scope(self, cursor: str | None) -> CountScope:
        """Every live record: the collection is read in full."""
        return CountScope(self.source_total(), LIVE_ROWS, "every live record")

    def _records(self) -> Iterator[list[dict[str, Any]]]:
        if self._limit is None:  # v1 users: one response holds every user
            yield self._client.get(self._path).get("data") or []
            return
        paginator = PipedriveCursorPaginator()
        params = {"limit": self._limit}
        for page in paginate_get(self._client.get, self._path, params, paginator):
            yield paginator.records(page)


def _latest(first: datetime | None, second: datetime | None) -> datetime | None:
    return max((m for m in (first, second) if m is not None), default=None)


def _text(moment: datetime | None) -> str | None:
    return None if moment is None else format_timestamp(moment)


DEAL_PASSES = (
    Pass("/api/v2/deals", (("status", "deleted"),)),  # deleted in the last 30 days
    Pass("/api/v2/deals/archived"),
    Pass("/api/v2/deals"),  # every status but deleted; archived deals are listed apart
)


def build_pipedrive_streams(config: PipedriveConfig) -> dict[str, Stream]:
    """The five Pipedrive streams, keyed by stream name, sharing one HTTP client."""
    client = build_pipedrive_client(config)
    limit = config.page_limit
    streams: list[Stream] = [
        IncrementalStream("pipedrive/deals", client, config, DEAL_PASSES),
        IncrementalStream("pipedrive/persons", client, config, (Pass("/api/v2/persons"),)),
        FullStream("pipedrive/pipelines", client, "/api/v2/pipelines", V2_SHAPE, limit),
        FullStream("pipedrive/stages", client, "/api/v2/stages", V2_SHAPE, limit),
        FullStream("pipedrive/users", client, "/v1/users", USER_SHAPE, None),
    ]
    return {stream.name: stream for stream in streams}
