"""Write a sharded size (sandbox/world/shards.py) into the DuckDB raw layer, in bounded memory.

Each shard is built and written by a worker process into its own DuckDB file, then appended to
the warehouse in shard order, so the result does not depend on which worker finished first. A
worker holds one shard's plan (an M-sized lead book) and exits after it: with two workers the
memory is about two M businesses, whatever the number of shards. What the whole size shares is
written once: the roster (owners, Aircall users, numbers, teams, pipelines) from shard 0, and
the goal targets from the won revenue of every shard. Only HubSpot and Aircall are written: the
messaging and Pipedrive renderings read the whole business (sandbox/raw_writer.py).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from connectors.warehouse import create_raw_schema, raw_table
from sandbox.raw_writer import (
    backdate_loaded_at,
    load_stream,
    render_goal_targets,
    store_cursors,
    stream_records,
    stream_shapes,
    sync_cursors,
)
from sandbox.world.business import monthly_revenue
from sandbox.world.clock import Calendar
from sandbox.world.objects import ObjectStore
from sandbox.world.records import build_goals
from sandbox.world.shards import Shard
from sandbox.world.sizes import Size, shard_business, staffing

SHARDED_STREAMS = ("hubspot/deals", "hubspot/contacts", "aircall/calls")
ROSTER_STREAMS = (
    "hubspot/owners",
    "hubspot/deal_pipelines",
    "aircall/users",
    "aircall/numbers",
    "aircall/teams",
)
GOALS_STREAM = "hubspot/goal_targets"
# A worker's DuckDB only appends NDJSON chunks: one thread and a small cache leave the cores
# and the memory to the generators.
WORKER_DUCKDB = {"threads": 1, "memory_limit": "1GB"}
MAIN_DUCKDB = {"memory_limit": "4GB"}


@dataclass(frozen=True, slots=True)
class ShardJob:
    size: Size
    seed: int
    as_of: dt.date
    shard: Shard
    path: Path
    run_id: str


@dataclass(frozen=True, slots=True)
class SizeWritten:
    rows: dict[str, int]  # per stream
    worker_peak_rss_mb: float  # the largest of the shard workers'


@dataclass(frozen=True, slots=True)
class ShardWritten:
    shard: Shard
    path: Path
    rows: dict[str, int]
    won_revenue: float
    seconds: float
    peak_rss_mb: float


def write_sharded_raw(
    duckdb_path: str | Path,
    size: Size,
    seed: int,
    as_of: dt.date,
    *,
    run_id: str = "raw-writer",
    workers: int = 2,
    progress: Callable[[str], None] | None = None,
) -> SizeWritten:
    """Replace the HubSpot and Aircall raw tables of ``duckdb_path`` with size ``size``.

    Returns rows written per stream and the workers' peak RSS. ``progress`` gets one line per
    shard appended.
    """
    say = progress or (lambda line: print(line, file=sys.stderr, flush=True))
    target = Path(duckdb_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    calendar = Calendar.ending(as_of)
    agents = staffing(size, seed, calendar).agents
    shards = [Shard(index, size.shards) for index in range(size.shards)]
    written = dict.fromkeys((*SHARDED_STREAMS, *ROSTER_STREAMS, GOALS_STREAM), 0)
    won, worker_peak = 0.0, 0.0
    started = time.perf_counter()
    # Spawned, not forked: the parent holds an open DuckDB connection and its threads.
    context = multiprocessing.get_context("spawn")
    with (
        tempfile.TemporaryDirectory(dir=target.parent, prefix=".shards-") as tmp,
        duckdb.connect(str(target), config=MAIN_DUCKDB) as con,
        context.Pool(max(1, min(workers, len(shards))), maxtasksperchild=1) as pool,
    ):
        create_raw_schema(con)
        for stream in written:
            con.execute(f"DELETE FROM {raw_table(stream)}")
        jobs = [
            ShardJob(size, seed, as_of, shard, Path(tmp) / f"shard-{shard.index}.duckdb", run_id)
            for shard in shards
        ]
        for done in pool.imap(write_shard, jobs):
            _append(con, done)
            for stream, rows in done.rows.items():
                written[stream] += rows
            won += done.won_revenue
            worker_peak = max(worker_peak, done.peak_rss_mb)
            say(
                f"shard {done.shard.index + 1}/{done.shard.count}: "
                f"{done.rows['aircall/calls']:,} calls, {done.rows['hubspot/contacts']:,} "
                f"contacts in {done.seconds:.0f} s (worker peak {done.peak_rss_mb:,.0f} MB); "
                f"{time.perf_counter() - started:.0f} s so far"
            )
        goals = ObjectStore(build_goals(seed, calendar, agents, monthly_revenue(won, agents)))
        shape = stream_shapes()[GOALS_STREAM]
        written[GOALS_STREAM] = load_stream(
            con, GOALS_STREAM, render_goal_targets(goals), shape, Path(tmp), run_id
        )
        backdate_loaded_at(con, calendar.end)
        store_cursors(con, sync_cursors(con, calendar.end))
    return SizeWritten(written, worker_peak)


def write_shard(job: ShardJob) -> ShardWritten:
    """Build one shard's business and write its streams into a DuckDB file of its own."""
    started = time.perf_counter()
    business = shard_business(job.size, job.seed, job.as_of, job.shard)
    records = stream_records(business)
    streams = SHARDED_STREAMS + (ROSTER_STREAMS if job.shard.index == 0 else ())
    shapes = stream_shapes()
    rows: dict[str, int] = {}
    chunks = job.path.with_suffix(".chunks")  # workers must not share a chunk file
    chunks.mkdir()
    with duckdb.connect(str(job.path), config=WORKER_DUCKDB) as con:
        create_raw_schema(con)
        for stream in streams:
            rows[stream] = load_stream(
                con, stream, records[stream], shapes[stream], chunks, job.run_id
            )
    chunks.rmdir()
    return ShardWritten(
        job.shard,
        job.path,
        rows,
        business.won_revenue(),
        time.perf_counter() - started,
        _own_peak_rss_mb(),
    )


def _own_peak_rss_mb() -> float:
    """This process's peak RSS. Not ``getrusage``: Linux keeps ``ru_maxrss`` across the
    fork and exec that spawn a worker, so a worker would report the parent's peak if larger;
    ``VmHWM`` belongs to the process image and starts afresh at exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _append(con: duckdb.DuckDBPyConnection, done: ShardWritten) -> None:
    con.execute(f"ATTACH '{done.path}' AS shard (READ_ONLY)")
    try:
        for stream in done.rows:
            table = raw_table(stream)
            con.execute(f"INSERT INTO {table} SELECT * FROM shard.{table}")
    finally:
        con.execute("DETACH shard")
    done.path.unlink()
