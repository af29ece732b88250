"""Pipedrive's connection check: one pipeline asked for, the smallest v2 list a run reads."""

from connectors.connection_check import probe
from connectors.pipedrive.client import PipedrivePolicy, build_pipedrive_client
from connectors.pipedrive.config import PipedriveConfig
from connectors.sources import SourceSettings
from connectors.transport import Transport


def check_pipedrive(settings: SourceSettings, transport: Transport) -> str:
    """GET /api/v2/pipelines?limit=1: proves the API token and the company's base URL."""
    config = PipedriveConfig(
        api_token=settings["PIPEDRIVE_API_TOKEN"],
        base_url=settings["PIPEDRIVE_BASE_URL"],
        transport=transport,
    )
    client = build_pipedrive_client(config)
    probe(client, "/api/v2/pipelines", {"limit": 1}, "data", PipedrivePolicy.base_url_hint)
    return f"API token accepted by {client.base_url}"
