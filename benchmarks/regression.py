"""Performance regression check (fault 38): ingest rows/s, dbt build wall time, peak memory and the
DuckDB file size of one full run on the sandbox, compared with a recorded baseline.

Usage:
    .venv/bin/python benchmarks/regression.py                 # scale 1, compare, exit 1 if worse
    .venv/bin/python benchmarks/regression.py --record        # measure and write the baseline
    .venv/bin/python benchmarks/regression.py --smoke         # tiny scale, no timing assertion

A metric regresses when it is more than ``--tolerance`` (20 %) worse than the baseline: lower
records/s, or more seconds, megabytes of RSS or megabytes on disk. Timings depend on the machine
and its load; record the baseline on the machine that compares, when it is otherwise idle.
"""

import argparse
import ast
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BASELINE = REPO / "benchmarks" / "baseline.json"
SEED, AS_OF = 42, date(2026, 6, 15)  # a fixed data set, the same on every run
SMOKE_SCALE = 0.05
TOLERANCE = 0.20
# metric -> True when higher is better
METRICS = {
    "ingest_records_per_second": True,
    "ingest_peak_rss_mb": False,
    "dbt_build_seconds": False,
    "dbt_peak_rss_mb": False,
    "duckdb_file_mb": False,
}
SERVE = (
    "from datetime import date; from sandbox import SandboxConfig, serve_forever; "
    "serve_forever(SandboxConfig(seed={seed}, scale={scale}, as_of=date.fromisoformat('{as_of}')),"
    " port=0)"
)


@dataclass(frozen=True, slots=True)
class Verdict:
    """One metric against its baseline."""

    metric: str
    baseline: float
    measured: float
    change: float  # relative, positive = worse
    regressed: bool


@contextmanager
def sandbox_process(scale: float) -> Iterator[tuple[str, dict[str, int]]]:
    """The sandbox in its own process (as a real vendor is); yields its URL and totals."""
    code = SERVE.format(seed=SEED, scale=scale, as_of=AS_OF.isoformat())
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
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
        child.wait(timeout=30)


def ingest(base_url: str, path: Path) -> tuple[int, float]:
    """Full load of every stream; returns (records, wall seconds)."""
    from connectors.aircall.config import AircallConfig
    from connectors.hubspot.config import HubSpotConfig
    from connectors.registry import config_streams, sync_stream

    streams = config_streams(
        HubSpotConfig("sandbox-hubspot-token", base_url=base_url),
        AircallConfig("sandbox-aircall-id", "sandbox-aircall-token", base_url=base_url,
                      start_date=AS_OF - timedelta(days=400)),
    )  # fmt: skip
    started, records = time.perf_counter(), 0
    for stream in streams.values():
        records += sync_stream(stream, path, "regression").records
    return records, time.perf_counter() - started


def landed_rows(path: Path) -> dict[str, int]:
    """Raw rows per stream, archived included (what the sandbox totals count)."""
    from connectors.aircall.source import SOURCE as AIRCALL
    from connectors.hubspot.source import SOURCE as HUBSPOT
    from connectors.registry import raw_row_count

    return {
        name: raw_row_count(path, name, include_archived=True)
        for name in HUBSPOT.stream_names + AIRCALL.stream_names
    }


def dbt_build(path: Path, scratch: Path) -> tuple[float, float]:
    """`dbt build` on the warehouse in a child process; returns (wall seconds, peak RSS MB)."""
    project = REPO / "dbt_project"
    command = [
        str(Path(sys.executable).with_name("dbt")), "build", "--quiet",
        "--project-dir", str(project), "--profiles-dir", str(project),
        "--target-path", str(scratch / "target"), "--log-path", str(scratch / "logs"),
    ]  # fmt: skip
    env = os.environ | {"DUCKDB_PATH": str(path), "PII_HASH_KEY": "regression-benchmark-key"}
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=REPO, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"dbt build failed (exit {os.waitstatus_to_exitcode(status)})")
    return seconds, usage.ru_maxrss / 1024


def measure(scale: float) -> dict[str, float]:
    """One full run on the sandbox at ``scale``: ingest, then dbt build; every metric."""
    with tempfile.TemporaryDirectory(prefix="kpi-regression-") as folder:
        path = Path(folder) / "warehouse.duckdb"
        with sandbox_process(scale) as (url, totals):
            records, ingest_seconds = ingest(url, path)
        if landed_rows(path) != totals:
            raise SystemExit(f"ingest landed {landed_rows(path)}, the sandbox holds {totals}")
        ingest_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        dbt_seconds, dbt_rss = dbt_build(path, Path(folder))
        return {
            "records": float(records),
            "ingest_seconds": round(ingest_seconds, 2),
            "ingest_records_per_second": round(records / ingest_seconds, 1),
            "ingest_peak_rss_mb": round(ingest_rss, 1),
            "dbt_build_seconds": round(dbt_seconds, 2),
            "dbt_peak_rss_mb": round(dbt_rss, 1),
            "duckdb_file_mb": round(path.stat().st_size / 1e6, 2),
        }


def compare(
    baseline: dict[str, float], measured: dict[str, float], tolerance: float = TOLERANCE
) -> list[Verdict]:
    """Each tracked metric against the baseline; ``regressed`` when worse by more than tolerance.

    Args:
        baseline: the recorded metrics.
        measured: this run's metrics.
        tolerance: the allowed relative worsening (0.20 = 20 %).

    Returns:
        One verdict per metric of ``METRICS``.
    """
    verdicts = []
    for metric, higher_is_better in METRICS.items():
        old, new = float(baseline[metric]), float(measured[metric])
        change = (old - new) / old if higher_is_better else (new - old) / old
        verdicts.append(Verdict(metric, old, new, round(change, 4), change > tolerance))
    return verdicts


def machine() -> dict[str, object]:
    """What the figures depend on, written next to them."""
    load = os.getloadavg()
    return {
        "cpus": os.cpu_count(),
        "load_average_1_5_15": [round(value, 2) for value in load],
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def main() -> None:
    """Measure, then record the baseline or compare with it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    parser.add_argument("--tolerance", type=float, default=TOLERANCE)
    parser.add_argument("--record", action="store_true", help="write the baseline and stop")
    parser.add_argument("--smoke", action="store_true", help="tiny scale, no timing assertion")
    parser.add_argument("--json-out", type=Path, help="also write this run's figures here")
    args = parser.parse_args()
    scale = SMOKE_SCALE if args.smoke else args.scale
    measured = measure(scale)
    report = {"scale": scale, "machine": machine(), "metrics": measured,
              "measured_at": datetime.now(UTC).isoformat(timespec="seconds")}  # fmt: skip
    print(json.dumps(report, indent=2))
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2) + "\n")
    if args.record:
        args.baseline.write_text(json.dumps(report, indent=2) + "\n")
        print(f"baseline written to {args.baseline}")
        return
    if args.smoke:
        return
    baseline = json.loads(args.baseline.read_text())
    if baseline["scale"] != scale:
        raise SystemExit(f"the baseline is for scale {baseline['scale']}, this run is {scale}")
    verdicts = compare(baseline["metrics"], measured, args.tolerance)
    for v in verdicts:
        flag = "REGRESSED" if v.regressed else "ok"
        print(f"{v.metric:<28} {v.baseline:>10} -> {v.measured:>10}  {v.change:+.1%}  {flag}")
    if any(v.regressed for v in verdicts):
        raise SystemExit(f"performance regression beyond {args.tolerance:.0%}: see above")


if __name__ == "__main__":
    main()
