"""Run every scale benchmark in order; ``--quick`` is the CI smoke run (size XS, one run each).

Usage: .venv/bin/python benchmarks/run_all.py [--quick] [--sizes S,M] [--skip-ingest]
Full mode writes S and M, measures transform (3 runs at S, 1 at M), ingest at S, the nightly
increment and publish at the largest size, the rate-limit table and the demo; figures are appended
to benchmarks/results/*.jsonl. Quick mode does the same at XS into a scratch folder and checks
only that everything runs and that floor, marts and exports agree (no timing assertions).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def step(script: str, *args: str) -> None:
    """Run one benchmark script; stop at the first failure."""
    print(f"== {script} {' '.join(args)}", flush=True)
    subprocess.run([sys.executable, str(HERE / script), *args], check=True)


def run(sizes: list[str], runs: int, ingest: bool, demo: bool) -> None:
    for size in sizes:
        step("write_size.py", "--size", size)
        step("transform.py", "--size", size, "--runs", str(runs if size in ("XS", "S") else 1))
    largest = sizes[-1]
    step("increment.py", "--size", largest)
    warehouse = Path(os.environ.get("KPI_BENCH_WORK") or HERE.parent / "data" / "bench")
    step("publish_floor.py", str(warehouse / largest / "transform" / "dbt.duckdb"),
         "--runs", str(runs), "--label", largest)  # fmt: skip
    if ingest:
        step("ingest.py", "--size", sizes[0])
    step("rate_limits.py")
    if demo:
        step("demo.py")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sizes", default=None, help="default S,M; XS with --quick")
    parser.add_argument("--skip-ingest", action="store_true")
    args = parser.parse_args()
    if not args.quick:
        run((args.sizes or "S,M").split(","), 3, not args.skip_ingest, demo=True)
        return
    with tempfile.TemporaryDirectory(prefix="bench-quick-") as scratch:
        os.environ["KPI_BENCH_WORK"] = f"{scratch}/work"
        os.environ["KPI_BENCH_RESULTS"] = f"{scratch}/results"
        run((args.sizes or "XS").split(","), 1, not args.skip_ingest, demo=False)


if __name__ == "__main__":
    main()
