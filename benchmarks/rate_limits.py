"""Wall time of a first load and a nightly load at each vendor's documented rate limit (no waiting).

Usage: PYTHONPATH=$PWD .venv/bin/python benchmarks/rate_limits.py
Arithmetic from source_apis.md: Aircall 60 requests/minute per company (120 also quoted),
50 calls per page, 10,000 records per query; HubSpot 100 requests per 10 s (Free/Starter; 190
Professional), search 5 requests/s and 200 per page, v4 associations 1,000 per batch; Pipedrive
(not a source of this product yet) 500 per page and a burst of 20 per 2 s (Essential). For real
accounts this budget, not the CPU, is the physical limit, so every wasted request costs time.

Aircall calls are not spread evenly: a year of 52 weeks of five working days, each with the
hourly shape of ``WORKING_HOURS``, is walked by the connector's own window sizing
(``connectors.aircall.streams.WindowSizer``), counting every request, and by the halving of
fixed 7-day windows it replaced, for comparison.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import record

from connectors.aircall.streams import WindowSizer

SIZES = {  # the sizes: calls, contacts, deals per year
    "S": (700_000, 50_000, 5_000),
    "M": (7_000_000, 500_000, 50_000),
    "L": (40_000_000, 5_000_000, 500_000),
}
CAP, CALL_PAGE, WINDOW_DAYS, TRAILING_DAYS = 10_000, 50, 7, 2
WEEKS, HOUR, DAY = 52, 3600, 86_400
# Share of a working day's calls started in each hour (local time; nights and weekends: none).
WORKING_HOURS = {8: 4, 9: 9, 10: 11, 11: 10, 12: 6, 13: 6, 14: 9, 15: 10, 16: 9, 17: 7, 18: 4}
ASSOCIATIONS_BATCH = 1_000

Calls = Callable[[int, int], int]  # calls started in [lower, upper], epoch seconds from the start


def calls_timeline(calls: int) -> Calls:
    """Calls of a year by start second, piecewise even within each hour."""
    per_hour = []
    shares = sum(WORKING_HOURS.values())
    for day in range(WEEKS * 7):
        working = day % 7 < 5
        for hour in range(24):
            share = WORKING_HOURS.get(hour, 0) if working else 0
            per_hour.append(calls / (WEEKS * 5) * share / shares)
    before = [0.0, *accumulate(per_hour)]

    def started_by(moment: int) -> float:
        hour = min(moment // HOUR, len(per_hour) - 1)
        return before[hour] + per_hour[hour] * (moment - hour * HOUR) / HOUR

    return lambda lower, upper: round(started_by(upper) - started_by(lower))


def pages(calls: int) -> int:
    return max(1, math.ceil(calls / CALL_PAGE))


def connector_call_requests(count: Calls, lower: int, end: int) -> tuple[int, int]:
    """Requests and wasted probes of the connector over [lower, end]
    (connectors/aircall/streams.py ``CallsStream.read``)."""
    sizer = WindowSizer(CAP, WINDOW_DAYS * DAY, end)
    requests = probes = 0
    while lower < end:
        upper = min(lower + sizer.span, end)
        total = count(lower, upper)
        if total >= CAP:
            requests, probes = requests + 1, probes + 1
            sizer.past_cap(lower, upper, total)
            continue
        requests += pages(total)
        sizer.read(lower, upper, total)
        lower = upper
    return requests, probes


def halving_call_requests(count: Calls, lower: int, end: int) -> int:
    """The connector before: fixed 7-day windows, halved while meta.total >= cap, each halving
    throwing away its probe page."""

    def window(low: int, high: int) -> int:
        total = count(low, high)
        if total >= CAP:
            middle = (low + high) // 2
            return 1 + window(low, middle) + window(middle, high)
        return pages(total)

    step = WINDOW_DAYS * DAY
    return sum(window(low, min(low + step, end)) for low in range(lower, end, step))


def calls_requests(calls: int) -> dict[str, int]:
    count = calls_timeline(calls)
    year = WEEKS * 7 * DAY
    # Nightly: a Thursday 02:00 run re-reading the 48 h trailing window and the new day (Aircall
    # has no modified-since filter).
    night = (30 * 7 + 3) * DAY + 2 * HOUR
    since = night - (1 + TRAILING_DAYS) * DAY
    first, probes = connector_call_requests(count, 0, year)
    nightly, _ = connector_call_requests(count, since, night)
    return {
        "first_connector": first,
        "first_probes": probes,
        "first_halving": halving_call_requests(count, 0, year),
        "first_minimum": math.ceil(calls / CALL_PAGE),
        "nightly_connector": nightly,
        "nightly_halving": halving_call_requests(count, since, night),
        "nightly_minimum": math.ceil(count(since, night) / CALL_PAGE),
    }


def hubspot_requests(contacts: int, deals: int, changed_share: float) -> dict[str, int]:
    """Search pages of 200; associations once per 1,000 deals (the connector waits for five
    search pages before the batch), as the minimum."""
    c, d = contacts * changed_share, deals * changed_share
    search = math.ceil(c / 200) + math.ceil(d / 200)
    return {
        "search": search,
        "connector_assoc": math.ceil(d / ASSOCIATIONS_BATCH),
        "minimum_assoc": math.ceil(d / ASSOCIATIONS_BATCH),
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
            "aircall_first_probes_wasted": aircall["first_probes"],
            "aircall_first_requests_halving_before": aircall["first_halving"],
            "aircall_first_minimum": aircall["first_minimum"],
            "aircall_first_vs_minimum": round(
                aircall["first_connector"] / aircall["first_minimum"], 4
            ),
            "aircall_first_hours_at_60_per_min": round(aircall["first_connector"] / 60 / 60, 1),
            "aircall_first_hours_minimum": round(aircall["first_minimum"] / 60 / 60, 1),
            "aircall_nightly_requests": aircall["nightly_connector"],
            "aircall_nightly_requests_halving_before": aircall["nightly_halving"],
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
