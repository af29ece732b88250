"""Twilio Conversations declared as a source plug-in (WhatsApp and SMS threads)."""

from connectors.sources import SourcePlugin, SourceSettings, Variable
from connectors.streams import Stream
from connectors.transport import Transport
from connectors.twilio.check import check_twilio
from connectors.twilio.client import build_twilio_client
from connectors.twilio.erasure import ERASURE
from connectors.twilio.scan import TwilioOptions
from connectors.twilio.streams import build_twilio_streams

# What the bundled sandbox accepts (sandbox/config.py; a test keeps the two equal). Literals
# here because connectors/ never imports the sandbox.
SANDBOX_ACCOUNT_SID = "ACa1b2c3d4e5f60718293a4b5c6d7e8f90"
SANDBOX_AUTH_TOKEN = "sandbox-twilio-token"


def build_streams(settings: SourceSettings, transport: Transport) -> dict[str, Stream]:
    """The conversations, participants and messages streams from the settings."""
    client = build_twilio_client(
        settings["TWILIO_ACCOUNT_SID"],
        settings["TWILIO_AUTH_TOKEN"],
        settings["TWILIO_CONVERSATIONS_BASE_URL"],
        transport,
    )
    options = TwilioOptions(
        page_size=settings.integer("TWILIO_PAGE_SIZE"),
        trailing_days=settings.integer("TWILIO_TRAILING_DAYS"),
        history_days=settings.integer("TWILIO_HISTORY_DAYS"),
    )
    return build_twilio_streams(client, options)


SOURCE = SourcePlugin(
    name="twilio",
    label="Twilio Conversations",
    kind="messaging",
    tables=("conversations", "participants", "messages"),
    credentials=(
        Variable("TWILIO_ACCOUNT_SID", "the account SID (AC…), the Basic auth user", secret=True),
        Variable("TWILIO_AUTH_TOKEN", "the account's auth token", secret=True),
    ),
    options=(
        Variable(
            "TWILIO_CONVERSATIONS_BASE_URL",
            "Conversations API root, without /v1",
            default="https://conversations.twilio.com",
        ),
        Variable("TWILIO_PAGE_SIZE", "records per list page (Twilio allows 100)", default="100"),
        Variable(
            "TWILIO_TRAILING_DAYS",
            "days of conversations, by creation date, re-read before the watermark each run",
            default="7",
        ),
        Variable("TWILIO_HISTORY_DAYS", "days of history a first run reads", default="400"),
    ),
    build_streams=build_streams,
    # Messages of conversations still at Twilio (a deleted conversation takes its messages).
    raw_totals={
        "messages": "SELECT count(*) FROM raw_twilio.messages AS m"
        " JOIN raw_twilio.conversations AS c ON c.id = m.record ->> '$.conversation_sid'"
        " WHERE c._deleted_at IS NULL AND m._deleted_at IS NULL"
    },
    sandbox_credentials={
        "TWILIO_ACCOUNT_SID": SANDBOX_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": SANDBOX_AUTH_TOKEN,
    },
    erasure=ERASURE,
    check=check_twilio,
)
