"""Measure ingest throughput (records/s) of every stream against the local sandbox.

Usage: .venv/bin/python benchmarks/ingest_throughput.py [--scale 1.0] [--runs 2]
The sandbox runs in its own process, so its response rendering does not share our GIL.
The first run is a full load into an empty warehouse; later runs are incremental re-reads.
"""

import argparse
import ast
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from connectors.aircall.config import AircallConfig
from connectors.hubspot.config import HubSpotConfig
from connectors.registry import config_streams, sync_stream
from sandbox import SandboxConfig

SERVE = (
    "from sandbox import SandboxConfig, serve_forever; "
    "serve_forever(SandboxConfig(scale={scale}), port=0)"
)


@contextmanager
def sandbox_process(scale: float) -> Iterator[tuple[str, dict[str, int]]]:
    """Run ``serve_forever`` in a child process; yield its base URL and totals."""
    child = subprocess.Popen(
        [sys.executable, "-c", SERVE.format(scale=scale)], stdout=subprocess.PIPE, text=True
    )
    try:
        url, totals = "", {}
        for line in child.stdout or []:
            if line.startswith("Sandbox serving"):
                url = line.split(" on ")[-1].strip()
            if line.startswith("Totals: "):
                totals = ast.literal_eval(line.removeprefix("Totals: ").strip())
                break
        yield url, totals
    finally:
        child.terminate()
        child.wait(timeout=10)


def run_once(base_url: str, as_of: date, path: Path, run_id: str) -> tuple[int, float]:
    """Sync every stream once; print one line per stream; return (records, seconds)."""
    streams = config_streams(
        HubSpotConfig("sandbox-hubspot-token", base_url=base_url),
        AircallConfig(
            "sandbox-aircall-id", "sandbox-aircall-token", base_url=base_url,
            start_date=as_of - timedelta(days=400),
        ),
    )  # fmt: skip
    records, started = 0, time.perf_counter()
    for name, stream in streams.items():
        result = sync_stream(stream, path, run_id)
        rate = result.records / result.elapsed_seconds if result.elapsed_seconds else 0.0
        print(
            f"  {name:<24} {result.records:>8} records {result.pages:>6} pages "
            f"{result.elapsed_seconds:>7.2f} s {rate:>9.0f} rec/s  "
            f"+{result.inserted} ~{result.updated}"
        )
        records += result.records
    return records, time.perf_counter() - started


def main() -> None:
    """Start the sandbox, sync everything ``--runs`` times, print records/s per run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    config = SandboxConfig(scale=args.scale)
    with tempfile.TemporaryDirectory() as folder, sandbox_process(args.scale) as (url, totals):
        path = Path(folder) / "warehouse.duckdb"
        print(f"sandbox scale={args.scale} at {url} totals={totals}")
        for run in range(1, args.runs + 1):
            kind = "full load" if run == 1 else "incremental"
            print(f"run {run} ({kind}):")
            records, seconds = run_once(url, config.as_of, path, f"bench-{run}")
            print(f"  TOTAL {records} records in {seconds:.2f} s = {records / seconds:.0f} rec/s")
        size = path.stat().st_size / 1e6
        print(f"warehouse file: {size:.1f} MB")


if __name__ == "__main__":
    main()
