"""Aircall: Basic auth, the ``X-AircallApi-*`` rate headers, and the client from AircallConfig."""

import requests

from connectors.aircall.config import AircallConfig
from connectors.auth import BasicAuth
from connectors.http import HttpClient, VendorPolicy

RESET_HEADER = "X-AircallApi-Reset"
REMAINING_HEADER = "X-AircallApi-Remaining"


def _seconds_until_reset(response: requests.Response, now: float) -> float | None:
    """Aircall sends the refill time as epoch seconds; wait until then plus one second."""
    reset = response.headers.get(RESET_HEADER)
    try:
        return None if reset is None else max(float(reset) - now + 1.0, 0.0)
    except ValueError:
        return None


class AircallPolicy(VendorPolicy):
    """Aircall throttling: per-company budget per minute, refill time in ``X-AircallApi-Reset``."""

    vendor = "Aircall"
    credentials_hint = "check AIRCALL_API_ID and AIRCALL_API_TOKEN"
    base_url_hint = "check AIRCALL_BASE_URL (e.g. https://api.aircall.io, without /v1)"

    remaining_header = REMAINING_HEADER

    def window_reset_wait(self, response: requests.Response, now: float) -> float | None:
        """The announced refill time (an epoch), plus one second."""
        return _seconds_until_reset(response, now)


def build_aircall_client(config: AircallConfig) -> HttpClient:
    """An HTTP client for Aircall with the project's retry and error rules.

    Args:
        config: credentials, base URL (without ``/v1``) and retry bounds.

    Returns:
        A client whose errors never contain the credentials.
    """
    base_url = config.base_url.rstrip("/").removesuffix("/v1")
    return HttpClient(
        base_url,
        BasicAuth(config.api_id, config.api_token),
        AircallPolicy(),
        secrets=(config.api_id, config.api_token),
        transport=config.transport,
    )
