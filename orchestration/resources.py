"""Thin Dagster resources over the framework-free connectors and the DuckDB warehouse."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

from connectors.registry import AircallConfig, HubSpotConfig, Stream, build_streams
from orchestration.run_lock import warehouse_lock
from orchestration.settings import setting


class SourcesResource(dg.ConfigurableResource):
    """Vendor credentials and endpoints; secrets arrive as `dg.EnvVar`, never as plain config.

    Base URLs left empty fall back to HUBSPOT_BASE_URL / AIRCALL_BASE_URL, then to the vendors'
    public hosts, so the same definitions serve the sandbox and real accounts.
    """

    hubspot_access_token: str
    aircall_api_id: str
    aircall_api_token: str
    hubspot_base_url: str = ""
    aircall_base_url: str = ""

    def streams(self) -> dict[str, Stream]:
        """Build every stream declaration, keyed like `hubspot/deals`."""
        hubspot = HubSpotConfig(
            access_token=self.hubspot_access_token,
            base_url=self.hubspot_base_url or setting("HUBSPOT_BASE_URL"),
        )
        aircall = AircallConfig(
            api_id=self.aircall_api_id,
            api_token=self.aircall_api_token,
            base_url=self.aircall_base_url or setting("AIRCALL_BASE_URL"),
        )
        return build_streams(hubspot=hubspot, aircall=aircall)


class WarehouseResource(dg.ConfigurableResource):
    """Where the DuckDB warehouse lives (DUCKDB_PATH, else data/warehouse.duckdb)."""

    duckdb_path: str = ""

    def path(self) -> Path:
        path = Path(self.duckdb_path or setting("DUCKDB_PATH")).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Refuse to write while another run writes the same warehouse file."""
        with warehouse_lock(self.path()):
            yield
