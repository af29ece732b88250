"""Incremental reads through the HubSpot search API: keyset pages inside fixed time windows.

Each run reads one window of modified times, ``[since, until)``, fixed when the run starts:
``since`` is the previous window's end minus the overlap (search index lag), ``until`` is now.
Inside the window pages are sorted by ``hs_object_id`` with an ``hs_object_id > last id`` bound
and no ``after`` offset, so a record edited during the sync (it leaves the window, its new
modified time is past ``until``) shifts nothing: every other record is still read, the edited
one is read by the next window. No query ever pages, so the 10,000-result cap never applies.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.errors import PaginationLoopError
from connectors.http import HttpClient
from connectors.streams import (
    LIVE_ROWS,
    MERGED_AWAY,
    CountScope,
    Page,
    RecordShape,
    format_timestamp,
    parse_timestamp,
)
from connectors.warehouse import raw_table


def epoch_ms(moment: datetime) -> str:
    """HubSpot search wants datetime filter values as epoch milliseconds in a string."""
    return str(int(moment.timestamp() * 1000))


@dataclass(frozen=True, slots=True)
class SearchCursor:
    """The stored state of a search stream, as JSON text.

    Attributes:
        until: end of the last window (exclusive); None before a first run.
        since: start of that window, None when it began at the first record.
        after_id: last id committed inside an unfinished window; None once the window is done.
        keys_at: when the last full-key reconciliation ran; None if never.
    """

    until: datetime | None = None
    since: datetime | None = None
    after_id: str | None = None
    keys_at: datetime | None = None

    @classmethod
    def parse(cls, text: str | None) -> "SearchCursor":
        """Read a stored cursor; a bare ISO time (cursors before keyset paging) is a window end."""
        if not text:
            return cls()
        if not text.lstrip().startswith("{"):
            return cls(until=parse_timestamp(text))
        data = json.loads(text)
        return cls(
            parse_timestamp(data.get("until")), parse_timestamp(data.get("since")),
            data.get("after_id"), parse_timestamp(data.get("keys_at")),
        )  # fmt: skip

    def dump(self) -> str:
        """The JSON text stored in ``raw_meta.stream_state``."""

        def text(moment: datetime | None) -> str | None:
            return None if moment is None else format_timestamp(moment)

        data = {"until": text(self.until), "since": text(self.since), "after_id": self.after_id,
                "keys_at": text(self.keys_at)}  # fmt: skip
        return json.dumps({key: value for key, value in data.items() if value is not None})


class SearchStream:
    """An object read by ``POST /crm/v3/objects/<object>/search`` on its modified time."""

    # Records one ``enrich`` call takes; None: one search page per call.
    enrich_batch: int | None = None

    def __init__(self, name: str, client: HttpClient, object_type: str, modified_property: str,
                 properties: tuple[str, ...], shape: RecordShape, *, overlap: timedelta,
                 page_size: int, merged_property: str | None = None) -> None:  # fmt: skip
        self.name, self.shape = name, shape
        self.source, self.table = name.split("/")
        self._client, self._object = client, object_type
        self._path = f"/crm/v3/objects/{object_type}/search"
        self._modified, self._properties = modified_property, properties
        self._overlap, self._page_size = overlap, page_size
        self._merged = merged_property

    def read(self, cursor: str | None) -> Iterator[Page]:
        """Finish an interrupted window if any, then read ``[previous end - overlap, now)``."""
        state = SearchCursor.parse(cursor)
        if state.after_id is not None and state.until is not None:
            yield from self._window(state)
            state = replace(state, after_id=None)
        since = None if state.until is None else state.until - self._overlap
        until = datetime.fromtimestamp(self._client.clock(), tz=UTC)
        yield from self._window(replace(state, since=since, until=until, after_id=None))

    def enrich(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Hook for streams that add data the search API leaves out (deal associations): the
        records completed, in the same order."""
        return records

    def source_total(self) -> int | None:
        """Live (non-archived) records, as counted by an unfiltered search."""
        page = self._client.post_read(self._path, {"limit": 1, "properties": ["hs_object_id"]})
        return int(page["total"])

    def live_filter(self) -> str:
        """Raw rows HubSpot still serves in search: live, not found gone, not merged away."""
        merged = MERGED_AWAY.format(table=raw_table(self.name)) if self._merged else "false"
        return f"{LIVE_ROWS} and not ({merged})"

    def count_scope(self, cursor: str | None) -> CountScope:
        """Live records created before the settled part of the last window (``until - overlap``):
        later ones may still be missing from the index, or not be synced yet."""
        state = SearchCursor.parse(cursor)
        if state.until is None:
            return CountScope(None, "false", "nothing synced yet")
        settled = state.until - self._overlap
        total = self._count([self._filter("createdate", "LT", settled)])
        raw_filter = (
            f"{self.live_filter()} and cast(json_extract_string(record, '$.properties.createdate')"
            f" as timestamptz) < '{format_timestamp(settled)}'::timestamptz"
        )
        described = f"live records created before {format_timestamp(settled)}"
        return CountScope(total, raw_filter, described)

    def update_scope(self, cursor: str | None) -> CountScope | None:
        """Records modified in ``[since, until - overlap)`` of the last window, at HubSpot and in
        raw. The next run starts at ``until - overlap``: an update in this range that raw does
        not hold (its stored modified time is older) is lost for good, so HubSpot counting more
        than raw means a lost update. Raw counting more is normal (edited again since)."""
        state = SearchCursor.parse(cursor)
        if state.until is None or state.after_id is not None:
            return None
        settled = state.until - self._overlap
        filters = [self._filter(self._modified, "LT", settled)]
        raw_filter = f"{self.live_filter()} and modified_at < '{format_timestamp(settled)}'"
        if state.since is not None:
            filters.append(self._filter(self._modified, "GTE", state.since))
            raw_filter += f" and modified_at >= '{format_timestamp(state.since)}'"
        start = "the first record" if state.since is None else format_timestamp(state.since)
        described = f"records modified from {start} to before {format_timestamp(settled)}"
        return CountScope(self._count(filters), raw_filter, described)

    def _window(self, state: SearchCursor) -> Iterator[Page]:
        yield from self._enriched(self._search_pages(state))
        yield Page([], replace(state, after_id=None).dump(), checkpoint=True)

    def _enriched(self, pages: Iterator[Page]) -> Iterator[Page]:
        """``pages`` with ``enrich`` applied to as many of them at once as one call takes.

        A page leaves only once its records are complete, so the loader never commits a cursor
        ahead of records still waiting for their enrichment: a failure while pages wait loses
        them all and the next run resumes after the last page that left, with no gap.
        """
        batch = self.enrich_batch or self._page_size
        waiting: list[Page] = []
        for page in pages:
            waiting.append(page)
            # The next page could hold a full page of records: flush before it overflows.
            if sum(len(held.records) for held in waiting) + self._page_size > batch:
                yield from self._enrich_pages(waiting)
                waiting = []
        yield from self._enrich_pages(waiting)

    def _enrich_pages(self, pages: list[Page]) -> Iterator[Page]:
        records = self.enrich([record for page in pages for record in page.records])
        start = 0
        for page in pages:
            end = start + len(page.records)
            yield replace(page, records=records[start:end])
            start = end

    def _search_pages(self, state: SearchCursor) -> Iterator[Page]:
        assert state.until is not None
        last_id = state.after_id
        while True:
            page = self._query(state.since, state.until, last_id)
            records = page.get("results") or []
            if records:
                next_id = str(records[-1]["id"])
                if last_id is not None and int(next_id) <= int(last_id):
                    raise PaginationLoopError(f"{self.name}: id keyset went back to {next_id}")
                last_id = next_id
            more = bool(records) and bool((page.get("paging") or {}).get("next"))
            cursor = replace(state, after_id=last_id).dump()
            yield Page(records, cursor, gone=self._merged_ids(records))
            if not more:
                break

    def _merged_ids(self, records: list[dict[str, Any]]) -> tuple[str, ...]:
        if self._merged is None:
            return ()
        return tuple(
            merged.strip()
            for record in records
            for merged in ((record.get("properties") or {}).get(self._merged) or "").split(";")
            if merged.strip()
        )

    def _query(
        self, since: datetime | None, until: datetime, after_id: str | None
    ) -> dict[str, Any]:
        filters = [self._filter(self._modified, "LT", until)]
        if since is not None:
            filters.insert(0, self._filter(self._modified, "GTE", since))
        if after_id is not None:
            filters.append({"propertyName": "hs_object_id", "operator": "GT", "value": after_id})
        body: dict[str, Any] = {
            "filterGroups": [{"filters": filters}],
            "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
            "properties": list(self._properties),
            "limit": self._page_size,
        }
        return self._client.post_read(self._path, body)

    def _count(self, filters: list[dict[str, Any]]) -> int:
        body = {"filterGroups": [{"filters": filters}], "limit": 1, "properties": ["hs_object_id"]}
        return int(self._client.post_read(self._path, body)["total"])

    @staticmethod
    def _filter(name: str, operator: str, moment: datetime) -> dict[str, Any]:
        return {"propertyName": name, "operator": operator, "value": epoch_ms(moment)}
