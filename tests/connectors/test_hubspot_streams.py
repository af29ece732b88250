"""HubSpot streams over recorded pages: search bodies, id keyset, associations, archives."""

import copy
import json
from typing import Any

from connector_testkit import FakeClient, load_page

from connectors.hubspot.config import HubSpotConfig
from connectors.hubspot.search import SearchCursor, SearchStream
from connectors.hubspot.streams import (
    DEAL_PROPERTIES,
    DealsStream,
    ListStream,
    build_hubspot_streams,
)
from connectors.streams import RecordShape

NOW = 1_750_000_000.0  # 2025-06-15T15:06:40Z


def recorded_hubspot(method: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
    if path == "/crm/v3/objects/deals/search":
        after_id = [f for f in params["filterGroups"][0]["filters"] if f["operator"] == "GT"]
        return load_page("hubspot", "deals_search.page_2" if after_id else "deals_search.page_1")
    if path.endswith("/batch/read"):
        return load_page("hubspot", "deals_associations")
    if path == "/crm/v3/objects/deals":
        return load_page("hubspot", "deals_archived.page_1")
    raise AssertionError(f"unexpected {method} {path}")


def deals_stream(client: FakeClient, **options: Any) -> DealsStream:
    return DealsStream(client, HubSpotConfig("token", **options))  # type: ignore[arg-type]


def test_deals_first_run_searches_by_id_keyset_inside_a_fixed_window() -> None:
    # given
    client = FakeClient(recorded_hubspot, now=NOW)
    # when
    pages = list(deals_stream(client).read(None))
    # then: one window ending now, sorted by id, the second page bounded by the last id
    (_, path, first), (_, _, second), (_, associations, _) = client.calls[:3]
    assert associations.endswith("/associations/deals/contacts/batch/read")
    assert path == "/crm/v3/objects/deals/search"
    before_now = {"propertyName": "hs_lastmodifieddate", "operator": "LT", "value": "1750000000000"}
    assert first["filterGroups"] == [{"filters": [before_now]}]
    assert first["sorts"] == [{"propertyName": "hs_object_id", "direction": "ASCENDING"}]
    assert first["properties"] == list(DEAL_PROPERTIES) and first["limit"] == 200
    assert second["filterGroups"][0]["filters"][-1] == {
        "propertyName": "hs_object_id", "operator": "GT", "value": "18023455990"
    }  # fmt: skip
    assert "after" not in first and "after" not in second
    assert [len(page.records) for page in pages] == [2, 1, 0, 1]
    cursors = [SearchCursor.parse(page.cursor) for page in pages]
    assert [c.after_id for c in cursors] == ["18023455990", "18023456001", None, None]
    assert {c.until for c in cursors} == {SearchCursor.parse("2025-06-15T15:06:40Z").until}
    assert pages[2].checkpoint


def test_deals_incremental_run_rereads_the_overlap_from_a_legacy_cursor() -> None:
    # given: a cursor stored before keyset paging (a bare ISO time)
    client = FakeClient(recorded_hubspot, now=NOW)
    # when
    list(deals_stream(client, overlap_minutes=10).read("2024-06-29T09:00:00.000+00:00"))
    # then
    filters = client.calls[0][2]["filterGroups"][0]["filters"]
    assert filters[0] == {
        "propertyName": "hs_lastmodifieddate",
        "operator": "GTE",
        "value": "1719651000000",
    }


def test_search_resumes_an_interrupted_window_after_its_last_id() -> None:
    # given: a cursor committed in the middle of a window
    client = FakeClient(recorded_hubspot, now=NOW)
    stored = json.dumps({"until": "2025-06-01T00:00:00Z", "since": "2025-05-31T00:00:00Z",
                         "after_id": "18023455990"})  # fmt: skip
    # when
    list(deals_stream(client, overlap_minutes=10).read(stored))
    # then: the old window goes on after the id, then a window from its end - overlap to now
    searches = [body for method, path, body in client.calls if path.endswith("/search")]
    assert searches[0]["filterGroups"][0]["filters"] == [
        {"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": "1748649600000"},
        {"propertyName": "hs_lastmodifieddate", "operator": "LT", "value": "1748736000000"},
        {"propertyName": "hs_object_id", "operator": "GT", "value": "18023455990"},
    ]
    assert searches[1]["filterGroups"][0]["filters"][0]["value"] == "1748735400000"


def test_deals_get_contact_associations_in_list_shape() -> None:
    # given
    client = FakeClient(recorded_hubspot, now=NOW)
    # when
    records = [record for page in deals_stream(client).read(None) for record in page.records]
    # then
    by_id = {record["id"]: record for record in records}
    assert by_id["18023455871"]["associations"] == {
        "contacts": {
            "results": [
                {"id": "551201", "type": "deal_to_contact"},
                {"id": "551299", "type": "deal_to_contact"},
            ]
        }
    }
    assert "associations" not in by_id["18023455990"]
    # both search pages in one batch: the batch takes 1,000 deals, a page holds 200
    ids = ["18023455871", "18023455990", "18023456001"]
    assert client.calls[2][2] == {"inputs": [{"id": deal_id} for deal_id in ids]}


def test_deals_include_archived_deals_from_the_list_endpoint() -> None:
    # given
    client = FakeClient(recorded_hubspot, now=NOW)
    # when
    pages = list(deals_stream(client).read(None))
    # then
    archived = pages[-1].records[0]
    assert (
        archived["archived"] is True
        and archived["associations"]["contacts"]["results"][0]["id"] == "551777"
    )
    method, path, params = client.calls[-1]
    assert (method, path, params["archived"], params["associations"]) == (
        "GET",
        "/crm/v3/objects/deals",
        "true",
        "contacts",
    )


def test_search_edit_between_pages_loses_no_record() -> None:
    # given: 5 records in pages of 2; record 1 is edited (leaves the window) after page 1
    records = [
        {"id": str(n), "properties": {"lastmodifieddate": f"2024-06-0{n}T00:00:00.000Z"}}
        for n in range(1, 6)
    ]
    bodies: list[dict[str, Any]] = []

    def search(method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        bodies.append(copy.deepcopy(body))
        if len(bodies) == 2:
            records[0]["properties"]["lastmodifieddate"] = "2025-07-01T00:00:00.000Z"
        filters = body["filterGroups"][0]["filters"]
        lt = next(int(f["value"]) for f in filters if f["operator"] == "LT")
        gt = next((int(f["value"]) for f in filters if f["operator"] == "GT"), 0)
        matching = [r for r in records if _ms(r) < lt and int(r["id"]) > gt]
        offset = int(body.get("after", 0))
        page = {"total": len(matching), "results": matching[offset : offset + 2]}
        if offset + 2 < len(matching):
            page["paging"] = {"next": {"after": str(offset + 2)}}
        return page

    stream = SearchStream(
        "hubspot/contacts",
        FakeClient(search, now=NOW),  # type: ignore[arg-type]
        "contacts",
        "lastmodifieddate",
        ("email",),
        RecordShape(("properties", "lastmodifieddate")),
        overlap=_minutes(10),
        page_size=2,
    )
    # when
    pages = list(stream.read(None))
    # then: every record read once, no offset ever sent
    ids = [record["id"] for page in pages for record in page.records]
    assert ids == ["1", "2", "3", "4", "5"]
    assert all("after" not in body for body in bodies)


def test_full_streams_read_every_page_and_archived_owners() -> None:
    # given
    def owners(method: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
        if params["archived"] == "true":
            return load_page("hubspot", "owners_archived.page_1")
        return load_page("hubspot", "owners.page_2" if params.get("after") else "owners.page_1")

    stream = build_hubspot_streams(HubSpotConfig("t"))["hubspot/owners"]
    assert isinstance(stream, ListStream)
    stream._client = FakeClient(owners)  # type: ignore[assignment]
    # when
    records = [record for page in stream.read(None) for record in page.records]
    # then
    assert [(r["id"], r["archived"]) for r in records] == [
        ("41629779", False),
        ("41629780", False),
        ("41620001", True),
    ]
    assert stream.source_total() == 2


def _ms(record: dict[str, Any]) -> int:
    from connectors.streams import parse_timestamp

    moment = parse_timestamp(record["properties"]["lastmodifieddate"])
    assert moment is not None
    return int(moment.timestamp() * 1000)


def _minutes(count: int) -> Any:
    from datetime import timedelta

    return timedelta(minutes=count)
