"""Ingest: the product's connectors against a floor, on the same sandbox process serving a size.

Usage: .venv/bin/python benchmarks/ingest.py --size S
The floor is a plain ``requests`` loop over the same records (Aircall: one window per day,
split only when a day passes the 10,000-record cap; HubSpot: the connector's own search
requests, 200 per page, and for deals one associations batch per 1,000)
writing the response bodies to disk, then ONE ``read_json`` per stream. Requests are counted by
the sandbox itself (``/_sandbox/stats``) and compared with the vendor's minimum.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import ROOT, folder_mb, record, self_peak_rss_mb

from connectors.aircall.config import AircallConfig
from connectors.hubspot.config import HubSpotConfig
from connectors.hubspot.streams import CONTACT_PROPERTIES, DEAL_PROPERTIES
from connectors.registry import config_streams, sync_stream
from sandbox.config import AIRCALL_API_ID, AIRCALL_API_TOKEN, HUBSPOT_TOKEN

AS_OF = dt.date(2026, 6, 15)
AIRCALL_CAP, AIRCALL_PAGE = 10_000, 50
# The vendor's fewest requests for N records: Aircall 50 per page; HubSpot search 200 per page
# (plus one v4 associations batch per 1,000 deals); small lists one page each.
MINIMUM_PAGE = {"aircall/calls": 50, "hubspot/contacts": 200, "hubspot/deals": 200}
# Search never returns archived records: HubSpot's only tombstone feed is the archived list
# (100 per page, associations included), and at least one page of it is needed to learn it is
# empty. ``vs_minimum`` counts it; ``vs_search_minimum`` is the older figure that does not.
ARCHIVED_LIST_PAGE = 100


@contextmanager
def sandbox_process(size: str) -> Iterator[tuple[str, dict[str, int]]]:
    """The size served by benchmarks/serve_size.py in a child process."""
    command = [sys.executable, str(ROOT / "benchmarks" / "serve_size.py"), "--size", size]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        url, totals = "", {}
        for line in child.stdout or []:
            if line.startswith("URL "):
                url = line.split()[1]
            if line.startswith("TOTALS "):
                totals = json.loads(line.removeprefix("TOTALS "))
                break
        yield url, totals
    finally:
        child.terminate()
        child.wait(timeout=30)


def requests_made(url: str) -> int:
    stats = requests.get(f"{url}/_sandbox/stats", timeout=30).json()["requests"]
    requests.delete(f"{url}/_sandbox/stats", timeout=30)
    return sum(count for path, count in stats.items() if not path.startswith("/_sandbox"))


def connector_run(url: str, path: Path) -> dict[str, dict[str, float]]:
    """Sync every stream with the product's connectors; records, seconds, requests each."""
    streams = config_streams(
        HubSpotConfig(HUBSPOT_TOKEN, base_url=url),
        AircallConfig(AIRCALL_API_ID, AIRCALL_API_TOKEN, base_url=url,
                      start_date=AS_OF - dt.timedelta(days=400)),
    )  # fmt: skip
    requests_made(url)
    figures = {}
    for name, stream in streams.items():
        result = sync_stream(stream, path, "bench")
        figures[name] = {
            "records": result.records,
            "seconds": round(result.elapsed_seconds, 2),
            "requests": requests_made(url),
            "archived": archived_rows(path, name),
        }
    return figures


def archived_rows(path: Path, stream: str) -> int:
    source, table = stream.split("/")
    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute(f"SELECT count(*) FROM raw_{source}.{table} WHERE is_archived").fetchone()
    return int(row[0]) if row else 0


def search_minimum(name: str, records: int) -> int:
    """The older minimum: every record through search pages (archived ones too)."""
    minimum = math.ceil(records / MINIMUM_PAGE[name])
    if name == "hubspot/deals":
        minimum += math.ceil(records / 1000)
    return minimum


def vendor_minimum(name: str, records: int, archived: int) -> int:
    """Search pages and associations batches for the live records, the archived list for the
    others (at least one page: an empty feed is only known by asking)."""
    if not name.startswith("hubspot/"):
        return search_minimum(name, records)
    live = records - archived
    tombstones = math.ceil(max(archived, 1) / ARCHIVED_LIST_PAGE)
    return search_minimum(name, live) + tombstones


def _aircall_windows(session: requests.Session, url: str, folder: Path) -> int:
    """Every call, one day per window; a day past the cap is split by its meta.total."""
    start = int(dt.datetime.combine(AS_OF - dt.timedelta(days=400), dt.time(), dt.UTC).timestamp())
    end, pages = int(time.time()), 0
    spans = [(lower, min(lower + 86_399, end)) for lower in range(start, end, 86_400)]
    while spans:
        lower, upper = spans.pop(0)
        params = {"from": lower, "to": upper, "order": "asc", "per_page": AIRCALL_PAGE}
        first = session.get(f"{url}/v1/calls", params=params, timeout=60)
        total = first.json()["meta"]["total"]
        if total > AIRCALL_CAP:
            parts = math.ceil(total / 9_000)
            step = (upper - lower + 1) // parts + 1
            spans[:0] = [(a, min(a + step - 1, upper)) for a in range(lower, upper + 1, step)]
            continue
        pages += 1
        (folder / f"calls-{lower}-1.json").write_bytes(first.content)
        for page in range(2, math.ceil(total / AIRCALL_PAGE) + 1):
            body = session.get(f"{url}/v1/calls", params={**params, "page": page}, timeout=60)
            (folder / f"calls-{lower}-{page}.json").write_bytes(body.content)
    return pages


