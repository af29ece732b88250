"""Incremental reads through the HubSpot search API, windowed so no query passes the result cap."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from connectors.errors import ConnectorError
from connectors.http import HttpClient
from connectors.pagination import HubSpotAfterPaginator, paginate
from connectors.streams import Page, RecordShape, format_timestamp, parse_timestamp


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

    def _windows(self, since: datetime | None, until: datetime) -> Iterator[list[dict[str, Any]]]:
        lower = since
        while True:
            paginator = CappedAfterPaginator(self._cap, self._page_size)
            last_seen: datetime | None = None
            pages = paginate(partial(self._search, lower, until), paginator)
            for page in pages:
                records = page.get("results") or []
                if records:
                    last_seen = self.shape.modified_at(records[-1])
                yield records
            if not paginator.capped:
                return
            if last_seen is None or last_seen == lower:
                raise ConnectorError(
                    f"{self.name}: more than {self._cap} records share the modified time "
                    f"{lower}; the search API cannot page past them"
                )
            lower = last_seen

    def _search(self, since: datetime | None, until: datetime, after: str | None) -> dict[str, Any]:
        filters = [{"propertyName": self._modified, "operator": "LT", "value": epoch_ms(until)}]
        if since is not None:
            filters.insert(
                0, {"propertyName": self._modified, "operator": "GTE", "value": epoch_ms(since)}
            )
        body: dict[str, Any] = {
            "filterGroups": [{"filters": filters}],
            "sorts": [{"propertyName": self._modified, "direction": "ASCENDING"}],
            "properties": list(self._properties),
            "limit": self._page_size,
        }
        if after is not None:
            body["after"] = after
        return self._client.post_read(self._path, body)
