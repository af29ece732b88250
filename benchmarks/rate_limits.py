"""Wall time of a first load and a nightly load at each vendor's documented rate limit (no waiting).

Usage: .venv/bin/python benchmarks/rate_limits.py
Pure arithmetic from source_apis.md: Aircall 60 requests/minute per company (120 also quoted),
50 calls per page, 10,000 records per query; HubSpot 100 requests per 10 s (Free/Starter; 190
Professional), search 5 requests/s and 200 per page, v4 associations 1,000 per batch; Pipedrive
(not a source of this product yet) 500 per page and a burst of 20 per 2 s (Essential). For real
accounts this budget, not the CPU, is the physical limit, so every wasted request costs time.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import record

SIZES = {  # the sizes: calls, contacts, deals per year
    "S": (700_000, 50_000, 5_000),
    "M": (7_000_000, 500_000, 50_000),
    "L": (40_000_000, 5_000_000, 500_000),
}
CAP, CALL_PAGE, WINDOW_DAYS, TRAILING_DAYS = 10_000, 50, 7, 2
BUSINESS_DAYS = 250  # calls happen on working days: a busy day holds calls / 250


def connector_call_requests(calls_in_window: float) -> int:
    """Requests of the connector for one window: halve while meta.total >= cap; each halving
    costs the probe page that is thrown away (connectors/aircall/streams.py _window)."""
    if calls_in_window >= CAP:
        return 1 + 2 * connector_call_requests(calls_in_window / 2)
    return max(1, math.ceil(calls_in_window / CALL_PAGE))


def calls_requests(calls: int) -> dict[str, int]:
    week = calls / 52
    day = calls / BUSINESS_DAYS
    return {
        "first_connector": 52 * connector_call_requests(week),
        "first_minimum": math.ceil(calls / CALL_PAGE),
        # Nightly: the new day plus the 48 h re-read calls need (no modified-since filter).
        "nightly_connector": connector_call_requests(day * (1 + TRAILING_DAYS)),
        "nightly_minimum": math.ceil(day * (1 + TRAILING_DAYS) / CALL_PAGE),
    }


def hubspot_requests(contacts: int, deals: int, changed_share: float) -> dict[str, int]:
    """Search pages of 200; the connector reads associations once per search page (200 deals),
    the minimum once per 1,000 deals."""
    c, d = contacts * changed_share, deals * changed_share
    pages = math.ceil(c / 200) + math.ceil(d / 200)
    return {
        "search": pages,
        "connector_assoc": math.ceil(d / 200),
        "minimum_assoc": math.ceil(d / 1000),
    }


def hubspot_seconds(search: int, other: int, per_10s: int = 100, search_per_s: int = 5) -> float:
    return max(search / search_per_s, (search + other) / (per_10s / 10))


def table() -> dict[str, dict[str, float]]:
    rows = {}
    for size, (calls, contacts, deals) in SIZES.items():
        aircall = calls_requests(calls)
        first = hubspot_requests(contacts, deals, 1.0)
        nightly = hubspot_requests(contacts, deals, 2 / 365)  # a new and a changed record per day
        pipedrive_first = math.ceil(contacts / 500) + math.ceil(deals / 500)
        pipedrive_nightly = math.ceil(contacts * 2 / 365 / 500) + math.ceil(deals * 2 / 365 / 500)
        rows[size] = {
            "aircall_first_requests": aircall["first_connector"],
            "aircall_first_minimum": aircall["first_minimum"],
            "aircall_first_hours_at_60_per_min": round(aircall["first_connector"] / 60 / 60, 1),
            "aircall_first_hours_minimum": round(aircall["first_minimum"] / 60 / 60, 1),
            "aircall_nightly_requests": aircall["nightly_connector"],
            "aircall_nightly_minimum": aircall["nightly_minimum"],
            "aircall_nightly_minutes_at_60_per_min": round(aircall["nightly_connector"] / 60, 1),
            "hubspot_first_requests": first["search"] + first["connector_assoc"],
            "hubspot_first_minimum": first["search"] + first["minimum_assoc"],
            "hubspot_first_minutes": round(
                hubspot_seconds(first["search"], first["connector_assoc"]) / 60, 1
            ),
            "hubspot_first_minutes_minimum": round(
                hubspot_seconds(first["search"], first["minimum_assoc"]) / 60, 1
            ),
            "hubspot_nightly_seconds": round(
                hubspot_seconds(nightly["search"], nightly["connector_assoc"]), 1
            ),
            "pipedrive_first_minutes_at_20_per_2s": round(pipedrive_first / 10 / 60, 1),
            "pipedrive_nightly_seconds_at_20_per_2s": round(pipedrive_nightly / 10, 1),
        }
    return rows


def main() -> None:
    rows = table()
    for size, row in rows.items():
        print(size, row)
    record("rate_limits", {"sizes": SIZES, "table": rows})


if __name__ == "__main__":
    main()
