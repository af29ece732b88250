"""Pipedrive: ``x-api-token`` auth, the burst and daily-budget rate rules, and the HTTP client."""

import requests

from connectors.auth import ApiKeyHeaderAuth
from connectors.errors import QuotaExhaustedError
from connectors.http import HttpClient, VendorPolicy
from connectors.pipedrive.config import PipedriveConfig

TOKEN_HEADER = "x-api-token"
BURST_REMAINING = "x-ratelimit-remaining"
BURST_RESET = "x-ratelimit-reset"
DAILY_REMAINING = "x-daily-ratelimit-token-remaining"
# The reset header has one-second resolution: a little margin avoids landing just before it.
RESET_MARGIN_SECONDS = 0.1


def _seconds_until_reset(response: requests.Response) -> float | None:
    """``x-ratelimit-reset`` is a duration in seconds (not an epoch, unlike Aircall's)."""
    value = response.headers.get(BURST_RESET)
    try:
        return None if value is None else max(float(value), 0.0) + RESET_MARGIN_SECONDS
    except ValueError:
        return None


def _daily_budget_spent(response: requests.Response) -> bool:
    if response.headers.get(DAILY_REMAINING, "").strip() == "0":
        return True
    # The header names come from one third-party source (source_apis.md §8): also accept a
    # body that says so, since a daily 429 persists until the reset and retrying is useless.
    try:
        body = response.json()
    except ValueError:
        return False
    error = body.get("error") if isinstance(body, dict) else None
    return isinstance(error, str) and "daily" in error.lower()


class PipedrivePolicy(VendorPolicy):
    """Pipedrive throttling: a 2-second burst window and a daily token budget, both as 429."""

    vendor = "Pipedrive"
    credentials_hint = "check PIPEDRIVE_API_TOKEN (Settings > Personal preferences > API)"
    base_url_hint = "check PIPEDRIVE_BASE_URL (e.g. https://api.pipedrive.com, without /api/v2)"
    remaining_header = BURST_REMAINING

    def window_reset_wait(self, response: requests.Response, now: float) -> float | None:
        """``x-ratelimit-reset``: seconds until the burst window refills."""
        return _seconds_until_reset(response)

    def raise_if_quota_exhausted(self, response: requests.Response) -> None:
        """Stop when the day's token budget is gone: only the daily reset brings it back."""
        if _daily_budget_spent(response):
            raise QuotaExhaustedError(
                "Pipedrive daily API token budget is exhausted; the next run resumes from the "
                "last checkpoint after the daily reset"
            )


def build_pipedrive_client(config: PipedriveConfig) -> HttpClient:
    """An HTTP client for Pipedrive with the project's retry and error rules.

    Args:
        config: the token, base URL and shared transport.

    Returns:
        A client whose errors never contain the token.
    """
    transport = config.transport
    base_url = config.base_url.rstrip("/").removesuffix("/api/v2").removesuffix("/api/v1")
    return HttpClient(
        base_url,
        ApiKeyHeaderAuth(TOKEN_HEADER, config.api_token),
        PipedrivePolicy(),
        transport,
        secrets=(config.api_token,),
    )
