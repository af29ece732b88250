"""Helpers for the webhook tests: a receiver on a free port (thread or process), ingest, raw ids."""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import requests
import uvicorn

from connectors.aircall.messages import MessagesStream
from connectors.aircall.webhooks import WEBHOOK_PATH, ReceiverConfig, create_app
from connectors.landing import sync_stream
from connectors.streams import SyncResult
from connectors.warehouse import ensure_raw_schema

TOKEN = "test-webhook-token"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def receiver_thread(landing_dir: Path, **options: float) -> Iterator[str]:
    """The real app under uvicorn in a thread; leaving closes its open segment (shutdown)."""
    app = create_app(ReceiverConfig(TOKEN, landing_dir, **options))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(),
                                           log_level="warning", lifespan="on"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{server.config.port}{WEBHOOK_PATH}"
    finally:
        server.should_exit = True
        thread.join(10)


def start_receiver_process(landing_dir: Path, segment_seconds: float = 60.0) -> tuple[
    subprocess.Popen, str]:  # fmt: skip
    """``kpi-pipeline webhooks`` in a child process; returns it once it answers."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "AIRCALL_WEBHOOK_TOKEN": TOKEN,
           "WEBHOOK_LANDING_DIR": str(landing_dir),
           "WEBHOOK_SEGMENT_SECONDS": str(segment_seconds)}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", "webhooks", "--port", str(port)],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.post(url, data=b"{}", timeout=1)
            return process, url
        except requests.ConnectionError:
            if process.poll() is not None:
                raise RuntimeError(f"receiver exited: {process.stdout.read()}") from None
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("receiver did not start")


def ingest(landing_dir: Path, warehouse: Path, run_id: str = "run-1", **options) -> SyncResult:
    """One ``aircall/messages`` sync into ``warehouse``."""
    ensure_raw_schema(warehouse)
    return sync_stream(MessagesStream(landing_dir), warehouse, run_id, **options)


def raw_messages(warehouse: Path) -> dict[str, str]:
    """Raw ``aircall/messages`` rows: id → stored status."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "SELECT id, json_extract_string(record, '$.data.status') FROM raw_aircall.messages"
        ).fetchall()
    return dict(rows)


def landed_lines(landing_dir: Path) -> int:
    """Lines in every segment, open or closed."""
    folder = landing_dir / "aircall"
    if not folder.is_dir():
        return 0
    return sum(path.read_bytes().count(b"\n") for path in folder.iterdir() if path.is_file())
