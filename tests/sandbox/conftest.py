"""Shared sandboxes for the sandbox tests: one small business, several servers over it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from sandbox_testkit import AS_OF

from sandbox import Business, RunningSandbox, SandboxConfig, start_sandbox


@pytest.fixture(scope="session")
def small_config() -> SandboxConfig:
    return SandboxConfig(seed=7, scale=0.3, as_of=AS_OF)


@pytest.fixture(scope="session")
def business(small_config: SandboxConfig) -> Business:
    """Read-only tests share this business; mutation tests build their own."""
    return Business(small_config)


@pytest.fixture(scope="session")
def sandbox(business: Business) -> Iterator[RunningSandbox]:
    with start_sandbox(business=business) as running:
        yield running


@pytest.fixture
def fresh_sandbox() -> Iterator[RunningSandbox]:
    """A tiny private sandbox for tests that mutate data or arm faults."""
    with start_sandbox(SandboxConfig(seed=3, scale=0.05, as_of=AS_OF)) as running:
        yield running


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session
