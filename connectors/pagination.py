"""Pagination: the paginator protocol and the loops that drive any vendor's paginator.

A paginator (one small class in each vendor package) has three hooks: where the records are
(``records``), the reference to the next page (``next_token``), and how that reference goes
into the next request (``next_params``). ``paginate_get`` drives any of them over an
``HttpClient``-like ``get``.
"""

from collections.abc import Callable, Iterator
from typing import Any, Protocol

from connectors.errors import PaginationLoopError

MAX_EMPTY_PAGES = 5


class Paginator(Protocol):
    """Finds the token of the next page in a decoded page, None on the last one."""

    records_key: str

    def next_token(self, page: dict[str, Any]) -> str | None: ...


class RequestPaginator(Paginator, Protocol):
    """A paginator that also picks the records out of a page and writes the token into the
    next request, so one loop (``paginate_get``) serves every vendor."""

    def records(self, page: dict[str, Any]) -> list[dict[str, Any]]: ...

    def next_params(self, params: dict[str, Any], token: str) -> dict[str, Any]: ...


def paginate(
    fetch: Callable[[str | None], dict[str, Any]],
    paginator: Paginator,
    max_empty_pages: int = MAX_EMPTY_PAGES,
) -> Iterator[dict[str, Any]]:
    """Yield decoded pages until the paginator finds no next page.

    Args:
        fetch: requests one page; receives None for the first page, then the paginator's token.
        paginator: reads the next token from a page.
        max_empty_pages: consecutive empty pages that still announce more before giving up.

    Yields:
        Each decoded page, in order.

    Raises:
        PaginationLoopError: the vendor repeats a token or keeps sending empty pages with more.
    """
    token: str | None = None
    empty_in_a_row = 0
    while True:
        page = fetch(token)
        yield page
        next_token = paginator.next_token(page)
        if next_token is None:
            return
        if next_token == token:
            raise PaginationLoopError(f"the vendor returned the same next-page token {token!r}")
        empty_in_a_row = 0 if page.get(paginator.records_key) else empty_in_a_row + 1
        if empty_in_a_row >= max_empty_pages:
            raise PaginationLoopError(
                f"{empty_in_a_row} empty pages in a row still announced more data; stopping"
            )
        token = next_token


def paginate_get(
    get: Callable[[str, dict[str, Any]], dict[str, Any]],
    path: str,
    params: dict[str, Any],
    paginator: RequestPaginator,
    max_empty_pages: int = MAX_EMPTY_PAGES,
) -> Iterator[dict[str, Any]]:
    """Yield decoded pages of one GET collection, the paginator writing each next request.

    Args:
        get: ``HttpClient.get`` or anything with its signature.
        path: the collection path under the base URL.
        params: query parameters of the first request.
        paginator: where the records and the next token are, and how the token is sent.
        max_empty_pages: see ``paginate``.

    Yields:
        Each decoded page, in order; raises as ``paginate`` does.
    """

    def fetch(token: str | None) -> dict[str, Any]:
        return get(path, params if token is None else paginator.next_params(params, token))

    return paginate(fetch, paginator, max_empty_pages)
