"""Aircall's connection check: one user asked for, the smallest list a run reads anyway."""

from connectors.aircall.client import AircallPolicy, build_aircall_client
from connectors.aircall.config import AircallConfig
from connectors.connection_check import probe
from connectors.sources import SourceSettings
from connectors.transport import Transport


def check_aircall(settings: SourceSettings, transport: Transport) -> str:
    """GET /v1/users?per_page=1: proves the API id and token pair and the base URL."""
    config = AircallConfig(
        api_id=settings["AIRCALL_API_ID"],
        api_token=settings["AIRCALL_API_TOKEN"],
        base_url=settings["AIRCALL_BASE_URL"],
        transport=transport,
    )
    client = build_aircall_client(config)
    probe(client, "/v1/users", {"per_page": 1}, "users", AircallPolicy.base_url_hint)
    return f"API key accepted by {client.base_url}"
