"""Every source plug-in's connection check, over real HTTP against the bundled sandbox: good
settings pass, a wrong credential or base URL fails at once naming the variable to fix."""

import socket
import time
from collections.abc import Iterator

import pytest

from connectors.errors import ConnectorError, MalformedResponseError, UnreachableError
from connectors.registry import SOURCES, SourcePlugin
from connectors.transport import RetryPolicy, Transport
from sandbox import RunningSandbox, SandboxConfig, start_sandbox

# What `kpi-pipeline check` uses (orchestration/preflight.py), kept local: connectors/ tests do
# not import the orchestration.
QUICK = Transport(retry=RetryPolicy(max_attempts=2, backoff_seconds=0.1, unreachable_attempts=1))
CHECKED = [source for source in SOURCES if source.check is not None]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[RunningSandbox]:
    with start_sandbox(SandboxConfig(seed=7, scale=0.05, messaging=True)) as running:
        yield running


def sandbox_settings(source: SourcePlugin, sandbox: RunningSandbox) -> dict[str, str]:
    environ = dict(source.sandbox_credentials)
    if source.base_url_variable:
        environ[source.base_url_variable] = sandbox.base_url_for(source.name)
    return environ


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def test_every_source_reached_over_http_declares_a_check() -> None:
    # a source fetched over HTTP without a check would let `run` start blind
    assert CHECKED
    assert all(source.check is not None for source in SOURCES if source.needs_base_url)


@pytest.mark.parametrize("source", CHECKED, ids=lambda source: source.name)
def test_good_settings_pass_and_say_what_was_proved(source, sandbox) -> None:
    # given the credentials the sandbox accepts, at its URL
    environ = sandbox_settings(source, sandbox)
    # when
    detail = source.check_connection(environ, QUICK)
    # then: one line naming where, and no secret
    assert sandbox.base_url in detail
    assert not any(secret in detail for secret in source.sandbox_credentials.values())


@pytest.mark.parametrize("source", CHECKED, ids=lambda source: source.name)
def test_a_wrong_credential_names_every_credential_variable(source, sandbox) -> None:
    # given the last credential wrong (for a key pair, the token)
    environ = sandbox_settings(source, sandbox)
    wrong = "wrong-" + environ[source.credentials[-1].name]
    environ[source.credentials[-1].name] = wrong
    # when
    with pytest.raises(ConnectorError) as raised:
        source.check_connection(environ, QUICK)
    # then the message says what to fix, never the value
    message = str(raised.value)
    assert all(variable.name in message for variable in source.credentials), message
    assert wrong not in message


@pytest.mark.parametrize("source", CHECKED, ids=lambda source: source.name)
def test_an_unreachable_base_url_fails_in_a_second_naming_the_variable(source) -> None:
    # given nothing listening at the base URL
    environ = {**source.sandbox_credentials, source.base_url_variable: closed_port_url()}
    started = time.monotonic()
    # when
    with pytest.raises(UnreachableError) as raised:
        source.check_connection(environ, QUICK)
    # then
    assert time.monotonic() - started < 3
    assert source.base_url_variable in str(raised.value)


def test_a_foreign_json_answer_is_a_malformed_response_naming_the_base_url() -> None:
    # given a server answering 200 with JSON that is not the vendor's list shape
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b'{"status": "ok"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        for source in CHECKED:
            environ = {**source.sandbox_credentials}
            environ[source.base_url_variable] = f"http://127.0.0.1:{server.server_port}"
            # when / then
            with pytest.raises(MalformedResponseError, match=source.base_url_variable):
                source.check_connection(environ, QUICK)
    finally:
        server.shutdown()
        server.server_close()
