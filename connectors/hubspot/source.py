"""HubSpot as a source plug-in: a CRM read with a private-app token."""

from connectors.hubspot.check import check_hubspot
from connectors.hubspot.config import HubSpotConfig
from connectors.hubspot.erasure import ERASURE
from connectors.hubspot.streams import build_hubspot_streams
from connectors.sources import SourcePlugin, SourceSettings, Variable
from connectors.streams import Stream
from connectors.transport import Transport

ACCESS_TOKEN = Variable(
    "HUBSPOT_ACCESS_TOKEN",
    "HubSpot private-app access token (scopes: deals, contacts, owners, goals read)",
    secret=True,
)
BASE_URL = Variable("HUBSPOT_BASE_URL", "HubSpot API root", default="https://api.hubapi.com")
FULL_KEY_RECONCILIATION_DAYS = Variable(
    "FULL_KEY_RECONCILIATION_DAYS",
    "days between full listings of contact and deal ids (finds deletes without a tombstone; "
    "0 = every run)",
    default="7",
)


def build_streams(settings: SourceSettings, transport: Transport) -> dict[str, Stream]:
    """The HubSpot streams from the environment's settings."""
    config = HubSpotConfig(
        access_token=settings[ACCESS_TOKEN.name],
        base_url=settings[BASE_URL.name],
        full_key_reconciliation_days=settings.integer(FULL_KEY_RECONCILIATION_DAYS.name),
        transport=transport,
    )
    return build_hubspot_streams(config)


SOURCE = SourcePlugin(
    name="hubspot",
    label="HubSpot",
    kind="crm",
    tables=("deals", "contacts", "owners", "deal_pipelines", "goal_targets"),
    credentials=(ACCESS_TOKEN,),
    options=(BASE_URL, FULL_KEY_RECONCILIATION_DAYS),
    build_streams=build_streams,
    sandbox_credentials={ACCESS_TOKEN.name: "sandbox-hubspot-token"},
    raw_totals={
        "opportunities_created": (
            "SELECT count(*) FROM raw_hubspot.deals WHERE NOT is_archived AND _deleted_at IS NULL"
        ),
    },
    erasure=ERASURE,
    config_type=HubSpotConfig,
    streams_from_config=build_hubspot_streams,
    check=check_hubspot,
)
