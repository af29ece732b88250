"""HubSpot streams: deals and contacts by search; owners, pipelines and goals in full."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from connectors.config import HubSpotConfig
from connectors.http import HttpClient
from connectors.hubspot.client import build_hubspot_client
from connectors.hubspot.search import SearchStream
from connectors.pagination import HubSpotAfterPaginator, paginate
from connectors.streams import CountScope, Page, RecordShape, Stream

DEAL_PROPERTIES = (
    "dealname", "amount", "deal_currency_code", "amount_in_home_currency", "dealstage",
    "pipeline", "closedate", "createdate", "hs_lastmodifieddate", "hubspot_owner_id",
    "hs_is_closed_won", "hs_is_closed", "hs_object_id",
)  # fmt: skip
CONTACT_PROPERTIES = (
    "email", "firstname", "lastname", "phone", "mobilephone", "createdate", "lastmodifieddate",
    "lifecyclestage", "hs_analytics_source", "hs_analytics_source_data_1", "hubspot_owner_id",
    "hs_object_id",
)  # fmt: skip
GOAL_TARGET_PROPERTIES = (
    "hs_goal_name", "hs_target_amount", "hs_start_datetime", "hs_end_datetime",
    "hs_assignee_user_id", "hs_goal_type", "hs_createdate", "hs_lastmodifieddate",
    "hs_object_id", "hubspot_owner_id",
)  # fmt: skip
ASSOCIATIONS_PATH = "/crm/v4/associations/deals/contacts/batch/read"


class ListStream:
    """A HubSpot collection read in full through one or more paginated GETs."""

    def __init__(self, name: str, client: HttpClient, path: str, shape: RecordShape,
                 param_sets: tuple[dict[str, Any], ...]) -> None:  # fmt: skip
        self.name, self.shape = name, shape
        self.source, self.table = name.split("/")
        self._client, self._path, self._param_sets = client, path, param_sets

    def read(self, cursor: str | None) -> Iterator[Page]:
        """Yield every page of every parameter set; a full read keeps the cursor as it was."""
        for params in self._param_sets:
            for page in self._pages(params):
                yield Page(page.get("results") or [], cursor)

    def source_total(self) -> int | None:
        """Live records, counted by reading the (small) collection."""
        return sum(
            1
            for params in self._param_sets
            for page in self._pages(params)
            for record in page.get("results") or []
            if not self.shape.is_archived(record)
        )

    def count_scope(self, cursor: str | None) -> CountScope:
        """Every live record: the collection is small and read in full."""
        return CountScope(self.source_total(), "not is_archived", "every live record")

    def _pages(self, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        def fetch(after: str | None) -> dict[str, Any]:
            return self._client.get(self._path, {**params, **({"after": after} if after else {})})

        return paginate(fetch, HubSpotAfterPaginator())


class DealsStream(SearchStream):
    """Deals by search, with contact associations added, then the archived deals in full."""

    def __init__(self, client: HttpClient, config: HubSpotConfig) -> None:
        super().__init__(
            "hubspot/deals", client, "deals", "hs_lastmodifieddate", DEAL_PROPERTIES,
            RecordShape(("properties", "hs_lastmodifieddate"), "archived"),
            overlap=timedelta(minutes=config.overlap_minutes),
            page_size=config.search_page_size, cap=config.search_result_cap,
        )  # fmt: skip
        self._archived = ListStream(
            self.name, client, "/crm/v3/objects/deals", self.shape,
            ({"archived": "true", "associations": "contacts", "limit": config.list_page_size,
              "properties": ",".join(DEAL_PROPERTIES)},),
        )  # fmt: skip

    def read(self, cursor: str | None) -> Iterator[Page]:
        """Search pages first (they move the cursor), then the archived list (a tombstone feed)."""
        last = cursor
        for page in super().read(cursor):
            last = page.cursor
            yield page
        for page in self._archived.read(last):
            yield page

    def enrich(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Add ``associations.contacts.results`` as the list endpoint would; search has none."""
        if not records:
            return records
        inputs = [{"id": str(record["id"])} for record in records]
        response = self._client.post_read(ASSOCIATIONS_PATH, {"inputs": inputs})
        contacts: dict[str, list[str]] = {}
        for result in response.get("results") or []:
            targets = contacts.setdefault(str(result["from"]["id"]), [])
            targets.extend(str(target["toObjectId"]) for target in result.get("to") or [])
        for record in records:
            ids = sorted(set(contacts.get(str(record["id"]), [])), key=lambda x: (len(x), x))
            if ids:
                results = [{"id": contact_id, "type": "deal_to_contact"} for contact_id in ids]
                record["associations"] = {"contacts": {"results": results}}
        return records


def build_hubspot_streams(config: HubSpotConfig) -> dict[str, Stream]:
    """The five HubSpot streams, keyed by stream name, sharing one HTTP client."""
    client = build_hubspot_client(config)
    overlap = timedelta(minutes=config.overlap_minutes)
    limit = config.list_page_size
    contacts = SearchStream(
        "hubspot/contacts", client, "contacts", "lastmodifieddate", CONTACT_PROPERTIES,
        RecordShape(("properties", "lastmodifieddate"), "archived"),
        overlap=overlap, page_size=config.search_page_size, cap=config.search_result_cap,
    )  # fmt: skip
    owners = ListStream(
        "hubspot/owners", client, "/crm/v3/owners", RecordShape(("updatedAt",), "archived"),
        ({"limit": config.owners_page_size, "archived": "false"},
         {"limit": config.owners_page_size, "archived": "true"}),
    )  # fmt: skip
    pipelines = ListStream(
        "hubspot/deal_pipelines", client, "/crm/v3/pipelines/deals",
        RecordShape(("updatedAt",), "archived"), ({},),
    )  # fmt: skip
    goals = ListStream(
        "hubspot/goal_targets", client, "/crm/v3/objects/goal_targets",
        RecordShape(("properties", "hs_lastmodifieddate"), "archived"),
        ({"limit": limit, "properties": ",".join(GOAL_TARGET_PROPERTIES)},),
    )  # fmt: skip
    streams: list[Stream] = [DealsStream(client, config), contacts, owners, pipelines, goals]
    return {stream.name: stream for stream in streams}