def _hubspot_search(session: requests.Session, url: str, kind: str, properties: tuple[str, ...],
                    modified: str, folder: Path) -> None:  # fmt: skip
    """The pages the connector reads: search by id keyset, 200 per page, modified before now;
    deals also get one v4 associations batch per 1,000. The sandbox answers a search by
    scanning its store, so only the same requests compare the client, not the server."""
    until = {"propertyName": modified, "operator": "LT", "value": int(time.time() * 1000)}
    last_id, page, waiting = None, 0, []
    while True:
        keyset = {"propertyName": "hs_object_id", "operator": "GT", "value": last_id}
        filters = [until, keyset] if last_id else [until]
        body = {
            "filterGroups": [{"filters": filters}],
            "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
            "properties": list(properties),
            "limit": 200,
        }
        content = session.post(f"{url}/crm/v3/objects/{kind}/search", json=body, timeout=60).content
        page += 1
        (folder / f"{kind}-{page:07d}.json").write_bytes(content)
        answer = json.loads(content)
        results = answer.get("results") or []
        waiting += [str(record["id"]) for record in results]
        more = bool(results) and bool((answer.get("paging") or {}).get("next"))
        if kind == "deals" and (len(waiting) + 200 > 1000 or not more) and waiting:
            inputs = {"inputs": [{"id": deal_id} for deal_id in waiting]}
            path = "/crm/v4/associations/deals/contacts/batch/read"
            (folder / f"associations-{page:07d}.json").write_bytes(
                session.post(f"{url}{path}", json=inputs, timeout=60).content
            )
            waiting = []
        if not more:
            return
        last_id = str(results[-1]["id"])


def floor_run(url: str, folder: Path) -> dict[str, dict[str, float]]:
    """The plain-client floor for calls, contacts and deals: fetch pages, then one read_json."""
    figures = {}
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {HUBSPOT_TOKEN}"
    aircall = requests.Session()
    aircall.auth = (AIRCALL_API_ID, AIRCALL_API_TOKEN)
    jobs = {
        "aircall/calls": ("calls", lambda: _aircall_windows(aircall, url, folder)),
        "hubspot/contacts": (
            "results", lambda: _hubspot_search(session, url, "contacts", CONTACT_PROPERTIES,
                                               "lastmodifieddate", folder)
        ),
        "hubspot/deals": (
            "results", lambda: _hubspot_search(session, url, "deals", DEAL_PROPERTIES,
                                               "hs_lastmodifieddate", folder)
        ),
    }  # fmt: skip
    requests_made(url)
    with duckdb.connect(str(folder / "floor.duckdb")) as con:
        for name, (key, fetch) in jobs.items():
            started = time.perf_counter()
            fetch()
            table = name.replace("/", "_")
            pattern = folder / f"{name.split('/')[1]}-*.json"
            con.execute(
                f"CREATE TABLE {table} AS SELECT unnest({key}) AS record "
                f"FROM read_json('{pattern}', format = 'auto', maximum_object_size = 200000000)"
            )
            rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()
            seconds = time.perf_counter() - started
            # The table is still in the WAL here; the connector's time includes writing it into
            # the database file (its connection closes at the end of each stream). Timed apart
            # so the floor keeps its definition and the difference shows.
            con.execute("CHECKPOINT")
            figures[name] = {
                "records": int(rows[0]) if rows else 0,
                "seconds": round(seconds, 2),
                "checkpoint_seconds": round(time.perf_counter() - started - seconds, 2),
                "requests": requests_made(url),
            }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="S")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="ingest-") as scratch,
        sandbox_process(args.size) as (
            url,
            totals,
        ),
    ):
        work = Path(scratch)
        connector = connector_run(url, work / "warehouse.duckdb")
        landing = folder_mb(work / "landing")
        (work / "floor").mkdir()
        floor = floor_run(url, work / "floor")
        table = {}
        for name, measured in floor.items():
            ours = connector[name]
            minimum = vendor_minimum(name, ours["records"], ours["archived"])
            older = search_minimum(name, ours["records"])
            table[name] = {
                "connector_rec_s": round(ours["records"] / ours["seconds"]),
                "floor_rec_s": round(measured["records"] / measured["seconds"]),
                "share_of_floor": round(
                    (ours["records"] / ours["seconds"])
                    / (measured["records"] / measured["seconds"]),
                    2,
                ),
                "share_of_floor_with_its_checkpoint": round(
                    (ours["records"] / ours["seconds"])
                    * (measured["seconds"] + measured["checkpoint_seconds"])
                    / measured["records"],
                    2,
                ),
                "requests_per_1000": round(1000 * ours["requests"] / ours["records"], 2),
                "minimum_per_1000": round(1000 * minimum / ours["records"], 2),
                "vs_minimum": round(ours["requests"] / minimum, 3),
                "search_minimum_per_1000": round(1000 * older / ours["records"], 2),
                "vs_search_minimum": round(ours["requests"] / older, 3),
                "floor_requests": measured["requests"],
            }
        record(
            "ingest",
            {
                "size": args.size,
                "totals": totals,
                "connector": connector,
                "floor": floor,
                "compare": table,
                "landing_mb": round(landing),
                "warehouse_mb": round(folder_mb(work / "warehouse.duckdb")),
                "connector_process_peak_rss_mb": round(self_peak_rss_mb()),
            },
        )


if __name__ == "__main__":
    main()
