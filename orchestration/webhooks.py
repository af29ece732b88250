"""`kpi-pipeline webhooks`: serve a pushed source's webhook receiver with uvicorn."""

import os
import sys
from pathlib import Path

from connectors.registry import SOURCES, SourcePlugin

DEFAULT_HOST = "127.0.0.1"  # behind a TLS reverse proxy (docs/webhooks.md), never exposed bare
DEFAULT_PORT = 8787
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
