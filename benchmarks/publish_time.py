"""Time publish() per target on fake marts of N rows per table (default 100k), or on a real
warehouse built by the pipeline (`--duckdb data/warehouse.duckdb`, e.g. after `make demo`).

Usage: .venv/bin/python benchmarks/publish_time.py [--rows 100000 | --duckdb PATH]
Starts its own PostgreSQL (if installed) and GCS emulator, like the tests.
"""

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "publishing")]

from publishing_servers import (  # noqa: E402
    GCS_BUCKET,
    emulator_client,
    postgres_bin_dir,
    running_gcs_emulator,
    running_postgres,
)
from publishing_warehouse import make_large_warehouse  # noqa: E402

from publishing import CsvFolderConfig, CsvFolderTarget, PublishConfig, publish  # noqa: E402
from publishing.targets.base import Target  # noqa: E402
from publishing.targets.gcs import GcsConfig, GcsTarget  # noqa: E402
from publishing.targets.postgres import PostgresConfig, PostgresTarget  # noqa: E402


def timed(label: str, warehouse: Path, targets: Callable[[], list[Target]]) -> None:
    """Publish twice (first, then a re-publish against a baseline) and print both timings."""
    config = PublishConfig(work_dir=warehouse.parent)
    for run in ("first", "again"):
        started = time.perf_counter()
        result = publish(warehouse, targets(), config)
        elapsed = time.perf_counter() - started
        print(f"{label:<10} {run:<6} {elapsed:6.2f} s  {sum(result.row_counts.values()):>9} rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000, help="rows per mart table")
    parser.add_argument("--duckdb", type=Path, default=None, help="a real warehouse to publish")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="publish-bench-") as scratch:
        work = Path(scratch)
        if args.duckdb:
            warehouse = Path(shutil.copyfile(args.duckdb, work / "warehouse.duckdb"))
            print(f"real marts from {args.duckdb}")
        else:
            warehouse = make_large_warehouse(work / "warehouse.duckdb", args.rows)
            print(f"{args.rows} rows per table x 8 tables")
        print(f"warehouse {warehouse.stat().st_size / 1e6:.0f} MB")
        csv = CsvFolderTarget(CsvFolderConfig(work / "exports"))
        timed("csv", warehouse, lambda: [csv])
        with running_gcs_emulator() as endpoint:
            gcs = GcsTarget(GcsConfig(GCS_BUCKET, "looker"), client=emulator_client(endpoint))
            timed("gcs", warehouse, lambda: [gcs])
            bin_dir = postgres_bin_dir()
            if bin_dir is None:
                print("postgres   skipped: no PostgreSQL server binaries")
                return
            with running_postgres(bin_dir) as server:
                dsn = f"host={server['host']} port={server['port']} user=postgres dbname=postgres"
                postgres = PostgresTarget(PostgresConfig(dsn=dsn))
                timed("postgres", warehouse, lambda: [postgres])
                timed("all three", warehouse, lambda: [csv, gcs, postgres])


if __name__ == "__main__":
    main()
