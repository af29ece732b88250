"""Serve a contact-centre size over HTTP (the sandbox in its own process, as a vendor would be).

Usage: .venv/bin/python benchmarks/serve_size.py --size S
Prints ``URL <base url>`` and ``TOTALS <json>`` once ready, then serves until terminated.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import signal
import threading

from sandbox import start_sandbox
from sandbox.world.sizes import size_business, size_named

SEED = 42


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="S")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 6, 15))
    args = parser.parse_args()
    business = size_business(size_named(args.size), SEED, args.as_of)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with start_sandbox(business=business) as sandbox:
        print(f"URL {sandbox.base_url}", flush=True)
        print(f"TOTALS {json.dumps(sandbox.totals())}", flush=True)
        stop.wait()


if __name__ == "__main__":
    main()
