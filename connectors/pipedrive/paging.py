"""Pipedrive's pagination: the v2 ``next_cursor`` envelope."""

from typing import Any


class PipedriveCursorPaginator:
    """Pipedrive v2 lists: ``additional_data.next_cursor``, null or absent on the last page;
    the token goes back as ``cursor`` with every other parameter unchanged."""

    records_key = "data"

    def next_token(self, page: dict[str, Any]) -> str | None:
        """The opaque cursor of the next page, or None."""
        cursor = (page.get("additional_data") or {}).get("next_cursor")
        return None if cursor in (None, "") else str(cursor)

    def records(self, page: dict[str, Any]) -> list[dict[str, Any]]:
        """The ``data`` array of a page (v2 sends ``null`` rather than ``[]`` on some lists)."""
        return page.get(self.records_key) or []

    def next_params(self, params: dict[str, Any], token: str) -> dict[str, Any]:
        """The first request's parameters plus ``cursor``."""
        return {**params, "cursor": token}
