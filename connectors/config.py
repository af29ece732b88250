"""Connector configuration: frozen values passed in by the caller, never read from the env."""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from connectors.http import RetryPolicy

DEFAULT_RETRY = RetryPolicy()


@dataclass(frozen=True, slots=True)
class HubSpotConfig:
    """How to reach HubSpot and how to read it incrementally.

    Attributes:
        access_token: private-app token (never shown by ``repr``).
        base_url: API root; the sandbox URL in tests.
        overlap_minutes: how far before the cursor each search re-reads (search index lag).
        search_result_cap: HubSpot's limit on results reachable by one search query (keyset
            pages never reach it; kept for configurations that still set it).
        full_key_reconciliation_days: how often contacts and deals list every id HubSpot still
            holds to find records deleted without a tombstone (always on a first run; also
            whenever raw holds more live records than HubSpot counts); 0 means every run.
        sleep: waits between retries (injected by tests).
        clock: the current time as epoch seconds (injected by tests).
    """

    access_token: str = field(repr=False)
    base_url: str = "https://api.hubapi.com"
    overlap_minutes: int = 10
    search_page_size: int = 200
    search_result_cap: int = 10_000
    list_page_size: int = 100
    owners_page_size: int = 500
    full_key_reconciliation_days: int = 7
    retry: RetryPolicy = DEFAULT_RETRY
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)
    clock: Callable[[], float] = field(default=time.time, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class AircallConfig:
    """How to reach Aircall and how to window the calls.

    Attributes:
        api_id: API id of the Basic credentials (never shown by ``repr``).
        api_token: API token of the Basic credentials (never shown by ``repr``).
        base_url: API root without ``/v1``; the client appends it.
        start_date: first day read by a first run; None means ``history_days`` ago.
        trailing_hours: re-read window before the cursor, as calls change after they end.
        window_days: width of a calls window before halving.
        result_cap: Aircall's limit on records reachable by one list query.
        reconciliation_days: how far before the cursor the calls count is checked against the
            vendor's; keep it inside the history Aircall keeps (about 6 months by default).
    """

    api_id: str = field(repr=False)
    api_token: str = field(repr=False)
    base_url: str = "https://api.aircall.io"
    start_date: date | None = None
    history_days: int = 400
    trailing_hours: int = 48
    window_days: int = 7
    result_cap: int = 10_000
    reconciliation_days: int = 90
    per_page: int = 50
    retry: RetryPolicy = DEFAULT_RETRY
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)
    clock: Callable[[], float] = field(default=time.time, repr=False, compare=False)
