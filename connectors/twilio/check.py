"""Twilio's connection check: one conversation asked for, the list a run starts with."""

from connectors.connection_check import probe
from connectors.sources import SourceSettings
from connectors.transport import Transport
from connectors.twilio.client import TwilioPolicy, build_twilio_client
from connectors.twilio.scan import CONVERSATIONS_PATH


def check_twilio(settings: SourceSettings, transport: Transport) -> str:
    """GET /v1/Conversations?PageSize=1: proves the account SID, its auth token and the URL."""
    client = build_twilio_client(
        settings["TWILIO_ACCOUNT_SID"],
        settings["TWILIO_AUTH_TOKEN"],
        settings["TWILIO_CONVERSATIONS_BASE_URL"],
        transport,
    )
    probe(client, CONVERSATIONS_PATH, {"PageSize": 1}, "conversations", TwilioPolicy.base_url_hint)
    return f"account credentials accepted by {client.base_url}"
