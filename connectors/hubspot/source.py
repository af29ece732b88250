"""The HubSpot plug-in: its variables, its streams and what the sandbox accepts."""

from connectors.config import HubSpotConfig
from connectors.hubspot.streams import build_hubspot_streams
from connectors.sources import SourcePlugin, SourceSettings, Variable
from connectors.streams import Stream
from connectors.transport import Transport


def build_streams(settings: SourceSettings, transport: Transport) -> dict[str, Stream]:
    """HubSpot's streams from its settings; makes no network call."""
    config = HubSpotConfig(
        access_token=settings["HUBSPOT_ACCESS_TOKEN"],
        base_url=settings["HUBSPOT_BASE_URL"],
        full_key_reconciliation_days=settings.integer("FULL_KEY_RECONCILIATION_DAYS"),
        retry=transport.retry,
        sleep=transport.sleep,
        clock=transport.clock,
    )
    return build_hubspot_streams(config)


SOURCE = SourcePlugin(
    name="hubspot",
    label="HubSpot",
    kind="crm",
    tables=("deals", "contacts", "owners", "deal_pipelines", "goal_targets"),
    credentials=(
        Variable("HUBSPOT_ACCESS_TOKEN", "HubSpot private-app access token", secret=True),
    ),
    options=(
        Variable("HUBSPOT_BASE_URL", "HubSpot API root", default="https://api.hubapi.com"),
        Variable(
            "FULL_KEY_RECONCILIATION_DAYS",
            "days between full listings of HubSpot ids that find deletes without a tombstone "
            "(0 = every run)",
            default="7",
        ),
    ),
    build_streams=build_streams,
    sandbox_credentials={"HUBSPOT_ACCESS_TOKEN": "sandbox-hubspot-token"},
)
