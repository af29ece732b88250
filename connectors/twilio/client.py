"""Twilio Conversations: Basic auth with the account SID and auth token, Twilio's error rules."""

from connectors.auth import BasicAuth
from connectors.http import HttpClient, VendorPolicy
from connectors.transport import Transport


class TwilioPolicy(VendorPolicy):
    """Twilio throttling: HTTP 429 with error code 20429, sometimes a ``Retry-After``.

    Twilio sends no budget headers, so the default rules apply: honour ``Retry-After`` when sent,
    back off exponentially otherwise; 401/403 are fatal at once (a wrong SID or token never heals).
    There is no daily quota to tell apart from throttling.
    """

    vendor = "Twilio"
    credentials_hint = "check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"
    base_url_hint = (
        "check TWILIO_CONVERSATIONS_BASE_URL (e.g. https://conversations.twilio.com, without /v1)"
    )


def build_twilio_client(
    account_sid: str, auth_token: str, base_url: str, transport: Transport
) -> HttpClient:
    """An HTTP client for the Conversations API.

    Args:
        account_sid: the ``AC…`` account SID (the Basic user).
        auth_token: the auth token (the Basic password).
        base_url: API root without ``/v1``.
        transport: retry bounds, sleep and clock.

    Returns:
        A client whose errors and logs never contain the SID or the token.
    """
    return HttpClient(
        base_url.rstrip("/").removesuffix("/v1"),
        BasicAuth(account_sid, auth_token),
        TwilioPolicy(),
        transport,
        secrets=(account_sid, auth_token),
    )
