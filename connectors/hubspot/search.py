"""Incremental reads through the HubSpot search API, windowed so no query passes the result cap."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from connectors.errors import ConnectorError
from connectors.http import HttpClient
from connectors.pagination import HubSpotAfterPaginator, paginate
from connectors.streams import CountScope, Page, RecordShape, format_timestamp, parse_timestamp


class CappedAfterPaginator(HubSpotAfterPaginator):
    """``paging.next.after``, but stops before the page that would pass the search result cap."""

    def __init__(self, cap: int, page_size: int) -> None:
        self.cap, self.page_size = cap, page_size
        self.capped = False

    def next_token(self, page: dict[str, Any]) -> str | None:
        """The next offset, or None at the end or when that page would pass the cap."""
        after = super().next_token(page)
        if after is not None and int(after) + self.page_size > self.cap:
            self.capped = True
            return None
        return after


def epoch_ms(moment: datetime) -> str:
    """HubSpot search wants datetime filter values as epoch milliseconds in a string."""
    return str(int(moment.timestamp() * 1000))


class SearchStream:
    """An object read by ``POST /crm/v3/objects/<object>/search`` on its modified time.

    Each run asks for ``modified >= cursor - overlap`` and ``modified < now``, ascending. When the
    next page would pass the result cap, the query restarts from the last modified time seen
    (keyset continuation); records sharing that time are read twice and deduplicated on load.
    """

    def __init__(self, name: str, client: HttpClient, object_type: str, modified_property: str,
                 properties: tuple[str, ...], shape: RecordShape, *, overlap: timedelta,
                 page_size: int, cap: int) -> None:  # fmt: skip
        self.name, self.shape = name, shape
        self.source, self.table = name.split("/")
        self._client, self._path = client, f"/crm/v3/objects/{object_type}/search"
        self._modified, self._properties = modified_property, properties
        self._overlap, self._page_size, self._cap = overlap, page_size, cap

    def read(self, cursor: str | None) -> Iterator[Page]:
        """Yield search pages from ``cursor - overlap`` to now; each page carries a safe cursor.

        The cursor is the highest modified time seen: results are sorted ascending, so every
        record below it has been read, and the overlap re-reads those that share it.
        """
        high = parse_timestamp(cursor)
        since = None if high is None else high - self._overlap
        until = datetime.fromtimestamp(self._client.clock(), tz=UTC)
        for records in self._windows(since, until):
            for record in records:
                modified = self.shape.modified_at(record)
                if modified is not None and (high is None or modified > high):
                    high = modified
            yield Page(self.enrich(records), None if high is None else format_timestamp(high))

    def enrich(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Hook for streams that add data the search API leaves out (deal associations)."""
        return records

    def source_total(self) -> int | None:
        """Live (non-archived) records, as counted by an unfiltered search."""
        page = self._client.post_read(self._path, {"limit": 1, "properties": ["hs_object_id"]})
        return int(page["total"])

    def count_scope(self, cursor: str | None) -> CountScope:
        """Live records created up to the cursor: later creations are not in raw yet."""
        until = parse_timestamp(cursor)
        if until is None:
            return CountScope(None, "false", "nothing synced yet")
        created = [{"propertyName": "createdate", "operator": "LTE", "value": epoch_ms(until)}]
        body = {"filterGroups": [{"filters": created}], "limit": 1, "properties": ["hs_object_id"]}
        total = int(self._client.post_read(self._path, body)["total"])
        raw_filter = (
            "not is_archived and cast(json_extract_string(record, '$.properties.createdate') "
            f"as timestamptz) <= '{format_timestamp(until)}'::timestamptz"
        )
        return CountScope(
            total, raw_filter, f"live records created up to {format_timestamp(until)}"
        )

    def _windows(self, since: datetime | None, until: datetime) -> Iterator[list[dict[str, Any]]]:
        lower = since
        while True:
            paginator = CappedAfterPaginator(self._cap, self._page_size)
            last_seen: datetime | None = None
            filters = self._range(lower, until)
            for page in paginate(partial(self._query, filters, self._modified), paginator):
                records = page.get("results") or []
                if records:
                    last_seen = self.shape.modified_at(records[-1])
                yield records
            if not paginator.capped:
                return
            if last_seen is None:
                raise ConnectorError(f"{self.name}: capped search pages carried no records")
            if last_seen == lower:
                # More records than the cap share this instant (bulk imports do that): read
                # them by id, then go on just after it.
                yield from self._one_instant(last_seen)
                lower = last_seen + timedelta(milliseconds=1)
            else:
                lower = last_seen

    def _one_instant(self, instant: datetime) -> Iterator[list[dict[str, Any]]]:
        """Every record modified at ``instant``, keyset-paged on ``hs_object_id``."""
        last_id: str | None = None
        while True:
            filters = self._range(instant, instant + timedelta(milliseconds=1))
            if last_id is not None:
                filters.append({"propertyName": "hs_object_id", "operator": "GT", "value": last_id})
            paginator = CappedAfterPaginator(self._cap, self._page_size)
            previous = last_id
            for page in paginate(partial(self._query, filters, "hs_object_id"), paginator):
                records = page.get("results") or []
                if records:
                    last_id = str(records[-1]["id"])
                yield records
            if not paginator.capped:
                return
            if last_id == previous:
                raise ConnectorError(f"{self.name}: id keyset made no progress at {instant}")

    def _range(self, since: datetime | None, until: datetime) -> list[dict[str, Any]]:
        filters = [{"propertyName": self._modified, "operator": "LT", "value": epoch_ms(until)}]
        if since is not None:
            filters.insert(
                0, {"propertyName": self._modified, "operator": "GTE", "value": epoch_ms(since)}
            )
        return filters

    def _query(self, filters: list[dict[str, Any]], sort: str, after: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "filterGroups": [{"filters": filters}],
            "sorts": [{"propertyName": sort, "direction": "ASCENDING"}],
            "properties": list(self._properties),
            "limit": self._page_size,
        }
        if after is not None:
            body["after"] = after
        return self._client.post_read(self._path, body)
