"""Aircall webhook receiver: events/s and latency with concurrent clients, next to a floor.

The floor is the same clients against a bare uvicorn app that answers 200 without reading the
token or storing anything: the difference is what validation + fsynced landing cost. Both
servers run in their own process (as in production); the clients are separate processes so
they do not share the GIL with each other or with the server.

    .venv/bin/python benchmarks/webhook_receiver.py --clients 8 --events 1000

Prints the figures and appends a row to benchmarks/README.md ("Webhook receiver").
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.benchlib import load_average  # noqa: E402
from sandbox.apis.aircall_webhooks import envelope, sample_messages  # noqa: E402

TOKEN = "benchmark-webhook-token"
README = ROOT / "benchmarks" / "README.md"
SECTION = "## Webhook receiver (issue 11)"
TABLE_HEADER = (
    "| date | load 1/5/15 | clients × events | receiver events/s | p50 / p99 ms "
    "| floor events/s | floor p50 / p99 ms |\n|---|---|---|---|---|---|---|\n"
)


async def floor_app(scope, receive, send) -> None:
    """Answers 200 to anything after reading the body; stores nothing."""
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})  # fmt: skip
    await send({"type": "http.response.body", "body": b'{"status":"ok"}'})


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(command: list[str], env: dict[str, str], url: str) -> subprocess.Popen:
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    for _ in range(300):
        try:
            requests.post(url, data=b"{}", timeout=1)
            return process
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{command} did not start")


def _client(arguments: tuple[str, list[bytes]]) -> list[float]:
    url, bodies = arguments
    latencies = []
    headers = {"content-type": "application/json"}
    with requests.Session() as session:
        for body in bodies:
            started = time.perf_counter()
            response = session.post(url, data=body, headers=headers, timeout=30)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"answer {response.status_code}: {response.text}")
    return latencies


def measure(url: str, clients: int, events: int, seed: int) -> dict[str, float]:
    """Post ``events`` per client from ``clients`` processes; events/s and latency percentiles."""
    shares = [
        [json.dumps(envelope(m, TOKEN)).encode() for m in sample_messages(events, seed + index)]
        for index in range(clients)
    ]
    with multiprocessing.Pool(clients) as pool:
        pool.map(_client, [(url, share[:50]) for share in shares])  # warm-up: connections, JIT-ish
        started = time.perf_counter()
        results = pool.map(_client, [(url, share) for share in shares])
        elapsed = time.perf_counter() - started
    latencies = sorted(value for result in results for value in result)
    cut = statistics.quantiles(latencies, n=100)
    return {"events_per_second": len(latencies) / elapsed, "p50_ms": cut[49] * 1000,
            "p99_ms": cut[98] * 1000, "seconds": elapsed}  # fmt: skip


def _run(clients: int, events: int) -> tuple[dict, dict]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory(prefix="webhook-bench-") as landing:
        port = _free_port()
        url = f"http://127.0.0.1:{port}/webhooks/aircall"
        receiver_env = {**env, "AIRCALL_WEBHOOK_TOKEN": TOKEN, "WEBHOOK_LANDING_DIR": landing}
        command = [sys.executable, "-m", "orchestration.cli", "webhooks", "--port", str(port)]
        receiver = _start(command, receiver_env, url)
        try:
            stored = measure(url, clients, events, seed=1)
        finally:
            receiver.terminate()
            receiver.wait(30)
    port = _free_port()
    floor_command = [sys.executable, "-m", "uvicorn", "benchmarks.webhook_receiver:floor_app",
                     "--port", str(port), "--log-level", "warning", "--no-access-log"]  # fmt: skip
    floor = _start(floor_command, env, f"http://127.0.0.1:{port}/")
    try:
        bare = measure(f"http://127.0.0.1:{port}/", clients, events, seed=1)
    finally:
        floor.terminate()
        floor.wait(30)
    return stored, bare


def _append_to_readme(row: str) -> None:
    text = README.read_text(encoding="utf-8")
    if SECTION not in text:
        text = text.rstrip("\n") + (
            f"\n\n{SECTION}\n\n`.venv/bin/python benchmarks/webhook_receiver.py --clients 8 "
            "--events 1000`: the receiver (`kpi-pipeline webhooks`, one worker, every event "
            "fsynced before its 200) against a floor (bare uvicorn app, answers 200, stores "
            "nothing), same client processes, keep-alive sessions.\n\n" + TABLE_HEADER
        )
    README.write_text(text.rstrip("\n") + "\n" + row + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--events", type=int, default=1000, help="events per client")
    parser.add_argument("--no-readme", action="store_true", help="print only")
    args = parser.parse_args()
    load = load_average()
    stored, bare = _run(args.clients, args.events)
    for label, figures in (("receiver", stored), ("floor", bare)):
        print(f"{label:>8}: {figures['events_per_second']:,.0f} events/s, "
              f"p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms "
              f"({args.clients} clients x {args.events} events, load {load})")  # fmt: skip
    row = (
        f"| {date.today()} | {load} | {args.clients} × {args.events} "
        f"| **{stored['events_per_second']:,.0f}** | {stored['p50_ms']:.1f} / "
        f"{stored['p99_ms']:.1f} | {bare['events_per_second']:,.0f} | {bare['p50_ms']:.1f} / "
        f"{bare['p99_ms']:.1f} |"
    )
    if not args.no_readme:
        _append_to_readme(row)


if __name__ == "__main__":
    main()
