"""Fault 13: calls every hour across the DST spring-forward and fall-back nights of Europe/Paris
and America/New_York. Facts keep one row per call at its UTC instant; daily KPIs follow local
days of 23 h and 25 h, with REPORTING_TIMEZONE set to either zone.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from dbt_harness import run_dbt
from raw_fixture import LOADED_AT, NUMBER_PARIS, USER_LEA, call, load_fixture

# (spring-forward day, fall-back day) of each reporting zone in 2026
DST_DAYS = {
    "Europe/Paris": (dt.date(2026, 3, 29), dt.date(2026, 10, 25)),
    "America/New_York": (dt.date(2026, 3, 8), dt.date(2026, 11, 1)),
}
FIRST_CALL_ID = 1_900_000_000


def hourly_instants() -> list[dt.datetime]:
    """HH:30 UTC every hour from two days before to two days after each DST day."""
    instants: set[dt.datetime] = set()
    for day in (day for days in DST_DAYS.values() for day in days):
        start = dt.datetime.combine(day - dt.timedelta(days=2), dt.time(0, 30), dt.UTC)
        instants |= {start + dt.timedelta(hours=h) for h in range(5 * 24)}
    return sorted(instants)


def land_hourly_calls(path: Path, instants: list[dt.datetime]) -> None:
    """Replace the fixture's calls with one answered inbound call per instant."""
    calls = [
        call(
            FIRST_CALL_ID + n,
            "inbound",
            moment.isoformat(),
            5,
            60,
            "+33 1 84 88 00 00",
            NUMBER_PARIS,
            USER_LEA,
        )
        for n, moment in enumerate(instants)
    ]
    with duckdb.connect(str(path)) as con:
        con.execute("delete from raw_aircall.calls")
        con.executemany(
            "insert into raw_aircall.calls values (?, ?, null, false, ?, 'dst-run', null)",
            [(str(c["id"]), json.dumps(c, sort_keys=True), LOADED_AT) for c in calls],
        )


def expected_calls_per_local_day(instants: list[dt.datetime], zone: str) -> Counter[dt.date]:
    return Counter(moment.astimezone(ZoneInfo(zone)).date() for moment in instants)


@pytest.fixture(scope="module")
def instants() -> list[dt.datetime]:
    return hourly_instants()


@pytest.mark.slow
# The default zone runs in CI; another hemisphere's DST dates are a heavy variant.
@pytest.mark.parametrize(
    "zone",
    [pytest.param(z, marks=() if i == 0 else pytest.mark.heavy) for i, z in enumerate(DST_DAYS)],
)
def test_dbt_dst_nights_keep_every_hour_once_and_local_days_of_23_and_25_hours(
    tmp_path: Path, instants: list[dt.datetime], zone: str
) -> None:
    # given: the raw fixture, with a call at HH:30 UTC every hour around each DST night
    path = load_fixture(tmp_path / "warehouse.duckdb")
    land_hourly_calls(path, instants)
    expected = expected_calls_per_local_day(instants, zone)
    spring, fall = DST_DAYS[zone]
    assert (expected[spring], expected[fall]) == (23, 25)  # the calendar itself, as a guard
    # when
    # (the project's unit tests of these models run too: they must hold in any reporting zone)
    run_dbt(path, tmp_path, "build", "--select", "+kpi_calls_daily",
            "--indirect-selection", "cautious", env={"REPORTING_TIMEZONE": zone})  # fmt: skip
    # then: one fact per call, at its UTC instant, none doubled or dropped by the clock change
    with duckdb.connect(str(path), read_only=True) as con:
        facts = con.execute(
            "select epoch(started_at)::bigint, count(*) from marts.fct_calls group by 1"
        ).fetchall()
        daily = con.execute(
            "select date, sum(calls)::bigint from marts.kpi_calls_daily group by 1"
        ).fetchall()
    assert sorted(facts) == [(int(moment.timestamp()), 1) for moment in instants]
    # ...and each local day counts its own hours: 23 on spring-forward, 25 on fall-back
    assert dict(daily) == dict(expected)
    assert {day: count for day, count in daily if day in (spring, fall)} == {spring: 23, fall: 25}
