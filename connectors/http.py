"""One HTTP layer for every vendor: timeouts, bounded retries, vendor rate headers, clear errors.

Why a small retry loop instead of urllib3 ``Retry`` on an ``HTTPAdapter`` (the house default):
- vendors announce refill times in their own headers (an epoch, or seconds), unknown to ``Retry``;
- a daily quota is a 429 too, told apart only by the body or a header, and retrying it
  for hours is wrong;
- a body cut mid-page (``IncompleteRead`` / ``ChunkedEncodingError``) surfaces in requests after
  urllib3 has returned, so ``Retry`` never sees it;
- every retry must be logged with its count, status and wait, without secrets.
"""

import email.utils
import http.client
import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from requests.auth import AuthBase

from connectors.errors import (
    FatalError,
    MalformedResponseError,
    RetriesExhaustedError,
    UnreachableError,
)
from connectors.transport import DEFAULT_TRANSPORT, Transport
from connectors.transport import (
    RetryPolicy as RetryPolicy,  # re-exported: callers predate transport.py
)

TIMEOUT_SECONDS = (5, 30)  # (connect, read) on every call
RETRIABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
TRANSIENT_EXCEPTIONS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
    http.client.IncompleteRead,
    urllib3.exceptions.ProtocolError,
)
USER_AGENT = "kpi-pipeline-connectors/0.1"

logger = logging.getLogger(__name__)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), if any."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    # HTTP-dates have 1 s resolution; round up so we never come back early.
    return max(float(int(moment.timestamp() - now + 0.999)), 0.0)


class VendorPolicy:
    """What differs between vendors: rate headers, quota signals, and what to tell the operator."""

    vendor = "vendor"
    credentials_hint = "check the credentials"
    base_url_hint = "check the base URL"
    # The header counting the requests left in the vendor's rate window, when it sends one.
    remaining_header: str | None = None

    def window_reset_wait(self, response: requests.Response, now: float) -> float | None:
        """Seconds until the vendor's rate window refills, from its own header; None if unsaid."""
        return None

    def rate_limit_wait(self, response: requests.Response, now: float) -> float | None:
        """Seconds the vendor asks us to wait after a retriable response: the later of
        ``Retry-After`` and the window's reset, None when neither is said."""
        waits = [
            wait
            for wait in (
                parse_retry_after(response.headers.get("Retry-After"), now),
                self.window_reset_wait(response, now),
            )
            if wait is not None
        ]
        return max(waits) if waits else None

    def raise_if_quota_exhausted(self, response: requests.Response) -> None:
        """Raise QuotaExhaustedError when a 429 means "come back tomorrow", not "slow down"."""

    def wait_after_success(self, response: requests.Response, now: float) -> float:
        """Seconds to pause before the next call, when this response spent the window's last
        request (``remaining_header`` is 0)."""
        if self.remaining_header is None:
            return 0.0
        if response.headers.get(self.remaining_header, "").strip() != "0":
            return 0.0
        return self.window_reset_wait(response, now) or 0.0


