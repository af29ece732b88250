"""Start and stop the sandbox from Python (tests, benchmarks) or block on it (the CLI)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

from sandbox.apis import aircall_webhooks
from sandbox.apis.pipedrive_changes import mutate_pipedrive
from sandbox.apis.pipedrive_records import PipedriveCrm, build_pipedrive
from sandbox.apis.webhook_delivery import Delivery
from sandbox.config import (
    AIRCALL_API_ID,
    AIRCALL_API_TOKEN,
    HUBSPOT_TOKEN,
    SandboxConfig,
)
from sandbox.server.faults import Fault
from sandbox.server.http_server import SandboxHTTPServer, serve_in_thread
from sandbox.world.business import Business
from sandbox.world.mutations import mutate

ROOT_VENDORS = frozenset({"hubspot", "aircall"})
# Pushed sources (source plug-in name -> what the sandbox sends to its receiver).
WEBHOOK_FEEDS: dict[str, Callable[[Business, str, str], Delivery]] = {
    "aircall_messages": aircall_webhooks.deliver_world,
}


class RunningSandbox:
    """A sandbox serving on `base_url` until `stop()` (also a context manager)."""

    def __init__(self, business: Business, server: SandboxHTTPServer, thread: threading.Thread):
        self.business = business
        self.config = server.app.config
        self._server = server
        self._thread = thread
        host, port = server.server_address[:2]
        self.port = int(port)
        self.base_url = f"http://{host}:{self.port}"

    def base_url_for(self, vendor: str) -> str:
        """The base URL a vendor's connector is pointed at: HubSpot and Aircall are served at
        the root (their paths do not collide), every other vendor under ``/<vendor>``."""
        return self.base_url if vendor in ROOT_VENDORS else f"{self.base_url}/{vendor}"

    @property
    def pipedrive(self) -> PipedriveCrm:
        """The business as Pipedrive serves it (shared by every server of this business)."""
        return self.business.rendering("pipedrive", build_pipedrive)

    def deliver_webhooks(self, source_name: str, url: str, token: str) -> Delivery:
        """Send a pushed source's events of this world to its receiver, as the vendor would
        (each event until a 2xx, a few of them twice); ``describe()`` the result in one line.

        Args:
            source_name: the source plug-in's name.
            url: the receiver's full URL.
            token: the webhook token the receiver expects.

        Raises:
            KeyError: the sandbox has no feed for that source.
        """
        return WEBHOOK_FEEDS[source_name](self.business, url, token)

    def mutate_pipedrive(self, at: int | None = None, **counts: int) -> dict[str, list[int]]:
        """See ``sandbox.apis.pipedrive_changes.mutate_pipedrive`` for the keys."""
        return mutate_pipedrive(self.pipedrive, at, **counts)

    def __enter__(self) -> RunningSandbox:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def env(self) -> dict[str, str]:
        """The environment variables that point the real connectors at this sandbox."""
        return sandbox_env(self.base_url)

    def totals(self) -> dict[str, int]:
        return self.business.totals()

    def mutate(self, **counts: int) -> dict[str, Any]:
        """See `sandbox.world.mutations.mutate` for the keys."""
        return mutate(self.business, **counts)

    def mutate_during(self, prefix: str, after: int, **counts: int) -> None:
        """Apply a mutation just before the request after the first ``after`` ones under
        ``prefix``, e.g. an edit between pages 1 and 2 of a search:
        ``mutate_during("/crm/v3/objects/contacts/search", 1, edit_oldest_contacts=1)``.
        What it changed is in ``mid_sync_changes()``."""
        self.add_fault(prefix, "mutate", skip=after, mutation=counts)

    def mid_sync_changes(self) -> list[dict[str, Any]]:
        """The results of the ``mutate`` faults that fired, in order."""
        return list(self._server.app.mid_sync_changes)

    def add_fault(self, prefix: str, kind: str, **options: Any) -> None:
        """Arm a fault (see `Fault`), e.g. a 429 with `Retry-After: 1` on the next calls page:

        `add_fault("/v1/calls", "status", status=429, headers={"Retry-After": "1"})`.
        """
        self._server.app.faults.add(Fault.from_json({"prefix": prefix, "kind": kind, **options}))

    def clear_faults(self) -> None:
        self._server.app.faults.clear()

    def stats(self) -> dict[str, int]:
        """Requests served per path since start (or the last `clear_stats`)."""
        return self._server.app.stats.snapshot()

    def clear_stats(self) -> None:
        self._server.app.stats.clear()


def sandbox_env(base_url: str) -> dict[str, str]:
    return {
        "HUBSPOT_BASE_URL": base_url,
        "HUBSPOT_ACCESS_TOKEN": HUBSPOT_TOKEN,
        "AIRCALL_BASE_URL": base_url,
        "AIRCALL_API_ID": AIRCALL_API_ID,
        "AIRCALL_API_TOKEN": AIRCALL_API_TOKEN,
    }


def start_sandbox(
    config: SandboxConfig | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    business: Business | None = None,
) -> RunningSandbox:
    """Build the business (or reuse `business`) and serve it in a background thread.

    Args:
        config: the business and API settings; defaults to `SandboxConfig()`.
        host: interface to bind.
        port: 0 picks a free port (read it back from `.port` / `.base_url`).
        business: an already built business to share between servers (tests); its data
            wins over `config`, whose caps and limits still apply to this server.

    Returns:
        The running sandbox; call `stop()` or use it in a `with` block.
    """
    if business is None:
        business = Business(config or SandboxConfig())
    server, thread = serve_in_thread(business, config or business.config, host, port)
    return RunningSandbox(business, server, thread)


def serve_forever(config: SandboxConfig, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve until Ctrl-C, printing the URL and the environment to export (the CLI command)."""
    print(
        f"Building the synthetic business (scale {config.scale}, as of {config.as_of})...",
        flush=True,
    )
    sandbox = start_sandbox(config, host, port)
    print(f"Sandbox serving HubSpot + Aircall on {sandbox.base_url}", flush=True)
    print("Point the pipeline at it with:", flush=True)
    for name, value in sandbox.env().items():
        print(f"  export {name}={value}", flush=True)
    print(f"Totals: {sandbox.totals()}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
        print("Sandbox stopped.", flush=True)
