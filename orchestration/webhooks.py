"""`kpi-pipeline webhooks`: serve the Aircall webhook receiver with uvicorn."""

import os
import sys
from pathlib import Path

from connectors.aircall.messages_source import AIRCALL_MESSAGES_SOURCE
from connectors.aircall.webhooks import WEBHOOK_PATH, config_from_environment

DEFAULT_HOST = "127.0.0.1"  # behind a TLS reverse proxy (docs/webhooks.md), never exposed bare
DEFAULT_PORT = 8787
APP_FACTORY = "connectors.aircall.webhooks:app_from_environment"


def serve_webhooks(host: str, port: int, workers: int = 1) -> int:
    """Run the receiver until interrupted; 2 when the token is not configured.

    Args:
        host: interface to bind.
        port: TCP port.
        workers: uvicorn worker processes; each writes its own landing segments.
    """
    import uvicorn

    from orchestration.settings import load_dotenv_file

    load_dotenv_file()
    settings = AIRCALL_MESSAGES_SOURCE.settings(os.environ)
    if AIRCALL_MESSAGES_SOURCE.missing_credentials(os.environ):
        print("error: set AIRCALL_WEBHOOK_TOKEN to the token of the Aircall webhook",
              file=sys.stderr)  # fmt: skip
        return 2
    # Workers are fresh processes that build their app from the environment.
    os.environ["WEBHOOK_LANDING_DIR"] = settings["WEBHOOK_LANDING_DIR"]
    config = config_from_environment(os.environ)
    print(f"Aircall webhooks: POST http://{host}:{port}{WEBHOOK_PATH}", flush=True)
    print(f"landing events in {Path(config.folder).resolve()}", flush=True)
    uvicorn.run(APP_FACTORY, factory=True, host=host, port=port, workers=workers,
                log_level="warning", access_log=False)  # fmt: skip
    return 0