class HttpClient:
    """JSON over HTTP for one vendor, with the retry and error rules of the whole project."""

    def __init__(
        self,
        base_url: str,
        auth: AuthBase,
        policy: VendorPolicy,
        transport: Transport = DEFAULT_TRANSPORT,
        *,
        secrets: Iterable[str] = (),
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._policy = policy
        self._retry = transport.retry
        self._secrets = tuple(secret for secret in secrets if secret)
        self._sleep = transport.sleep
        self.clock = transport.clock
        self._session = session or requests.Session()
        self._session.auth = auth
        self._session.headers.update({"Accept": "application/json", "User-Agent": USER_AGENT})
        self._read_environment_once()
        self._not_before = 0.0
        self.requests_sent = 0
        self.retries = 0

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """GET a JSON object.

        Args:
            path: a path under the base URL (``/crm/v3/owners``), query string allowed.
            params: query parameters.

        Returns:
            The decoded JSON object.

        Raises:
            FatalError: a 4xx other than 429 (or a non-JSON 2xx, as MalformedResponseError).
            QuotaExhaustedError: the vendor's daily budget is spent.
            RetriesExhaustedError: transient failures outlived the retry budget.
        """
        return self._request("GET", path, params=params)

    def post_read(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST a read-only query (a search or batch read); safe to retry like a GET.

        Args:
            path: a path under the base URL.
            body: the JSON request body.

        Returns:
            The decoded JSON object; raises as ``get`` does.
        """
        return self._request("POST", path, body=body)

    def _read_environment_once(self) -> None:
        """Take the proxy and CA-bundle variables now rather than on every request.

        requests re-reads the whole environment twice per request to find proxies, a tenth of
        the client's CPU over the 13 k pages of a year of calls. The variables keep their
        meaning (HTTPS_PROXY, NO_PROXY for the base URL, REQUESTS_CA_BUNDLE); a change to them
        during a run is not seen.
        """
        if not self._session.trust_env:
            return
        settings = self._session.merge_environment_settings(self.base_url, {}, None, None, None)
        self._session.proxies = settings["proxies"]
        self._session.verify = settings["verify"]
        self._session.trust_env = False

    def close(self) -> None:
        """Release the pooled connections."""
        self._session.close()

    def _request(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        url = path if path.startswith(("http://", "https://")) else self.base_url + path
        where = f"{method} {urlsplit(url).path}"
        for attempt in range(1, self._retry.max_attempts + 1):
            self._wait_for_budget()
            self.requests_sent += 1
            try:
                response = self._session.request(
                    method, url, params=params, json=body, timeout=TIMEOUT_SECONDS
                )
            except TRANSIENT_EXCEPTIONS as exc:
                failure, wait = type(exc).__name__, self._retry.backoff(attempt)
                if is_unreachable(exc):
                    self._raise_if_still_unreachable(attempt, where, url)
                    wait = self._retry.unreachable_backoff_seconds
            else:
                if response.status_code < 400:
                    return self._decode(response, where)
                self._raise_if_fatal(response, where)
                failure = f"HTTP {response.status_code}"
                wait = self._policy.rate_limit_wait(response, self.clock())
                wait = self._retry.backoff(attempt) if wait is None else wait
            if attempt == self._retry.max_attempts:
                raise RetriesExhaustedError(
                    f"{self._policy.vendor} {where} still failing after {attempt} attempts "
                    f"(last: {failure}); the vendor may be down, rerun later"
                )
            wait = min(wait, self._retry.max_wait_seconds)
            self.retries += 1
            logger.warning(
                "%s %s: %s, retry %d of %d in %.1f s",
                self._policy.vendor,
                where,
                failure,
                attempt,
                self._retry.max_attempts - 1,
                wait,
            )
            self._sleep(wait)
        raise AssertionError("unreachable: the loop returns or raises")

    def _raise_if_still_unreachable(self, attempt: int, where: str, url: str) -> None:
        if attempt < self._retry.unreachable_attempts:
            return
        parts = urlsplit(url)
        raise UnreachableError(
            f"{self._policy.vendor} {where}: cannot connect to {parts.scheme}://{parts.netloc} "
            f"(connection refused or unknown host, {attempt} attempts); "
            f"{self._policy.base_url_hint}"
        )

    def _wait_for_budget(self) -> None:
        pause = self._not_before - self.clock()
        if pause > 0:
            pause = min(pause, self._retry.max_wait_seconds)
            logger.info("%s: rate budget spent, pausing %.1f s", self._policy.vendor, pause)
            self._sleep(pause)
        self._not_before = 0.0

    def _decode(self, response: requests.Response, where: str) -> dict[str, Any]:
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            kind = response.headers.get("Content-Type", "no content type")
            raise MalformedResponseError(
                f"{self._policy.vendor} {where} returned HTTP {response.status_code} with a body "
                f"that is not a JSON object ({kind}); {self._policy.base_url_hint}",
                response.status_code,
            )
        pause = self._policy.wait_after_success(response, self.clock())
        if pause > 0:
            self._not_before = self.clock() + pause
        return payload

    def _raise_if_fatal(self, response: requests.Response, where: str) -> None:
        status = response.status_code
        if status == 429:
            self._policy.raise_if_quota_exhausted(response)
        if status in RETRIABLE_STATUSES or status >= 500:
            return
        vendor = self._policy.vendor
        if status in (401, 403):
            reason = "rejected the credentials" if status == 401 else "refused access"
            hint = self._policy.credentials_hint
            message = f"{vendor} {reason} (HTTP {status}) on {where}: {hint}"
        elif status == 404:
            message = f"{vendor} {where} not found (HTTP 404): {self._policy.base_url_hint}"
        else:
            detail = _vendor_message(response)
            message = f"{vendor} rejected {where} (HTTP {status}): {detail}"
        raise FatalError(self._redact(message), status)

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text


def is_unreachable(exc: BaseException) -> bool:
    """True when the connection was refused or the host name did not resolve (not a timeout)."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    # urllib3 wraps both refusals and DNS failures in NewConnectionError (NameResolutionError is
    # a subclass); connect timeouts are ConnectTimeoutError and keep the normal retry budget.
    return isinstance(reason, urllib3.exceptions.NewConnectionError) or isinstance(
        exc, urllib3.exceptions.NewConnectionError
    )


def _vendor_message(response: requests.Response) -> str:
    """The human part of a vendor error body, kept short; never the request headers."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or "no details"
    if isinstance(body, dict):
        for key in ("message", "error", "troubleshoot"):
            if isinstance(body.get(key), str):
                return body[key][:300]
    return str(body)[:200]
