"""Backdate ``_loaded_at`` of a raw layer written before raw_writer did it (see backdate_loaded_at).

Usage: .venv/bin/python benchmarks/backdate.py WAREHOUSE [--as-of 2026-06-15]
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import duckdb

from sandbox.raw_writer import backdate_loaded_at
from sandbox.world.clock import Calendar


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 6, 15))
    args = parser.parse_args()
    with duckdb.connect(str(args.warehouse)) as con:
        backdate_loaded_at(con, Calendar.ending(args.as_of).end)


if __name__ == "__main__":
    main()
