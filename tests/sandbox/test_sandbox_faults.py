"""Fault injection: each kind breaks exactly the armed requests, then service resumes."""

from __future__ import annotations

import time

import pytest
import requests
from sandbox_testkit import AIRCALL_AUTH, HUBSPOT_HEADERS

from sandbox import RunningSandbox


def _users(sandbox: RunningSandbox) -> requests.Response:
    return requests.get(sandbox.base_url + "/v1/users", auth=AIRCALL_AUTH, timeout=5)


@pytest.mark.parametrize(
    "retry_after",
    [
        pytest.param("7", id="seconds"),
        pytest.param("Wed, 21 Oct 2026 07:28:00 GMT", id="http-date"),
    ],
)
def test_status_fault_answers_429_with_retry_after(
    fresh_sandbox: RunningSandbox, retry_after: str
) -> None:
    # given
    fresh_sandbox.add_fault(
        "/v1/users",
        "status",
        status=429,
        headers={"Retry-After": retry_after},
        body='{"error":"Too many requests","troubleshoot":"slow down"}',
    )
    # when
    first, second = _users(fresh_sandbox), _users(fresh_sandbox)
    # then
    assert first.status_code == 429 and first.headers["Retry-After"] == retry_after
    assert first.json()["error"] == "Too many requests"
    assert second.status_code == 200


def test_status_fault_counts_times_and_skips(fresh_sandbox: RunningSandbox) -> None:
    fresh_sandbox.add_fault("/v1/", "status", status=503, times=2, skip=1)
    assert [_users(fresh_sandbox).status_code for _ in range(4)] == [200, 503, 503, 200]


def test_reset_fault_drops_the_connection(fresh_sandbox: RunningSandbox) -> None:
    fresh_sandbox.add_fault("/v1/users", "reset")
    with pytest.raises(requests.ConnectionError):
        _users(fresh_sandbox)
    assert _users(fresh_sandbox).status_code == 200


def test_truncate_fault_sends_less_than_content_length(fresh_sandbox: RunningSandbox) -> None:
    fresh_sandbox.add_fault("/crm/v3/objects/deals", "truncate")
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(
            fresh_sandbox.base_url + "/crm/v3/objects/deals", headers=HUBSPOT_HEADERS, timeout=5
        )


def test_malformed_fault_returns_200_with_invalid_json(fresh_sandbox: RunningSandbox) -> None:
    fresh_sandbox.add_fault("/v1/users", "malformed")
    response = _users(fresh_sandbox)
    assert response.status_code == 200
    with pytest.raises(requests.JSONDecodeError):
        response.json()


def test_html_fault_returns_an_html_error_page(fresh_sandbox: RunningSandbox) -> None:
    fresh_sandbox.add_fault("/v1/users", "html")
    response = _users(fresh_sandbox)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")


def test_latency_fault_delays_a_normal_answer(fresh_sandbox: RunningSandbox) -> None:
    fresh_sandbox.add_fault("/v1/users", "latency", seconds=0.3)
    started = time.perf_counter()
    response = _users(fresh_sandbox)
    assert response.status_code == 200 and time.perf_counter() - started >= 0.3


def test_faults_are_armed_and_cleared_over_http(fresh_sandbox: RunningSandbox) -> None:
    # given a 401 armed through the control API
    url = fresh_sandbox.base_url + "/_sandbox/faults"
    armed = requests.post(
        url, json={"prefix": "/crm/", "kind": "status", "status": 401, "times": 5}
    )
    assert armed.status_code == 200 and armed.json()["faults"][0]["uses_left"] == 5
    # when cleared
    requests.delete(url)
    # then HubSpot answers normally and the stats saw both requests
    assert (
        requests.get(fresh_sandbox.base_url + "/crm/v3/owners", headers=HUBSPOT_HEADERS).status_code
        == 200
    )
    assert (
        requests.get(fresh_sandbox.base_url + "/_sandbox/stats").json()["requests"][
            "/crm/v3/owners"
        ]
        == 1
    )


def test_unknown_fault_kind_is_refused(fresh_sandbox: RunningSandbox) -> None:
    response = requests.post(
        fresh_sandbox.base_url + "/_sandbox/faults", json={"prefix": "/v1", "kind": "explode"}
    )
    assert response.status_code == 400
