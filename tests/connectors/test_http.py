"""The HTTP layer against a real local server: retries, waits, fatal errors, secret-free text."""

import logging
from email.utils import formatdate

import pytest
from connector_testkit import Reply, ScriptedServer, Sleeps

from connectors.aircall.client import AircallPolicy
from connectors.auth import BearerAuth
from connectors.errors import (
    FatalError,
    MalformedResponseError,
    QuotaExhaustedError,
    RetriesExhaustedError,
)
from connectors.http import HttpClient, RetryPolicy, parse_retry_after
from connectors.hubspot.client import HubSpotPolicy
from connectors.transport import Transport

TOKEN = "pat-eu1-secret-token-1234"
NOW = 1_750_000_000.0


def hubspot_client(server: ScriptedServer, sleeps: Sleeps, attempts: int = 4) -> HttpClient:
    return HttpClient(
        server.base_url,
        BearerAuth(TOKEN),
        HubSpotPolicy(),
        Transport(
            RetryPolicy(max_attempts=attempts, backoff_seconds=0.01, max_wait_seconds=60),
            sleep=sleeps,
            clock=lambda: NOW,
        ),
        secrets=(TOKEN,),
    )


@pytest.mark.parametrize(
    ("header", "expected_wait"),
    [
        pytest.param("7", 7.0, id="seconds"),
        pytest.param(formatdate(NOW + 7, usegmt=True), 7.0, id="http-date"),
    ],
)
def test_http_429_waits_at_least_retry_after(
    scripted_server: ScriptedServer, sleeps: Sleeps, header: str, expected_wait: float,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    # given
    scripted_server.script(
        Reply(429, {"policyName": "TEN_SECONDLY_ROLLING"}, {"Retry-After": header}),
        Reply(200, {"results": [{"id": "1"}]}),
    )
    client = hubspot_client(scripted_server, sleeps)
    # when
    with caplog.at_level(logging.WARNING):
        page = client.get("/crm/v3/owners")
    # then
    assert page == {"results": [{"id": "1"}]}
    assert sleeps.waits == [pytest.approx(expected_wait, abs=1)]
    assert sleeps.waits[0] >= expected_wait
    assert "retry 1 of 3" in caplog.text and "HTTP 429" in caplog.text


def test_http_503_twice_then_200_succeeds(scripted_server: ScriptedServer, sleeps: Sleeps) -> None:
    # given
    scripted_server.script(Reply(503), Reply(503), Reply(200, {"ok": True}))
    # when
    page = hubspot_client(scripted_server, sleeps).get("/crm/v3/owners")
    # then
    assert page == {"ok": True}
    assert len(sleeps.waits) == 2 and sleeps.waits[1] > sleeps.waits[0]


@pytest.mark.parametrize(
    "action", [pytest.param("reset", id="reset"), pytest.param("truncate", id="truncated")]
)
def test_http_broken_connection_is_retried(
    scripted_server: ScriptedServer, sleeps: Sleeps, action: str
) -> None:
    # given
    scripted_server.script(
        Reply(200, {"results": list(range(500))}, action=action), Reply(200, {"a": 1})
    )
    # when
    page = hubspot_client(scripted_server, sleeps).get("/crm/v3/owners")
    # then
    assert page == {"a": 1}
    assert len(scripted_server.seen) == 2


def test_http_retriable_failures_are_bounded(
    scripted_server: ScriptedServer, sleeps: Sleeps
) -> None:
    # given
    scripted_server.fallback = lambda seen: Reply(502)
    # when
    with pytest.raises(RetriesExhaustedError, match="after 3 attempts"):
        hubspot_client(scripted_server, sleeps, attempts=3).get("/crm/v3/owners")
    # then
    assert len(scripted_server.seen) == 3 and len(sleeps.waits) == 2


def test_http_read_only_post_is_retried(scripted_server: ScriptedServer, sleeps: Sleeps) -> None:
    # given
    scripted_server.script(Reply(500), Reply(200, {"total": 3}))
    # when
    page = hubspot_client(scripted_server, sleeps).post_read(
        "/crm/v3/objects/deals/search", {"limit": 1}
    )
    # then
    assert page == {"total": 3}
    assert [seen.body for seen in scripted_server.seen] == [{"limit": 1}, {"limit": 1}]


@pytest.mark.parametrize(
    ("status", "hint"),
    [
        pytest.param(401, "check HUBSPOT_ACCESS_TOKEN", id="401"),
        pytest.param(403, "check HUBSPOT_ACCESS_TOKEN", id="403"),
        pytest.param(404, "check HUBSPOT_BASE_URL", id="404"),
        pytest.param(400, "Property values were not valid", id="400"),
    ],
)
def test_http_client_errors_fail_fast_without_the_token(
    scripted_server: ScriptedServer, sleeps: Sleeps, caplog: pytest.LogCaptureFixture,
    status: int, hint: str,
) -> None:  # fmt: skip
    # given
    body = {"message": f"Property values were not valid: Bearer {TOKEN}", "category": "X"}
    scripted_server.script(Reply(status, body))
    # when
    with caplog.at_level(logging.DEBUG), pytest.raises(FatalError) as raised:
        hubspot_client(scripted_server, sleeps).get("/crm/v3/owners")
    # then
    assert raised.value.status == status and hint in str(raised.value)
    assert len(scripted_server.seen) == 1 and sleeps.waits == []
    assert TOKEN not in str(raised.value) and TOKEN not in caplog.text
    assert scripted_server.seen[0].headers["Authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"<html><body>502 Bad Gateway</body></html>", id="html"),
        pytest.param(b'{"results": [', id="malformed-json"),
        pytest.param(b"[1, 2]", id="not-an-object"),
    ],
)
def test_http_200_without_json_object_is_fatal(
    scripted_server: ScriptedServer, sleeps: Sleeps, body: bytes
) -> None:
    # given
    scripted_server.script(Reply(200, body, {"Content-Type": "text/html"}))
    # when / then
    with pytest.raises(MalformedResponseError, match="not a JSON object"):
        hubspot_client(scripted_server, sleeps).get("/crm/v3/owners")
    assert len(scripted_server.seen) == 1


