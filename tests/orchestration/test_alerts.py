"""Failure alerts reach a webhook, and an unreachable webhook never raises."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

from orchestration.alerts import alert_payload, post_alert


class RecordingHandler(BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        RecordingHandler.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_post_alert_sends_the_run_and_error_to_the_webhook():
    # given
    server = HTTPServer(("127.0.0.1", 0), RecordingHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    payload = alert_payload("refresh_kpis_job", "run-42", "hubspot/deals: HTTP 401")
    # when
    delivered = post_alert(f"http://127.0.0.1:{server.server_port}/hook", payload)
    server.shutdown()
    # then
    assert delivered
    assert RecordingHandler.received == [payload]
    assert "run-42" in payload["text"] and "refresh_kpis_job" in payload["text"]


def test_post_alert_to_an_unreachable_webhook_returns_false_without_raising():
    server = HTTPServer(("127.0.0.1", 0), RecordingHandler)
    port = server.server_port
    server.server_close()
    assert post_alert(f"http://127.0.0.1:{port}/hook", alert_payload("j", "r", "e")) is False
