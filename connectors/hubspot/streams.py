"""HubSpot streams: deals and contacts by search; owners, pipelines and goals in full."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.http import HttpClient
from connectors.hubspot.client import build_hubspot_client
from connectors.hubspot.config import HubSpotConfig
from connectors.hubspot.paging import HubSpotAfterPaginator
from connectors.hubspot.search import SearchCursor, SearchStream
from connectors.pagination import paginate
from connectors.streams import CountScope, Page, RawIndex, RecordShape, Stream

DEAL_PROPERTIES = (
    "dealname", "amount", "deal_currency_code", "amount_in_home_currency", "dealstage",
    "pipeline", "closedate", "createdate", "hs_lastmodifieddate", "hubspot_owner_id",
    "hs_is_closed_won", "hs_is_closed", "hs_object_id",
)  # fmt: skip
CONTACT_PROPERTIES = (
    "email", "firstname", "lastname", "phone", "mobilephone", "createdate", "lastmodifieddate",
    "lifecyclestage", "hs_analytics_source", "hs_analytics_source_data_1", "hubspot_owner_id",
    "hs_object_id", "hs_merged_object_ids",
)  # fmt: skip
GOAL_TARGET_PROPERTIES = (
    "hs_goal_name", "hs_target_amount", "hs_start_datetime", "hs_end_datetime",
    "hs_assignee_user_id", "hs_goal_type", "hs_createdate", "hs_lastmodifieddate",
    "hs_object_id", "hubspot_owner_id",
)  # fmt: skip
ASSOCIATIONS_PATH = "/crm/v4/associations/deals/contacts/batch/read"
BATCH_READ_MAX = 100


class ListStream:
    """A HubSpot collection read in full through one or more paginated GETs."""

    def __init__(self, name: str, client: HttpClient, path: str, shape: RecordShape,
                 param_sets: tuple[dict[str, Any], ...]) -> None:  # fmt: skip
        self.name, self.shape = name, shape
        self.source, self.table = name.split("/")
        self._client, self._path, self._param_sets = client, path, param_sets

    def read(self, cursor: str | None) -> Iterator[Page]:
        """Yield every page of every parameter set, then the complete key set (ids absent from
        it are gone); a full read keeps the cursor as it was."""
        present: set[str] = set()
        for params in self._param_sets:
            for page in self._pages(params):
                records = page.get("results") or []
                present.update(self.shape.key(record) for record in records)
                yield Page(records, cursor)
        yield Page([], cursor, present=frozenset(present))

    def ids(self) -> Iterator[str]:
        """Every id of every parameter set (the full-key listing of search streams)."""
        for params in self._param_sets:
            for page in self._pages(params):
                yield from (self.shape.key(record) for record in page.get("results") or [])

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
        live = "not is_archived and _deleted_at is null"
        return CountScope(self.source_total(), live, "every live record")

    def _pages(self, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        def fetch(after: str | None) -> dict[str, Any]:
            return self._client.get(self._path, {**params, **({"after": after} if after else {})})

        return paginate(fetch, HubSpotAfterPaginator())


class TombstonedSearchStream(SearchStream):
    """A search stream plus HubSpot's delete signals: the archived list (a tombstone feed read
    in full each run), restores, and a periodic full-key reconciliation.

    Restores: an id stored as archived that the archived list no longer names was restored or
    purged. HubSpot is not documented to move the modified time on a restore (source_apis.md
    §1.5 [U]), so such ids are re-read by ``batch/read``: found → re-landed live, not found →
    gone. Ids that vanish with no tombstone at all (hard/GDPR deletes) are found by listing
    every live id: on a first run, every ``full_key_reconciliation_days``, and on any run where
    raw holds more live records than HubSpot counts.
    """

    def __init__(self, name: str, client: HttpClient, object_type: str, modified: str,
                 properties: tuple[str, ...], config: HubSpotConfig, *,
                 merged_property: str | None = None,
                 associations: str | None = None) -> None:  # fmt: skip
        super().__init__(
            name, client, object_type, modified, properties,
            RecordShape(("properties", modified), "archived"),
            overlap=timedelta(minutes=config.overlap_minutes),
            page_size=config.search_page_size, merged_property=merged_property,
        )  # fmt: skip
        listing = {"limit": config.list_page_size, "properties": ",".join(properties)}
        if associations:
            listing["associations"] = associations
        path = f"/crm/v3/objects/{object_type}"
        self._archived = ListStream(name, client, path, self.shape,
                                    ({**listing, "archived": "true"},))  # fmt: skip
        keys = {"limit": config.list_page_size, "properties": "hs_object_id", "archived": "false"}
        self._live_keys = ListStream(name, client, path, self.shape, (keys,))
        self._key_days = config.full_key_reconciliation_days
        self._archived_seen: set[str] | None = None
        self._searched: set[str] | None = None  # every id of a window read from the start

    def read(self, cursor: str | None) -> Iterator[Page]:
        """Search pages first (they move the cursor), then the archived list in full."""
        last = cursor
        self._archived_seen = self._searched = None
        whole_history = SearchCursor.parse(cursor).until is None
        searched: set[str] = set()
        for page in super().read(cursor):
            last = page.cursor
            if whole_history:
                searched.update(self.shape.key(record) for record in page.records)
            yield page
        self._searched = searched if whole_history else None
        seen: set[str] = set()
        for page in self._archived.read(last):
            seen.update(self.shape.key(record) for record in page.records)
            if page.present is None:  # the archived list's key set is not the stream's
                yield Page(self.enrich_listed(page.records), page.cursor)
        self._archived_seen = seen

    def enrich_listed(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Hook for records from list endpoints (they already carry what was asked)."""
        return records

    def repair(self, cursor: str | None, raw: RawIndex) -> Iterator[Page]:
        """Re-read restored ids, then list every live id when a full-key reconciliation is due."""
        if self._archived_seen is None:
            return  # read() did not finish: nothing is known about tombstones
        restored = sorted(raw.ids("is_archived and _deleted_at is null") - self._archived_seen)
        if restored:
            found = self._batch_read(restored)
            found_ids = {self.shape.key(record) for record in found}
            yield Page(self.enrich(found), gone=tuple(i for i in restored if i not in found_ids))
        state = SearchCursor.parse(cursor)
        now = datetime.fromtimestamp(self._client.clock(), tz=UTC)
        if not self._key_reconciliation_due(state, now, raw):
            return
        present = self._searched_keys(raw)
        if present is None:
            present = frozenset(self._live_keys.ids()) | frozenset(self._archived_seen)
        yield Page([], SearchCursor(state.until, state.since, state.after_id, now).dump(),
                   checkpoint=True, present=present)  # fmt: skip

    def _searched_keys(self, raw: RawIndex) -> frozenset[str] | None:
        """The ids of a first run's search and archived list, when they make the key listing
        redundant: the search read every live id modified before the window's end, and raw
        holds nothing else (each id read landed as one row). None when raw has rows of its own
        (a resync): one of them may have been edited out of the window, not deleted."""
        if self._searched is None or self._archived_seen is None:
            return None
        keys = frozenset(self._searched) | frozenset(self._archived_seen)
        return keys if raw.count("true") <= len(keys) else None

    def vendor_keys(self) -> set[str]:
        """Every id HubSpot still serves live (for reconciliation messages)."""
        return set(self._live_keys.ids())

    def _key_reconciliation_due(self, state: SearchCursor, now: datetime, raw: RawIndex) -> bool:
        if state.keys_at is None or now - state.keys_at >= timedelta(days=self._key_days):
            return True
        scope = self.count_scope(state.dump())
        return scope.source_count is not None and raw.count(scope.raw_filter) > scope.source_count

    def _batch_read(self, ids: list[str]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        path = f"/crm/v3/objects/{self._object}/batch/read?archived=false"
        for start in range(0, len(ids), BATCH_READ_MAX):
            inputs = [{"id": record_id} for record_id in ids[start : start + BATCH_READ_MAX]]
            body = {"inputs": inputs, "properties": list(self._properties)}
            found.extend(self._client.post_read(path, body).get("results") or [])
        return found


class DealsStream(TombstonedSearchStream):
    """Deals by search, with contact associations added; archived deals listed with theirs."""

    def __init__(self, client: HttpClient, config: HubSpotConfig) -> None:
        super().__init__("hubspot/deals", client, "deals", "hs_lastmodifieddate",
                         DEAL_PROPERTIES, config, associations="contacts")  # fmt: skip
        # One associations batch per 1,000 deals rather than per search page of 200.
        self.enrich_batch = config.associations_batch_size

    def enrich(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Add ``associations.contacts.results`` as the list endpoint would; search has none."""
        size = max(self.enrich_batch or len(records), 1)
        for start in range(0, len(records), size):
            self._add_associations(records[start : start + size])
        return records

    def _add_associations(self, records: list[dict[str, Any]]) -> None:
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


def build_hubspot_streams(config: HubSpotConfig) -> dict[str, Stream]:
    """The five HubSpot streams, keyed by stream name, sharing one HTTP client."""
    client = build_hubspot_client(config)
    limit = config.list_page_size
    contacts = TombstonedSearchStream(
        "hubspot/contacts", client, "contacts", "lastmodifieddate", CONTACT_PROPERTIES, config,
        merged_property="hs_merged_object_ids",
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
