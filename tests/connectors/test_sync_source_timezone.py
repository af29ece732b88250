"""Fault 12: the source account (and the host running us) sit in UTC-8 or UTC+3, and the API
reads naive datetimes in the account's zone: no row missed or read twice, every bound absolute.

HubSpot's search compares datetime filters given without an offset in the portal's zone; the
sandbox is made to do the same here, and the process zone (``TZ``) is moved too, so that a
connector formatting a bound from local time would shift its windows by hours and miss rows.
"""

import datetime as dt
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pytest
import requests
from sync_testkit import TIMED_STREAMS, raw_content, sandbox_config, streams_for

from connectors.registry import sync_stream
from connectors.warehouse import raw_table
from sandbox import start_sandbox
from sandbox.apis import hubspot_search

DATETIME_FILTERS = {"hs_lastmodifieddate", "lastmodifieddate", "createdate", "closedate"}
EXPLICIT_OFFSET = re.compile(r"(Z|[+-]\d\d:?\d\d)$")


@contextmanager
def process_zone(name: str) -> Iterator[None]:
    """Run the block with the process's local zone set to ``name`` (what naive code would use)."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = saved
        time.tzset()


def account_zone_parser(zone: ZoneInfo):
    """The sandbox's ISO parser, but reading naive datetimes in the account's zone."""

    def parse(text: str) -> int:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return round(moment.timestamp() * 1000)

    return parse


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, Any, Any]]:
    """Every request the connectors send: (method, url, query params, JSON body)."""
    seen: list[tuple[str, str, Any, Any]] = []
    original = requests.Session.request

    def record(self: requests.Session, method: str, url: str, **kwargs: Any) -> Any:
        seen.append((method, url, kwargs.get("params"), kwargs.get("json")))
        return original(self, method, url, **kwargs)

    monkeypatch.setattr(requests.Session, "request", record)
    return seen


def modified_instants(path: Path, stream: str) -> list[tuple[str, int | None]]:
    with duckdb.connect(str(path), read_only=True) as con:
        query = f"SELECT id, epoch_ms(modified_at) FROM {raw_table(stream)} ORDER BY id"
        return con.execute(query).fetchall()


def datetime_bounds(sent: list[tuple[str, str, Any, Any]]) -> list[str]:
    """Every datetime value the connectors put in a search filter or a calls window."""
    bounds = []
    for _method, url, params, body in sent:
        for group in (body or {}).get("filterGroups", []):
            bounds += [
                f["value"] for f in group["filters"] if f["propertyName"] in DATETIME_FILTERS
            ]
        if url.endswith("/v1/calls") and params:
            bounds += [str(params[name]) for name in ("from", "to") if name in params]
    return bounds


@pytest.mark.slow
@pytest.mark.parametrize(
    "zone_name",
    [pytest.param("Etc/GMT+8", id="utc-8"), pytest.param("Europe/Moscow", id="utc+3")],
)
def test_sync_in_a_non_utc_account_zone_matches_a_utc_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sent: list, zone_name: str
) -> None:
    # given: the API reads naive datetimes in the account zone, and we run in that zone too
    monkeypatch.setattr(hubspot_search, "parse_iso_ms", account_zone_parser(ZoneInfo(zone_name)))
    hubspot_search._as_number.cache_clear()
    path, reference = tmp_path / "zoned.duckdb", tmp_path / "utc.duckdb"
    with start_sandbox(sandbox_config()) as sandbox:
        # when: a first run, changes at the source, an incremental run
        with process_zone(zone_name):
            for run_id in ("run-1", "run-2"):
                for name in TIMED_STREAMS:
                    sync_stream(streams_for(sandbox)[name], path, run_id)
                if run_id == "run-1":
                    sandbox.mutate(deals=5, contacts=5, new_contacts=2, new_calls=3)
        bounds = datetime_bounds(sent)
        # ...and a fresh full load of the same final state, in UTC
        with process_zone("UTC"):
            for name in TIMED_STREAMS:
                sync_stream(streams_for(sandbox)[name], reference, "utc")
    hubspot_search._as_number.cache_clear()
    # then: the same rows with the same instants, none missed and none twice
    for name in TIMED_STREAMS:
        assert raw_content(path, name) == raw_content(reference, name), name
        assert modified_instants(path, name) == modified_instants(reference, name), name
    # ...because every bound sent is absolute: epoch digits, or ISO text with an offset
    assert len(bounds) > 10
    naive = [b for b in bounds if not (b.isdigit() or EXPLICIT_OFFSET.search(b))]
    assert naive == []
