"""Publish (write-audit-publish to a CSV folder) against DuckDB ``COPY ... TO`` of the same tables.

Usage: .venv/bin/python benchmarks/publish_floor.py WAREHOUSE [--runs 3]
WAREHOUSE is a dbt-built warehouse (benchmarks/transform.py leaves one in
data/bench/<size>/transform/dbt.duckdb). Both sides read the nine kpi tables and write CSV.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import folder_mb, record, self_peak_rss_mb, spread
from compare import KPI_TABLES

from publishing import CsvFolderConfig, CsvFolderTarget, PublishConfig, publish


def publish_once(warehouse: Path, work: Path) -> tuple[float, str, float]:
    """One publish into a fresh folder: seconds, content checksum, MB written."""
    exports = work / "exports"
    shutil.rmtree(exports, ignore_errors=True)
    started = time.perf_counter()
    result = publish(
        warehouse, [CsvFolderTarget(CsvFolderConfig(exports))], PublishConfig(work_dir=work)
    )
    return time.perf_counter() - started, result.content_sha256, folder_mb(exports)


def copy_once(warehouse: Path, work: Path) -> tuple[float, float]:
    """The floor: one COPY ... TO per kpi table, read-only warehouse."""
    out = work / "copy"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    started = time.perf_counter()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in KPI_TABLES:
            con.execute(f"COPY marts.{table} TO '{out / table}.csv' (HEADER)")
    return time.perf_counter() - started, folder_mb(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    publish_s, copy_s, checksums = [], [], set()
    with tempfile.TemporaryDirectory(prefix="publish-floor-", dir=args.warehouse.parent) as scratch:
        work = Path(scratch)
        for _ in range(args.runs):
            seconds, checksum, exported = publish_once(args.warehouse, work)
            publish_s.append(seconds)
            checksums.add(checksum)
            seconds, copied = copy_once(args.warehouse, work)
            copy_s.append(seconds)
    ours, floor = spread(publish_s), spread(copy_s)
    record(
        "publish",
        {
            "label": args.label,
            "publish_s": ours,
            "copy_to_s": floor,
            "ratio": round(ours["median"] / floor["median"], 2),
            "exports_mb": round(exported, 1),
            "copy_mb": round(copied, 1),
            "same_checksum_every_run": len(checksums) == 1,
            "peak_rss_mb": round(self_peak_rss_mb()),
        },
    )


if __name__ == "__main__":
    main()
