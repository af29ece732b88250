"""The connector configuration the sandbox sync tests share (also imported by subprocesses)."""

from datetime import date, timedelta
from typing import Any

from connectors.aircall.config import AircallConfig
from connectors.aircall.streams import build_aircall_streams
from connectors.http import RetryPolicy
from connectors.hubspot.config import HubSpotConfig
from connectors.hubspot.streams import build_hubspot_streams
from connectors.registry import Stream
from connectors.transport import Transport

AS_OF = date(2026, 6, 15)
TOKEN = "sandbox-hubspot-token"
CAPS = {"search_cap": 60, "aircall_list_cap": 300}


def sandbox_streams(
    base_url: str, sleep: Any = None, token: str = TOKEN,
    hubspot: dict[str, Any] | None = None, **aircall: Any,
) -> dict[str, Stream]:  # fmt: skip
    """Every stream pointed at a sandbox, in small pages so every path runs in seconds."""
    retry = RetryPolicy(max_attempts=4, backoff_seconds=0.01, max_wait_seconds=30)
    transport = Transport(retry) if sleep is None else Transport(retry, sleep=sleep)
    hub = HubSpotConfig(
        token, base_url=base_url, search_page_size=20, list_page_size=50,
        search_result_cap=CAPS["search_cap"], owners_page_size=10, transport=transport,
        **(hubspot or {}),
    )  # fmt: skip
    options = {
        "start_date": AS_OF - timedelta(days=400),
        "window_days": 90,
        "result_cap": CAPS["aircall_list_cap"],
        # The data ends at AS_OF, months before today: check the whole synced history.
        "reconciliation_days": 500,
        **aircall,
    }
    air = AircallConfig("sandbox-aircall-id", "sandbox-aircall-token", base_url=base_url,
                        transport=transport, **options)  # fmt: skip
    return {**build_hubspot_streams(hub), **build_aircall_streams(air)}
