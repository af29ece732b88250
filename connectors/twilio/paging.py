"""Twilio list paging: follow ``meta.next_page_url`` on our own host only."""

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from connectors.http import HttpClient
from connectors.pagination import paginate


class NextPageUrlPaginator:
    """Twilio lists: ``meta.next_page_url``, an absolute URL, null on the last page.

    The token keeps only the link's path and query, put on the configured base URL's scheme and
    host, so the credentials never go to whatever host a link names. A link without the base
    URL's path prefix (a proxy mounted under a path) gets it added.
    """

    def __init__(self, records_key: str, base_url: str) -> None:
        self.records_key = records_key
        self._base = urlsplit(base_url.rstrip("/"))

    def next_token(self, page: dict[str, Any]) -> str | None:
        """The absolute URL of the next page on our base host, or None."""
        link = (page.get("meta") or {}).get("next_page_url")
        if not link:
            return None
        parts = urlsplit(link)
        path = parts.path
        if self._base.path and not path.startswith(self._base.path + "/"):
            path = self._base.path + path
        return urlunsplit((self._base.scheme, self._base.netloc, path, parts.query, ""))


def list_records(
    client: HttpClient, path: str, key: str, params: dict[str, Any]
) -> Iterator[list[dict[str, Any]]]:
    """Yield the records of each page of a Twilio list, first page from ``path`` + ``params``.

    Args:
        client: the Twilio client.
        path: the list path under the base URL (``/v1/Conversations``).
        key: the records key of the envelope (``conversations``), also ``meta.key``.
        params: query parameters of the first page; later pages carry theirs in the link.
    """
    paginator = NextPageUrlPaginator(key, client.base_url)

    def fetch(token: str | None) -> dict[str, Any]:
        return client.get(path, params) if token is None else client.get(token)

    for page in paginate(fetch, paginator):
        yield list(page.get(key) or [])
