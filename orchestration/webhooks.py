"""`kpi-pipeline webhooks`: serve a pushed source's webhook receiver with uvicorn; and the same
receiver in a background thread, for sandbox runs that push their events to it."""

import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from connectors.registry import SOURCES, SourcePlugin
from connectors.sources import SourceSettings

DEFAULT_HOST = "127.0.0.1"  # behind a TLS reverse proxy (docs/webhooks.md), never exposed bare
DEFAULT_PORT = 8787
LOOPBACK = "127.0.0.1"
# The landing root webhook sources share (each lands in its own subfolder of it).
LANDING_VARIABLE = "WEBHOOK_LANDING_DIR"
START_SECONDS = 30  # the receiver's startup (orphan recovery included) must finish by then
STOP_SECONDS = 30  # in-flight events answered and the open segment closed by then
SOURCE_VARIABLE = "WEBHOOK_SOURCE"  # tells each uvicorn worker which receiver to build
APP_FACTORY = "orchestration.webhooks:app_from_environment"


def webhook_sources() -> tuple[SourcePlugin, ...]:
    """The registered sources that receive webhooks."""
    return tuple(source for source in SOURCES if source.webhook is not None)


def serve_webhooks(host: str, port: int, workers: int = 1, source_name: str = "") -> int:
    """Run a receiver until interrupted; 2 when its credentials are not configured.

    Args:
        host: interface to bind.
        port: TCP port.
        workers: uvicorn worker processes; each writes its own landing segments.
        source_name: which webhook source to serve (default: the first registered).
    """
    import uvicorn

    from orchestration.settings import load_dotenv_file

    load_dotenv_file()
    sources = webhook_sources()
    chosen = next((s for s in sources if s.name == (source_name or s.name)), None)
    if chosen is None or chosen.webhook is None:
        names = ", ".join(source.name for source in sources) or "none"
        print(f"error: no webhook source {source_name!r}; registered: {names}", file=sys.stderr)
        return 2
    if missing := chosen.missing_credentials(os.environ):
        needed = ", ".join(f"{item.name} ({item.meaning})" for item in missing)
        print(f"error: {chosen.label}: set {needed}", file=sys.stderr)
        return 2
    # Workers are fresh processes that build their app from the environment: pin the defaults.
    settings = chosen.settings(os.environ)
    os.environ.update({item.name: settings[item.name] for item in chosen.options})
    os.environ[SOURCE_VARIABLE] = chosen.name
    print(f"{chosen.label}: POST http://{host}:{port}{chosen.webhook.path}", flush=True)
    for item in chosen.options:
        print(f"{item.name}={Path(settings[item.name]).resolve()}", flush=True)
    uvicorn.run(APP_FACTORY, factory=True, host=host, port=port, workers=workers,
                log_level="warning", access_log=False)  # fmt: skip
    return 0


def app_from_environment():
    """uvicorn's factory: the receiver of the source named in WEBHOOK_SOURCE."""
    source = next(s for s in webhook_sources() if s.name == os.environ[SOURCE_VARIABLE])
    assert source.webhook is not None
    return source.webhook.build_app(source.settings(os.environ))


@contextmanager
def receiver_in_thread(source: SourcePlugin, settings: SourceSettings) -> Iterator[str]:
    """Serve a source's receiver on a free loopback port in a background thread.

    Leaving the block stops it the way SIGTERM stops ``kpi-pipeline webhooks``: in-flight
    events are answered and the app's shutdown closes its open landing segment, so an ingest
    that follows reads every acknowledged event.

    Args:
        source: a plug-in with a ``webhook``.
        settings: its settings (landing folder, token).

    Yields:
        The receiver's full URL, e.g. ``http://127.0.0.1:50123/webhooks/<vendor>``.

    Raises:
        RuntimeError: the receiver did not start, or did not stop in time.
    """
    import uvicorn

    if source.webhook is None:
        raise ValueError(f"{source.name} receives no webhooks")
    listener = socket.socket()
    listener.bind((LOOPBACK, 0))  # bound here, so the port is known and nobody takes it first
    port = listener.getsockname()[1]
    config = uvicorn.Config(source.webhook.build_app(settings), log_level="warning",
                            access_log=False, lifespan="on")  # fmt: skip
    server = uvicorn.Server(config)
    # Not the main thread: uvicorn leaves the process's signal handlers alone.
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            listener.close()
            raise RuntimeError(f"{source.label}: the webhook receiver did not start")
        time.sleep(0.01)
    try:
        yield f"http://{LOOPBACK}:{port}{source.webhook.path}"
    finally:
        server.should_exit = True
        thread.join(STOP_SECONDS)
        listener.close()
        if thread.is_alive():
            raise RuntimeError(f"{source.label}: the webhook receiver did not stop")
