"""The nightly increment (one new day of records) against a full rebuild, exports checked equal.

Usage: .venv/bin/python benchmarks/increment.py --size M
Starts from the dbt-built warehouse benchmarks/transform.py leaves (data/bench/<size>/transform/
dbt.duckdb), lands one new day into raw (benchmarks/floor/new_day.sql), then on two copies runs
`dbt build` (the nightly, incremental) and `dbt build --full-refresh` (a full rebuild), publishes
both to CSV and checks the two publishes have the same content checksum and identical files.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import DEFAULT_WORK, ROOT, record
from breakdown import node_breakdown
from publish_floor import publish_once
from transform import dbt_build


def land_new_day(warehouse: Path) -> dict[str, int]:
    """Apply new_day.sql; return raw rows per table after it."""
    script = (ROOT / "benchmarks" / "floor" / "new_day.sql").read_text(encoding="utf-8")
    with duckdb.connect(str(warehouse)) as con:
        con.execute("SET VARIABLE run_id = ?", [f"new-day-{int(time.time())}"])
        for statement in con.extract_statements(script):
            con.execute(statement)
        return {
            table: int(con.execute(f"SELECT count(*) FROM raw_{table}").fetchone()[0])  # type: ignore[index]
            for table in ("aircall.calls", "hubspot.contacts", "hubspot.deals")
        }


def same_files(left: Path, right: Path) -> bool:
    """Every exported CSV byte-identical (manifests carry times and versions: skipped)."""
    names = sorted(p.relative_to(left) for p in left.rglob("*.csv"))
    other = sorted(p.relative_to(right) for p in right.rglob("*.csv"))
    return names == other and all(filecmp.cmp(left / n, right / n, shallow=False) for n in names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="M")
    parser.add_argument("--memory-limit", default=None)
    args = parser.parse_args()
    base = DEFAULT_WORK / args.size / "transform" / "dbt.duckdb"
    work = DEFAULT_WORK / args.size / "increment"
    shutil.rmtree(work, ignore_errors=True)
    (work / "nightly").mkdir(parents=True)
    (work / "full").mkdir()
    nightly_db, full_db = work / "nightly" / "w.duckdb", work / "full" / "w.duckdb"
    shutil.copyfile(base, nightly_db)
    started = time.perf_counter()
    rows = land_new_day(nightly_db)
    landed_s = time.perf_counter() - started
    shutil.copyfile(nightly_db, full_db)
    nightly, nightly_target = dbt_build(nightly_db, work / "nightly", args.memory_limit)
    full, _ = dbt_build(full_db, work / "full", args.memory_limit, full_refresh=True)
    nightly_pub_s, nightly_sum, _ = publish_once(nightly_db, work / "nightly")
    full_pub_s, full_sum, _ = publish_once(full_db, work / "full")
    identical = same_files(
        work / "nightly" / "exports" / "current", work / "full" / "exports" / "current"
    )
    nightly_total = landed_s + nightly.seconds + nightly_pub_s
    full_total = full.seconds + full_pub_s
    record(
        "increment",
        {
            "size": args.size,
            "raw_rows_after": rows,
            "land_new_day_s": round(landed_s, 1),
            "nightly_dbt_s": round(nightly.seconds, 1),
            "full_rebuild_dbt_s": round(full.seconds, 1),
            "nightly_publish_s": round(nightly_pub_s, 1),
            "full_publish_s": round(full_pub_s, 1),
            "nightly_share_of_full": round(nightly_total / full_total, 3),
            "dbt_share": round(nightly.seconds / full.seconds, 3),
            "nightly_peak_rss_mb": nightly.peak_rss_mb,
            "full_peak_rss_mb": full.peak_rss_mb,
            "same_checksum": nightly_sum == full_sum,
            "exports_byte_identical": identical,
            # Where the nightly's time goes: what the next proposal should attack.
            "nightly_nodes": node_breakdown(
                nightly_target / "run_results.json", nightly.seconds, top=15
            ),
        },
    )
    if not (identical and nightly_sum == full_sum):
        raise SystemExit("the nightly increment's exports differ from a full rebuild's")


if __name__ == "__main__":
    main()
