"""Paginators over recorded vendor pages, and the loop guard."""

from typing import Any

import pytest
from connector_testkit import load_page

from connectors.aircall.paging import AircallNextLinkPaginator
from connectors.errors import PaginationLoopError
from connectors.hubspot.paging import HubSpotAfterPaginator
from connectors.pagination import paginate


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        pytest.param(load_page("hubspot", "owners.page_1"), "41629779", id="next-after"),
        pytest.param(load_page("hubspot", "owners.page_2"), None, id="last-page-no-paging"),
        pytest.param(
            {"results": [], "paging": {"prev": {"before": "1"}}}, None, id="paging-no-next"
        ),
    ],
)
def test_hubspot_paginator_reads_paging_next_after(
    page: dict[str, Any], expected: str | None
) -> None:
    # given / when / then
    assert HubSpotAfterPaginator().next_token(page) == expected


def test_aircall_paginator_keeps_only_path_and_query_of_the_next_link() -> None:
    # given
    paginator = AircallNextLinkPaginator("calls")
    # when
    first = paginator.next_token(load_page("aircall", "calls.page_1"))
    last = paginator.next_token(load_page("aircall", "calls.page_2"))
    # then
    assert first == "/v1/calls?from=1719792000&to=1719878400&order=asc&page=2&per_page=2"
    assert last is None


def test_paginate_follows_tokens_until_the_last_page() -> None:
    # given
    pages = {
        None: load_page("hubspot", "owners.page_1"),
        "41629779": load_page("hubspot", "owners.page_2"),
    }
    asked: list[str | None] = []

    def fetch(token: str | None) -> dict[str, Any]:
        asked.append(token)
        return pages[token]

    # when
    ids = [r["id"] for page in paginate(fetch, HubSpotAfterPaginator()) for r in page["results"]]
    # then
    assert ids == ["41629779", "41629780"] and asked == [None, "41629779"]


def test_paginate_stops_on_repeated_empty_pages_that_promise_more() -> None:
    # given
    empty = load_page("aircall", "empty_with_more.page_1")
    counter = iter(range(100))

    def fetch(token: str | None) -> dict[str, Any]:
        page = dict(
            empty,
            meta=dict(empty["meta"], next_page_link=f"https://x/v1/users?page={next(counter)}"),
        )
        return page

    # when / then
    with pytest.raises(PaginationLoopError, match="3 empty pages"):
        list(paginate(fetch, AircallNextLinkPaginator("users"), max_empty_pages=3))


def test_paginate_stops_when_the_vendor_repeats_a_token() -> None:
    # given
    page = load_page("hubspot", "owners.page_1")
    # when / then
    with pytest.raises(PaginationLoopError, match="same next-page token"):
        list(paginate(lambda token: page, HubSpotAfterPaginator()))
