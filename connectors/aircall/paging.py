"""Aircall's pagination: ``meta.next_page_link``, followed on our own host."""

from typing import Any
from urllib.parse import urlsplit


class AircallNextLinkPaginator:
    """Aircall lists: ``meta.next_page_link``, a full URL, null on the last page.

    The token is the link's path and query only: requests then go to our configured base URL, so
    credentials are never sent to whatever host a link names.
    """

    def __init__(self, records_key: str) -> None:
        self.records_key = records_key

    def next_token(self, page: dict[str, Any]) -> str | None:
        """Path and query of the next page, or None."""
        link = (page.get("meta") or {}).get("next_page_link")
        if not link:
            return None
        parts = urlsplit(link)
        return f"{parts.path}?{parts.query}" if parts.query else parts.path
