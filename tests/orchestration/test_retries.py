"""Retries that fit the error, across the HTTP layer and Dagster's asset RetryPolicy together."""

import os
import socket
import time
from collections.abc import Iterator
from unittest import mock

import dagster as dg
import pytest

from orchestration.assets.ingest import INGEST_RETRY_POLICY, build_ingest_asset
from orchestration.resources import SourcesResource, WarehouseResource
from tests.orchestration.http_stubs import VendorStub


def _materialize(stream: str, base_url: str, tmp_path) -> dg.ExecuteInProcessResult:
    """One ingest asset with its real RetryPolicy, as the nightly job runs it."""
    resources = {
        "sources": SourcesResource(),
        "warehouse": WarehouseResource(duckdb_path=str(tmp_path / "w.duckdb")),
    }
    environment = {
        "SOURCES": "hubspot,aircall",
        "HUBSPOT_ACCESS_TOKEN": "pat-test-token",
        "AIRCALL_API_ID": "id",
        "AIRCALL_API_TOKEN": "secret",
        "HUBSPOT_BASE_URL": base_url,
        "AIRCALL_BASE_URL": base_url,
    }
    with mock.patch.dict(os.environ, environment):
        return dg.materialize(
            [build_ingest_asset(stream)], resources=resources, raise_on_error=False
        )


def _failure_message(result: dg.ExecuteInProcessResult) -> str:
    failures = [event for event in result.all_events if event.is_step_failure]
    return " ".join(event.step_failure_data.error.message for event in failures)


@pytest.fixture()
def closed_port_url() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    yield f"http://127.0.0.1:{port}"


@pytest.mark.parametrize(
    ("status", "body", "headers"),
    [
        (401, {"message": "Authentication credentials not found"}, {}),
        (403, {"message": "missing scope"}, {}),
        (400, {"message": "bad filter"}, {}),
        # HubSpot's spent daily quota: a 429 whose policyName is DAILY
        (429, {"policyName": "DAILY", "message": "daily limit"}, {"Retry-After": "1"}),
    ],
)
def test_fatal_answer_is_requested_once_across_http_and_dagster_retries(
    status, body, headers, tmp_path
):
    # given a vendor that answers every request with a fatal status
    assert INGEST_RETRY_POLICY.max_retries > 0, "the asset does retry transient failures"
    vendor = VendorStub(status, body, headers)
    try:
        # when the ingest asset runs with its RetryPolicy
        result = _materialize("hubspot/owners", vendor.url, tmp_path)
    finally:
        vendor.close()
    # then one request in total, and the step failed without retry
    assert not result.success
    assert vendor.requests == 1
    assert "pat-test-token" not in _failure_message(result)


def test_malformed_body_is_requested_once(tmp_path):
    # given a 200 whose JSON is not an object
    vendor = VendorStub(200, ["not", "an", "object"])
    try:
        # when
        result = _materialize("aircall/teams", vendor.url, tmp_path)
    finally:
        vendor.close()
    # then
    assert not result.success
    assert vendor.requests == 1


def test_closed_port_fails_in_seconds_naming_the_base_url_variable(closed_port_url, tmp_path):
    # given a base URL where nothing listens
    started = time.monotonic()
    # when both vendors' first stream runs
    hubspot = _materialize("hubspot/owners", closed_port_url, tmp_path)
    aircall = _materialize("aircall/teams", closed_port_url, tmp_path)
    elapsed = time.monotonic() - started
    # then each fails fast, says which variable to check, and never blames the vendor
    assert not hubspot.success and not aircall.success
    assert elapsed < 10, f"took {elapsed:.1f} s"
    assert "HUBSPOT_BASE_URL" in _failure_message(hubspot)
    assert "AIRCALL_BASE_URL" in _failure_message(aircall)
    assert "vendor may be down" not in _failure_message(hubspot) + _failure_message(aircall)


def test_unknown_host_fails_in_seconds_naming_the_base_url_variable(tmp_path):
    started = time.monotonic()
    result = _materialize("hubspot/owners", "http://no-such-host.invalid", tmp_path)
    assert not result.success
    assert time.monotonic() - started < 10
    assert "HUBSPOT_BASE_URL" in _failure_message(result)
