"""The Aircall plug-in: its variables, its streams and what the sandbox accepts."""

from connectors.aircall.streams import build_aircall_streams
from connectors.config import AircallConfig
from connectors.sources import SourcePlugin, SourceSettings, Variable
from connectors.streams import Stream
from connectors.transport import Transport


def build_streams(settings: SourceSettings, transport: Transport) -> dict[str, Stream]:
    """Aircall's streams from its settings; makes no network call."""
    config = AircallConfig(
        api_id=settings["AIRCALL_API_ID"],
        api_token=settings["AIRCALL_API_TOKEN"],
        base_url=settings["AIRCALL_BASE_URL"],
        retry=transport.retry,
        sleep=transport.sleep,
        clock=transport.clock,
    )
    return build_aircall_streams(config)


SOURCE = SourcePlugin(
    name="aircall",
    label="Aircall",
    kind="telephony",
    tables=("calls", "users", "numbers", "teams"),
    credentials=(
        # The id is half of the Basic credentials: kept out of logs like the token.
        Variable("AIRCALL_API_ID", "Aircall API ID", secret=True),
        Variable("AIRCALL_API_TOKEN", "Aircall API token", secret=True),
    ),
    options=(
        Variable(
            "AIRCALL_BASE_URL", "Aircall API root without /v1", default="https://api.aircall.io"
        ),
    ),
    build_streams=build_streams,
    sandbox_credentials={
        "AIRCALL_API_ID": "sandbox-aircall-id",
        "AIRCALL_API_TOKEN": "sandbox-aircall-token",
    },
)
