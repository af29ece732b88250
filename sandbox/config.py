"""Configuration of the local vendor-API sandbox (one frozen value object)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

BUSINESS_TIMEZONE = ZoneInfo("Europe/Paris")
HUBSPOT_TOKEN = "sandbox-hubspot-token"
AIRCALL_API_ID = "sandbox-aircall-id"
AIRCALL_API_TOKEN = "sandbox-aircall-token"
PIPEDRIVE_TOKEN = "sandbox-pipedrive-token"
TWILIO_ACCOUNT_SID = "ACa1b2c3d4e5f60718293a4b5c6d7e8f90"
TWILIO_AUTH_TOKEN = "sandbox-twilio-token"


def today_in_paris() -> dt.date:
    """Return the current calendar day in the business time zone."""
    return dt.datetime.now(BUSINESS_TIMEZONE).date()


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    """Everything that shapes the synthetic business and the simulated APIs.

    The business is a pure function of (seed, scale, as_of): the same values give
    byte-identical responses. Limits default to values a demo never reaches; tests
    lower them to exercise throttling and the vendors' silent caps.
    """

    seed: int = 42
    scale: float = 1.0
    as_of: dt.date = field(default_factory=today_in_paris)
    search_cap: int = 10_000
    aircall_list_cap: int = 10_000
    search_lag_seconds: float = 0.0
    # Whether restoring an archived record moves its modified time (source_apis.md §1.5 [U]).
    restore_touches_modified: bool = True
    hubspot_ten_secondly_limit: int = 100_000
    hubspot_daily_limit: int = 10_000_000
    hubspot_search_per_second: int | None = None
    aircall_per_minute: int = 1_000_000
    # Cached generated days of calls; each holds roughly 150 * scale compact facts.
    call_day_cache: int = 64
    # Pipedrive: requests per burst window (2 s), the daily token budget (None: unlimited; one
    # token per request), and how long deleted deals stay listed by ``status=deleted``.
    pipedrive_burst_limit: int = 1_000_000
    pipedrive_burst_seconds: int = 2
    pipedrive_daily_tokens: int | None = None
    pipedrive_deleted_days: int = 30
    # WhatsApp/SMS threads (sandbox/world/conversations.py); off keeps the CRM and calls world
    # exactly as before, draw for draw.
    messaging: bool = False
    twilio_per_second: int = 1_000_000
    twilio_page_size_max: int = 100  # source_apis.md §5.2 [C]; §8 says 1000 from memory
