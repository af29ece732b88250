"""HubSpot's connection check: one owner asked for, the cheapest read a run makes anyway."""

from connectors.connection_check import probe
from connectors.hubspot.client import HubSpotPolicy, build_hubspot_client
from connectors.hubspot.config import HubSpotConfig
from connectors.sources import SourceSettings
from connectors.transport import Transport


def check_hubspot(settings: SourceSettings, transport: Transport) -> str:
    """GET /crm/v3/owners?limit=1: proves the token, the owners scope and the base URL.

    The other scopes a run needs (deals, contacts, goals) are proved by each stream's first page,
    whose 403 names them (HubSpot has no cheap "which scopes do I have" call for private apps).
    """
    config = HubSpotConfig(
        access_token=settings["HUBSPOT_ACCESS_TOKEN"],
        base_url=settings["HUBSPOT_BASE_URL"],
        transport=transport,
    )
    probe(
        build_hubspot_client(config),
        "/crm/v3/owners",
        {"limit": 1},
        "results",
        HubSpotPolicy.base_url_hint,
    )
    return f"token accepted by {config.base_url} (owners readable)"
