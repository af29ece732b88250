"""Fixtures for connector tests (the helpers themselves live in connector_testkit)."""

from collections.abc import Iterator
from datetime import date

import pytest
from connector_testkit import ScriptedServer, Sleeps

from sandbox import Business, RunningSandbox, SandboxConfig, start_sandbox

# A year big enough to count requests against the vendor's minimum: ~17,000 calls, ~1,500 deals
# (two associations batches of 1,000, eight search pages of 200). Modules that need another
# sandbox define their own `business` and `sandbox` fixtures, which take precedence.
REQUESTS_CONFIG = SandboxConfig(seed=7, scale=0.4, as_of=date(2026, 6, 15))


@pytest.fixture(scope="module")
def business() -> Business:
    """The business of REQUESTS_CONFIG, built once per module."""
    return Business(REQUESTS_CONFIG)


@pytest.fixture
def sandbox(business: Business) -> Iterator[RunningSandbox]:
    """A sandbox serving that business, with fresh request counters for each test."""
    with start_sandbox(REQUESTS_CONFIG, business=business) as running:
        yield running


@pytest.fixture
def scripted_server() -> Iterator[ScriptedServer]:
    """A scripted vendor server on a free local port."""
    server = ScriptedServer()
    yield server
    server.close()


@pytest.fixture
def sleeps() -> Sleeps:
    """Records the waits of the HTTP layer."""
    return Sleeps()
