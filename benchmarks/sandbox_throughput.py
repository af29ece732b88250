"""Measure the sandbox: build time, totals time, pages/s per endpoint, peak memory."""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time

import requests

from sandbox import Business, SandboxConfig, start_sandbox

HUBSPOT = {"Authorization": "Bearer sandbox-hubspot-token"}
AIRCALL = ("sandbox-aircall-id", "sandbox-aircall-token")


def _aircall_pages(
    session: requests.Session, base: str, business: Business, seconds: float
) -> float:
    """Follow next_page_link through weekly windows (under the 10k cap) for `seconds`."""
    pages, started = 0, time.perf_counter()
    calendar = business.calendar
    for week in range(calendar.start, calendar.end, 7 * 86400):
        url: str | None = f"{base}/v1/calls?from={week}&to={week + 7 * 86400 - 1}&per_page=50"
        while url and time.perf_counter() - started < seconds:
            url = session.get(url, auth=AIRCALL).json()["meta"]["next_page_link"]
            pages += 1
    return pages / (time.perf_counter() - started)


def _search_pages(session: requests.Session, base: str, obj: str, seconds: float) -> float:
    """Page a modified-date search 200 at a time, re-windowing at the 10k cap, for `seconds`."""
    prop = "hs_lastmodifieddate" if obj == "deals" else "lastmodifieddate"
    pages, started, low, after = 0, time.perf_counter(), "0", "0"
    while time.perf_counter() - started < seconds:
        flt = [{"propertyName": prop, "operator": "GTE", "value": low}]
        body = {
            "filterGroups": [{"filters": flt}],
            "limit": 200,
            "after": after,
            "sorts": [{"propertyName": prop, "direction": "ASCENDING"}],
        }
        page = session.post(
            f"{base}/crm/v3/objects/{obj}/search", json=body, headers=HUBSPOT
        ).json()
        pages += 1
        after = page.get("paging", {}).get("next", {}).get("after", "0")
        if after == "0" or int(after) >= 9800:
            low, after = "0", "0"  # start over: we only time the serving
    return pages / (time.perf_counter() - started)


def _list_pages(session: requests.Session, base: str, seconds: float) -> float:
    pages, started, after = 0, time.perf_counter(), "0"
    while time.perf_counter() - started < seconds:
        params = {"limit": 100, "after": after, "associations": "contacts"}
        page = session.get(f"{base}/crm/v3/objects/deals", params=params, headers=HUBSPOT).json()
        pages += 1
        after = page.get("paging", {}).get("next", {}).get("after", "0")
    return pages / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each run")
    args = parser.parse_args()
    config = SandboxConfig(scale=args.scale, as_of=dt.date(2025, 3, 15))
    started = time.perf_counter()
    business = Business(config)
    print(f"build: {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    totals = business.totals()
    print(f"totals (generates every day of calls once): {time.perf_counter() - started:.2f} s")
    print(totals)
    with start_sandbox(business=business) as sandbox, requests.Session() as session:
        base, seconds = sandbox.base_url, args.seconds
        rates = {
            "aircall calls (50 per page)": _aircall_pages(session, base, business, seconds),
            "hubspot contacts search (200 per page)": _search_pages(
                session, base, "contacts", seconds
            ),
            "hubspot deals search (200 per page)": _search_pages(session, base, "deals", seconds),
            "hubspot deals list (100 per page)": _list_pages(session, base, seconds),
        }
    for name, rate in rates.items():
        print(f"{name}: {rate:.0f} pages/s")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
