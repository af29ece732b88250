"""The ``aircall_messages`` plug-in: Aircall messages landed by the webhook receiver."""

from connectors.aircall.erasure import MESSAGE_ERASURE
from connectors.aircall.messages import MessagesStream
from connectors.aircall.webhooks import DEFAULT_LANDING_DIR, WEBHOOK_PATH, app_from_settings
from connectors.sources import SourcePlugin, SourceSettings, Variable, Webhook
from connectors.streams import Stream
from connectors.transport import Transport

# What the sandbox emitter signs its events with (sandbox/apis/aircall_webhooks.py).
SANDBOX_WEBHOOK_TOKEN = "sandbox-aircall-webhook-token"


def build_message_streams(settings: SourceSettings, transport: Transport) -> dict[str, Stream]:
    """The one stream; it reads local files, so the transport is unused."""
    del transport
    stream = MessagesStream(settings["WEBHOOK_LANDING_DIR"])
    return {stream.name: stream}


AIRCALL_MESSAGES_SOURCE = SourcePlugin(
    name="aircall_messages",
    label="Aircall messages (webhooks)",
    kind="messaging",
    stream_prefix="aircall",
    tables=("messages",),
    credentials=(
        Variable(
            "AIRCALL_WEBHOOK_TOKEN",
            "the token Aircall shows for the webhook (Dashboard > Integrations > Webhook); "
            "events with another token are refused",
            secret=True,
        ),
    ),
    options=(
        Variable(
            "WEBHOOK_LANDING_DIR",
            "folder where `kpi-pipeline webhooks` lands events and the ingest reads them",
            default=DEFAULT_LANDING_DIR,
        ),
    ),
    needs_base_url=False,
    build_streams=build_message_streams,
    raw_totals={"messages": "SELECT count(*) FROM raw_aircall.messages WHERE _deleted_at IS NULL"},
    sandbox_credentials={"AIRCALL_WEBHOOK_TOKEN": SANDBOX_WEBHOOK_TOKEN},
    webhook=Webhook(app_from_settings, WEBHOOK_PATH, "AIRCALL_WEBHOOK_TOKEN"),
    erasure=MESSAGE_ERASURE,
)
