"""Fixtures for connector tests (the helpers themselves live in connector_testkit)."""

from collections.abc import Iterator

import pytest
from connector_testkit import ScriptedServer, Sleeps


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
