"""Aircall as a source plug-in: telephony (calls, users, numbers, teams) with Basic credentials."""

from connectors.aircall.check import check_aircall
from connectors.aircall.config import AircallConfig
from connectors.aircall.erasure import ERASURE
from connectors.aircall.streams import build_aircall_streams
from connectors.sources import SourcePlugin, SourceSettings, Variable
from connectors.streams import Stream
from connectors.transport import Transport

API_ID = Variable("AIRCALL_API_ID", "Aircall API ID", secret=True)
API_TOKEN = Variable("AIRCALL_API_TOKEN", "Aircall API token", secret=True)
BASE_URL = Variable(
    "AIRCALL_BASE_URL", "Aircall API root, without /v1", default="https://api.aircall.io"
)


def build_streams(settings: SourceSettings, transport: Transport) -> dict[str, Stream]:
    """The Aircall streams from the environment's settings."""
    config = AircallConfig(
        api_id=settings[API_ID.name],
        api_token=settings[API_TOKEN.name],
        base_url=settings[BASE_URL.name],
        transport=transport,
    )
    return build_aircall_streams(config)


SOURCE = SourcePlugin(
    name="aircall",
    label="Aircall",
    kind="telephony",
    tables=("calls", "users", "numbers", "teams"),
    credentials=(API_ID, API_TOKEN),
    options=(BASE_URL,),
    build_streams=build_streams,
    sandbox_credentials={
        API_ID.name: "sandbox-aircall-id",
        API_TOKEN.name: "sandbox-aircall-token",
    },
    raw_totals={"calls": "SELECT count(*) FROM raw_aircall.calls"},
    erasure=ERASURE,
    config_type=AircallConfig,
    streams_from_config=build_aircall_streams,
    check=check_aircall,
)