def test_http_hubspot_daily_quota_stops_without_retry(
    scripted_server: ScriptedServer, sleeps: Sleeps
) -> None:
    # given
    scripted_server.script(Reply(429, {"errorType": "RATE_LIMIT", "policyName": "DAILY"}))
    # when / then
    with pytest.raises(QuotaExhaustedError, match="daily"):
        hubspot_client(scripted_server, sleeps).get("/crm/v3/owners")
    assert len(scripted_server.seen) == 1 and sleeps.waits == []


def test_http_aircall_429_waits_until_reset_plus_one(
    scripted_server: ScriptedServer, sleeps: Sleeps
) -> None:
    # given
    reset = {"X-AircallApi-Reset": str(int(NOW) + 20), "X-AircallApi-Remaining": "0"}
    scripted_server.script(Reply(429, {"error": "Too many"}, reset), Reply(200, {"users": []}))
    retry = RetryPolicy(max_wait_seconds=300)
    client = HttpClient(
        scripted_server.base_url,
        BearerAuth("x"),
        AircallPolicy(),
        Transport(retry, sleep=sleeps, clock=lambda: NOW),
    )
    # when
    client.get("/v1/users")
    # then
    assert sleeps.waits == [21.0]


def test_http_waits_are_capped(scripted_server: ScriptedServer, sleeps: Sleeps) -> None:
    # given
    scripted_server.script(Reply(429, {}, {"Retry-After": "3600"}), Reply(200, {}))
    # when
    hubspot_client(scripted_server, sleeps).get("/crm/v3/owners")
    # then
    assert sleeps.waits == [60.0]


def test_parse_retry_after_ignores_garbage() -> None:
    # given / when / then
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None
    assert parse_retry_after("-3", NOW) == 0.0
