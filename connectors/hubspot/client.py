"""HubSpot: Bearer auth, rate-limit rules, and the HTTP client built from a HubSpotConfig."""

import requests

from connectors.auth import BearerAuth
from connectors.errors import QuotaExhaustedError
from connectors.http import HttpClient, VendorPolicy
from connectors.hubspot.config import HubSpotConfig

SCOPES = (
    "crm.objects.deals.read, crm.objects.contacts.read, crm.objects.owners.read, "
    "crm.objects.goals.read"
)


class HubSpotPolicy(VendorPolicy):
    """HubSpot throttling: a 429 whose ``policyName`` is DAILY means the day's quota is gone."""

    vendor = "HubSpot"
    credentials_hint = f"check HUBSPOT_ACCESS_TOKEN (a private-app token with scopes {SCOPES})"
    base_url_hint = "check HUBSPOT_BASE_URL"

    def raise_if_quota_exhausted(self, response: requests.Response) -> None:
        """Stop on the daily policy: retrying would only burn the next day's budget."""
        try:
            body = response.json()
        except ValueError:
            return
        if isinstance(body, dict) and body.get("policyName") == "DAILY":
            raise QuotaExhaustedError(
                "HubSpot daily API quota is exhausted; the next run resumes from the last "
                "checkpoint (after midnight in the account's time zone)"
            )


def build_hubspot_client(config: HubSpotConfig) -> HttpClient:
    """An HTTP client for HubSpot with the project's retry and error rules.

    Args:
        config: credentials, base URL and retry bounds.

    Returns:
        A client whose errors never contain the token.
    """
    return HttpClient(
        config.base_url,
        BearerAuth(config.access_token),
        HubSpotPolicy(),
        secrets=(config.access_token,),
        transport=config.transport,
    )
