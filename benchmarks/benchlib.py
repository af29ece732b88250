"""What every scale benchmark shares: load average, peak RSS of child processes, medians, results.

Each measurement prints its figures and appends one JSON line to ``benchmarks/results/<name>.jsonl``
with the machine's load average next to it, so a figure taken on a loaded machine says so.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# run_all.py --quick points both at a scratch folder, so a smoke run never overwrites figures.
RESULTS = Path(os.environ.get("KPI_BENCH_RESULTS") or ROOT / "benchmarks" / "results")
DEFAULT_WORK = Path(os.environ.get("KPI_BENCH_WORK") or ROOT / "data" / "bench")
SEED = 42
PII_KEY = "benchmark-key"


def load_average() -> str:
    """``uptime``'s 1/5/15-minute load averages, e.g. ``11.2 9.7 6.4``."""
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


@dataclass(slots=True)
class Timed:
    """One child process: wall seconds, peak RSS in MB, exit code, captured output."""

    seconds: float
    peak_rss_mb: float
    returncode: int
    output: str


def run_timed(
    command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> Timed:
    """Run a command, measuring wall time and its peak RSS (via /usr/bin/time -v when present)."""
    wrapper = ["/usr/bin/time", "-v"] if Path("/usr/bin/time").exists() else []
    started = time.perf_counter()
    done = subprocess.run(
        wrapper + command,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    rss = 0.0
    for line in done.stderr.splitlines():
        if "Maximum resident set size" in line:
            rss = int(line.split(":")[-1]) / 1024
    return Timed(seconds, rss, done.returncode, done.stdout + done.stderr)


def self_peak_rss_mb() -> float:
    """Peak RSS of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def spread(values: list[float]) -> dict[str, float]:
    """Median, min and max of some timings, rounded for printing."""
    return {
        "median": round(statistics.median(values), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
        "runs": len(values),
    }


def record(name: str, figures: dict[str, Any]) -> None:
    """Print figures and append them, with the load average and time, to results/<name>.jsonl."""
    entry = {"at": time.strftime("%Y-%m-%dT%H:%M:%S"), "load": load_average(), **figures}
    print(json.dumps(entry, indent=1, default=str))
    RESULTS.mkdir(parents=True, exist_ok=True)
    with (RESULTS / f"{name}.jsonl").open("a", encoding="utf-8") as out:
        out.write(json.dumps(entry, default=str) + "\n")


def python() -> str:
    """The interpreter running the benchmarks (the project's venv)."""
    return sys.executable


def folder_mb(path: Path) -> float:
    """Total size of the files under a folder (or one file), in MB."""
    if path.is_file():
        return path.stat().st_size / 1e6
    return (
        sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6
        if path.exists()
        else 0.0
    )
