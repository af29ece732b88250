"""Land the vendor sandbox into a DuckDB raw layer (every stream synced), for dbt builds in tests.

Usage: ``python tests/dbt/sandbox_warehouse.py PATH [SCALE]``.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

SANDBOX_SEED = 42
SANDBOX_AS_OF = dt.date(2026, 6, 15)  # fixed, so the data set is the same on every run


def sync_sandbox(path: Path, scale: float = 1.0, as_of: dt.date = SANDBOX_AS_OF) -> dict[str, int]:
    """Start the sandbox, sync every stream into `path`, return rows written per stream."""
    from connectors.aircall.config import AircallConfig
    from connectors.hubspot.config import HubSpotConfig
    from connectors.registry import config_streams, sync_stream
    from sandbox import SandboxConfig, start_sandbox

    written: dict[str, int] = {}
    with start_sandbox(SandboxConfig(seed=SANDBOX_SEED, scale=scale, as_of=as_of)) as sandbox:
        streams = config_streams(
            HubSpotConfig("sandbox-hubspot-token", base_url=sandbox.base_url),
            AircallConfig(
                "sandbox-aircall-id",
                "sandbox-aircall-token",
                base_url=sandbox.base_url,
                # the sandbox year ends at as_of; the default history is relative to today
                start_date=as_of - dt.timedelta(days=400),
            ),
        )
        for key, stream in streams.items():
            written[key] = sync_stream(stream, path, "dbt-tests").records
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1])
    started = time.monotonic()
    result = sync_sandbox(target, float(sys.argv[2]) if len(sys.argv) > 2 else 1.0)
    for key, value in result.items():
        print(key, value)
    print(f"synced in {time.monotonic() - started:.1f}s")
