"""HubSpot's pagination: the ``after`` cursor of lists and search."""

from typing import Any


class HubSpotAfterPaginator:
    """HubSpot lists and search: ``paging.next.after``; the last page has no ``paging.next``."""

    records_key = "results"

    def next_token(self, page: dict[str, Any]) -> str | None:
        """The ``after`` value of the next page, or None."""
        after = ((page.get("paging") or {}).get("next") or {}).get("after")
        return None if after in (None, "") else str(after)

    def records(self, page: dict[str, Any]) -> list[dict[str, Any]]:
        """The ``results`` of a page."""
        return page.get(self.records_key) or []

    def next_params(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        """The first request's parameters plus ``after``."""
        return {**params, "after": token}
