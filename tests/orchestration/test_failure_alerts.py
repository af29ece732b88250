"""Every failed run alerts: the CLI's own runs, and a skipped nightly run via the freshness SLA."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dagster as dg
import pytest

from orchestration import freshness
from tests.orchestration.http_stubs import VendorStub


class WebhookReceiver:
    """A real local HTTP endpoint that records the JSON bodies posted to it."""

    def __init__(self) -> None:
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def webhook():
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def _run_cli(environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "run"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )


def _real_run_environment(tmp_path, webhook_url: str, base_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "HUBSPOT_ACCESS_TOKEN": "pat-secret-token",
        "AIRCALL_API_ID": "id",
        "AIRCALL_API_TOKEN": "aircall-secret",
        "PII_HASH_KEY": "k",
        "HUBSPOT_BASE_URL": base_url,
        "AIRCALL_BASE_URL": base_url,
        "DUCKDB_PATH": str(tmp_path / "w.duckdb"),
        "EXPORT_DIR": str(tmp_path / "exports"),
        "ALERT_WEBHOOK_URL": webhook_url,
    }


@pytest.mark.slow
def test_failed_cli_run_posts_an_alert_naming_the_cause(webhook, tmp_path):
    # given HubSpot answering 401 to everything, and Aircall's base URL where nothing listens
    hubspot = VendorStub(401, {"message": "Authentication credentials not found"})
    environment = _real_run_environment(tmp_path, webhook.url, _closed_port_url())
    environment["HUBSPOT_BASE_URL"] = hubspot.url
    started = time.monotonic()
    # when
    try:
        completed = _run_cli(environment)
    finally:
        hubspot.close()
    elapsed = time.monotonic() - started
    # then the run fails fast at its connection checks (exit 4: a source), HubSpot asked once
    # (no HTTP or Dagster retry, no stream started), and one alert says what to fix
    assert completed.returncode == 4, completed.stderr[-3000:]
    assert hubspot.requests == 1, "one check request: no retry, nothing extracted"
    assert len(webhook.received) == 1
    alert = webhook.received[0]
    assert alert["run_id"] != "-" and "exit code 4" in alert["error"]
    assert "check HUBSPOT_ACCESS_TOKEN" in alert["error"]
    assert "check AIRCALL_BASE_URL" in alert["error"]
    output = json.dumps(alert) + completed.stdout + completed.stderr
    assert "secret" not in output
    assert not (tmp_path / "exports").exists() and not (tmp_path / "w.duckdb").exists()
    print(f"401 + closed-port CLI run failed in {elapsed:.1f} s")


def test_cli_configuration_error_posts_an_alert(webhook, tmp_path):
    environment = _real_run_environment(tmp_path, webhook.url, "api.hubapi.com")
    completed = _run_cli(environment)
    assert completed.returncode == 2
    assert len(webhook.received) == 1
    assert "HUBSPOT_BASE_URL" in webhook.received[0]["error"]


def test_skipped_nightly_run_fails_freshness_and_alerts_once(webhook, monkeypatch):
    # given a raw stream and the publication materialized by last night's run
    instance = dg.DagsterInstance.ephemeral()
    for key in (dg.AssetKey(["hubspot", "deals"]), freshness.PUBLICATION_KEY):
        instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=key))
    last_night = time.time()
    monkeypatch.setenv("ALERT_WEBHOOK_URL", webhook.url)

    def evaluate_at(hours_later: float, cursor: str | None) -> dg.SensorResult:
        monkeypatch.setattr(freshness, "_now", lambda: last_night + hours_later * 3600)
        context = dg.build_sensor_context(instance=instance, cursor=cursor)
        return freshness.freshness_sla_alert(context)

    # when the sensor ticks the next morning (fresh), then 27 h later (tonight's run skipped)
    morning = evaluate_at(6, None)
    late = evaluate_at(27, morning.cursor)
    again = evaluate_at(27.1, late.cursor)

    # then fresh passes silently; stale fails both checks and alerts once, not on every tick
    assert [e.passed for e in morning.asset_events] == [True, True]
    assert [e.passed for e in late.asset_events] == [False, False]
    assert {e.check_name for e in late.asset_events} == {freshness.CHECK_NAME}
    assert len(webhook.received) == 1
    assert "hubspot/deals" in webhook.received[0]["error"]
    assert "looker_studio/published_exports" in webhook.received[0]["error"]
    assert [e.passed for e in again.asset_events] == [False, False]
