"""Write a contact-centre size (XS, S, M, L) straight into a DuckDB raw layer, no HTTP.

Usage: .venv/bin/python benchmarks/write_size.py --size S [--out data/bench/S/warehouse.duckdb]
       [--messaging]  (also the WhatsApp/SMS threads: raw_twilio.*, raw_aircall.messages)
Prints records per stream, generation and load time, peak RSS and the file size.
A sharded size (L) is built shard by shard in --workers processes (sandbox/sharded_writer.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import DEFAULT_WORK, SEED, folder_mb, record, self_peak_rss_mb

from sandbox.raw_writer import write_raw
from sandbox.sharded_writer import write_sharded_raw
from sandbox.world.clock import Calendar
from sandbox.world.sizes import size_business, size_named, staffing

AS_OF = dt.date(2026, 6, 15)  # fixed: every run writes the same data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="S")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF)
    parser.add_argument("--messaging", action="store_true")
    parser.add_argument("--workers", type=int, default=2, help="processes for a sharded size")
    args = parser.parse_args()
    size = size_named(args.size)
    out = args.out or DEFAULT_WORK / size.name / "warehouse.duckdb"
    out.unlink(missing_ok=True)
    started = time.perf_counter()
    if size.shards > 1:
        if args.messaging:
            raise SystemExit(f"--messaging is not written for the sharded size {size.name}")
        staff = staffing(size, SEED, Calendar.ending(args.as_of))
        agents, lines, built = len(staff.agents), len(staff.lines), None
        sharded = write_sharded_raw(out, size, SEED, args.as_of, workers=args.workers)
        written, worker_peak = sharded.rows, round(sharded.worker_peak_rss_mb)
    else:
        # Each day of calls is read once: a day cache would only hold memory.
        business = size_business(size, SEED, args.as_of, args.messaging, call_day_cache=1)
        agents, lines = len(business.agents), len(business.lines)
        built = round(time.perf_counter() - started, 1)
        written, worker_peak = write_raw(out, business, messaging=args.messaging), None
    record(
        "write_size",
        {
            "size": size.name,
            "shards": size.shards,
            "agents": agents,
            "lines": lines,
            "records": written,
            "build_seconds": built,
            "total_seconds": round(time.perf_counter() - started, 1),
            # The parent's peak, and for a sharded size the largest shard worker's.
            "peak_rss_mb": round(self_peak_rss_mb()),
            "worker_peak_rss_mb": worker_peak,
            "duckdb_mb": round(folder_mb(out), 1),
            "path": str(out),
        },
    )


if __name__ == "__main__":
    main()
