"""The demo end to end: `kpi-pipeline run --sandbox` (default size) in a scratch data folder.

Usage: .venv/bin/python benchmarks/demo.py [--runs 1]
Times the whole command (sandbox start, ingest, dbt build, publish) and its peak RSS.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import PII_KEY, folder_mb, record, run_timed, spread

CLI = str(Path(sys.executable).with_name("kpi-pipeline"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    seconds, rss, sizes = [], [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="demo-") as scratch:
            env = {
                "DUCKDB_PATH": f"{scratch}/warehouse.duckdb",
                "EXPORT_DIR": f"{scratch}/exports",
                "PII_HASH_KEY": PII_KEY,
                "DAGSTER_HOME": scratch,
            }
            done = run_timed([CLI, "run", "--sandbox"], env=env)
            if done.returncode != 0:
                raise SystemExit(f"demo failed:\n{done.output[-3000:]}")
            seconds.append(done.seconds)
            rss.append(done.peak_rss_mb)
            sizes.append(folder_mb(Path(scratch) / "warehouse.duckdb"))
            landing = folder_mb(Path(scratch) / "landing")
    record(
        "demo",
        {
            "demo_s": spread(seconds),
            "peak_rss_mb": round(max(rss)),
            "duckdb_mb": round(max(sizes), 1),
            "landing_mb": round(landing, 1),
        },
    )


if __name__ == "__main__":
    main()
