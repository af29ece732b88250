"""`kpi-pipeline webhooks`: where it listens and lands, and no start without a token."""

import signal

import requests

from orchestration import cli, settings
from sandbox.apis.aircall_webhooks import envelope, sample_messages
from tests.connectors.webhook_testkit import TOKEN, start_receiver_process


def test_webhooks_command_defaults_to_loopback_and_port_8787():
    args = cli.build_parser().parse_args(["webhooks"])
    assert (args.host, args.port, args.workers) == ("127.0.0.1", 8787, 1)


def test_webhooks_command_prints_its_address_and_landing_folder(tmp_path):
    # given
    process, url = start_receiver_process(tmp_path / "webhooks")
    requests.post(url, json=envelope(next(sample_messages(1)), TOKEN), timeout=5)
    # when: stopped as a service manager would
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    # then
    folder = tmp_path / "webhooks" / "aircall"
    assert f"POST {url}" in output
    assert f"WEBHOOK_LANDING_DIR={folder.parent.resolve()}" in output
    # uvicorn re-raises SIGTERM after its graceful shutdown, which closed the open segment
    assert process.returncode == -signal.SIGTERM
    assert [path.suffix for path in folder.iterdir()] == [".ndjson"]


def test_webhooks_command_refuses_to_start_without_a_token(monkeypatch, capsys):
    monkeypatch.delenv("AIRCALL_WEBHOOK_TOKEN", raising=False)
    monkeypatch.setattr(settings, "load_dotenv_file", lambda path=None: None)
    assert cli.main(["webhooks"]) == 2
    assert "AIRCALL_WEBHOOK_TOKEN" in capsys.readouterr().err
