"""`dbt build` against the transform floor on the same raw tables, results checked equal.

Usage: .venv/bin/python benchmarks/transform.py --size S [--runs 3] [--memory-limit 6GB]
       [--floor-on-raw]
Needs the size's raw layer first (benchmarks/write_size.py --size S). Each run copies the raw-only
warehouse twice, builds one copy with dbt and the other with the floor (each in its own process,
timed, peak RSS), then compares the nine kpi tables row for row. ``--floor-on-raw`` (one run)
builds the floor on the raw file itself instead of a second copy, for a size whose two copies
would not fit on the disk (L); the raw layer must be written again afterwards. Prints the
node-level breakdown of the last dbt run (models, tests, seeds, dbt's own time) and the slowest
nodes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import DEFAULT_WORK, PII_KEY, ROOT, folder_mb, python, record, run_timed, spread
from breakdown import node_breakdown
from compare import compare_kpis

from orchestration.project import PRODUCTION_EXCLUDES

DBT = str(Path(sys.executable).with_name("dbt"))
# A copy of the dbt project to try a model change on (benchmarks/README.md "Profile").
PROJECT = Path(os.environ.get("KPI_BENCH_DBT_PROJECT") or ROOT / "dbt_project")


# What a deployment's nightly runs: every model, seed and data test; unit tests are left to CI.
PRODUCT_ARGS = PRODUCTION_EXCLUDES


def dbt_env(warehouse: Path, memory_limit: str | None) -> dict[str, str]:
    """The build's environment; DUCKDB_MEMORY_LIMIT only when asked (else the profile's)."""
    env = {"DUCKDB_PATH": str(warehouse), "PII_HASH_KEY": PII_KEY}
    return env | ({"DUCKDB_MEMORY_LIMIT": memory_limit} if memory_limit else {})


def prepare_parse(warehouse: Path, work: Path, memory_limit: str | None) -> Path:
    """`dbt parse` once, untimed, as `kpi-pipeline prepare` does before a deployment's runs.

    dagster-dbt copies its partial_parse.msgpack into each run's target folder, so a nightly
    re-reads only changed files. It is only valid for the same profile (warehouse path and
    memory limit included), hence one per warehouse path and limit.
    """
    prepared = work / "prepared"
    command = [DBT, "parse", "--profiles-dir", str(PROJECT), "--target-path", str(prepared)]
    done = run_timed(command, env=dbt_env(warehouse, memory_limit), cwd=PROJECT)
    if done.returncode != 0:
        raise SystemExit(f"dbt parse failed:\n{done.output[-4000:]}")
    return prepared / "partial_parse.msgpack"


def dbt_build(warehouse: Path, work: Path, memory_limit: str | None, full_refresh: bool = False):
    """Run `dbt build` on a warehouse as the product does; return the Timed child and its target.

    Parsing is prepared first (untimed) and copied in, as dagster-dbt does for every run.
    """
    parsed = prepare_parse(warehouse, work, memory_limit)
    target = work / "target"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(parsed, target / parsed.name)
    command = [DBT, "build", "--profiles-dir", str(PROJECT), "--target-path", str(target)]
    command += PRODUCT_ARGS + (["--full-refresh"] if full_refresh else [])
    env = dbt_env(warehouse, memory_limit)
    done = run_timed(command, env=env, cwd=PROJECT)
    if done.returncode != 0:
        raise SystemExit(f"dbt build failed:\n{done.output[-4000:]}")
    if "Unable to do partial parsing" in done.output:
        raise SystemExit("dbt re-parsed the project: the prepared parse did not match the build")
    return done, target


def floor_build(warehouse: Path, run_started_at: str, memory_limit: str | None):
    """Run the floor script in its own process on a warehouse."""
    command = [python(), str(ROOT / "benchmarks" / "transform_floor.py"), str(warehouse)]
    command += ["--run-started-at", run_started_at]
    command += ["--memory-limit", memory_limit] if memory_limit else []
    done = run_timed(command, env={"PII_HASH_KEY": PII_KEY})
    if done.returncode != 0:
        raise SystemExit(f"floor failed:\n{done.output[-4000:]}")
    return done


def run_started_at(target: Path) -> str:
    """dbt's run timestamp (seconds) from run_results.json: the floor's "now"."""
    metadata = json.loads((target / "run_results.json").read_text())["metadata"]
    started = metadata.get("invocation_started_at") or metadata["generated_at"]
    return started[:19].replace("T", " ") + "+00:00"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="S")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--memory-limit", default=None)
    parser.add_argument("--raw", type=Path, default=None)
    parser.add_argument("--floor-on-raw", action="store_true")
    args = parser.parse_args()
    if args.floor_on_raw and args.runs != 1:
        raise SystemExit("--floor-on-raw consumes the raw layer: use it with --runs 1")
    raw = args.raw or DEFAULT_WORK / args.size / "warehouse.duckdb"
    work = raw.parent / "transform"
    dbt_times, floor_times, dbt_rss, floor_rss, checks = [], [], [], [], []
    raw_mb = round(folder_mb(raw))
    for _ in range(args.runs):
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        built, floor = work / "dbt.duckdb", work / "floor.duckdb"
        shutil.copyfile(raw, built)
        if args.floor_on_raw:
            floor = raw
        else:
            shutil.copyfile(raw, floor)
        done, target = dbt_build(built, work, args.memory_limit)
        floored = floor_build(floor, run_started_at(target), args.memory_limit)
        dbt_times.append(done.seconds)
        floor_times.append(floored.seconds)
        dbt_rss.append(done.peak_rss_mb)
        floor_rss.append(floored.peak_rss_mb)
        checks.append(compare_kpis(built, floor))
    breakdown = node_breakdown(target / "run_results.json", dbt_times[-1])
    dbt_s, floor_s = spread(dbt_times), spread(floor_times)
    record(
        "transform",
        {
            "size": args.size,
            "memory_limit": args.memory_limit,
            "dbt_args": " ".join(PRODUCT_ARGS) + " (partial parse prepared, as dagster-dbt)",
            "dbt_build_s": dbt_s,
            "floor_s": floor_s,
            "ratio": round(dbt_s["median"] / floor_s["median"], 2),
            # Paired per run (same load): the fairer ratio on a shared machine.
            "paired_ratios": [round(d / f, 2) for d, f in zip(dbt_times, floor_times, strict=True)],
            "dbt_runs_s": [round(t, 1) for t in dbt_times],
            "floor_runs_s": [round(t, 1) for t in floor_times],
            "dbt_peak_rss_mb": max(dbt_rss),
            "floor_peak_rss_mb": max(floor_rss),
            "duckdb_mb_after_dbt": round(folder_mb(built)),
            "raw_mb": raw_mb,
            "kpis_equal": all(check["equal"] for check in checks),
            "kpi_rows": checks[-1]["rows"],
            "breakdown": breakdown,
        },
    )
    if not all(check["equal"] for check in checks):
        raise SystemExit(f"floor and dbt differ: {checks[-1]['differences']}")


if __name__ == "__main__":
    main()
