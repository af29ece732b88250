"""HubSpot connector configuration: a frozen value from the caller, never read from the env."""

from dataclasses import dataclass, field

from connectors.transport import DEFAULT_TRANSPORT, Transport


@dataclass(frozen=True, slots=True)
class HubSpotConfig:
    """How to reach HubSpot and how to read it incrementally.

    Attributes:
        access_token: private-app token (never shown by ``repr``).
        base_url: API root; the sandbox URL in tests.
        overlap_minutes: how far before the cursor each search re-reads (search index lag).
        search_result_cap: HubSpot's limit on results reachable by one search query (keyset
            pages never reach it; kept for configurations that still set it).
        associations_batch_size: deal ids per v4 associations batch read; HubSpot takes 1,000
            (source_apis.md §1.2 [U]: lower it if an account refuses), and deals wait for as
            many search pages as fill one batch.
        full_key_reconciliation_days: how often contacts and deals list every id HubSpot still
            holds to find records deleted without a tombstone (always on a first run, where the
            search itself lists them when raw held nothing else; also whenever raw holds more
            live records than HubSpot counts); 0 means every run.
        transport: retry bounds, sleep and clock shared by every vendor (injected by tests).
    """

    access_token: str = field(repr=False)
    base_url: str = "https://api.hubapi.com"
    overlap_minutes: int = 10
    search_page_size: int = 200
    search_result_cap: int = 10_000
    list_page_size: int = 100
    owners_page_size: int = 500
    associations_batch_size: int = 1_000
    full_key_reconciliation_days: int = 7
    transport: Transport = field(default=DEFAULT_TRANSPORT, compare=False)
