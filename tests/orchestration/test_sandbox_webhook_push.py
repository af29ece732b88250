"""A sandbox run turns messaging on and pushes each webhook source's events through its real
receiver, stopped before the ingest so that every segment is closed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from connectors.registry import SOURCES
from connectors.webhook_landing import closed_segments
from orchestration import pipeline_run
from sandbox.config import TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN

PUSHED = tuple(source for source in SOURCES if source.webhook is not None)


def _landed_lines(landing: Path) -> int:
    """Lines in every landing segment of every pushed source."""
    return sum(path.read_bytes().count(b"\n") for path in landing.rglob("*") if path.is_file())


@pytest.fixture
def landing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The landing folder the run's environment points the receivers and the ingest at."""
    folder = tmp_path / "webhooks"
    monkeypatch.setenv("WEBHOOK_LANDING_DIR", str(folder))
    return folder


def test_sandbox_environment_serves_the_messaging_world(landing: Path) -> None:
    # given a default sandbox run: every messaging source is read
    assert {s.kind for s in pipeline_run.sandbox_sources("hubspot")} == {
        "crm", "telephony", "messaging"}  # fmt: skip
    with pipeline_run.sandbox_environment(scale=0.05, seed=7) as url:
        # when the Twilio API of the sandbox is asked for its conversations
        body = requests.get(url + "/twilio/v1/Conversations", timeout=10,
                            auth=(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)).json()  # fmt: skip
    # then threads exist, and the pushed source's events landed before the ingest
    assert body["conversations"]
    assert _landed_lines(landing) > 0


def test_sandbox_environment_pushes_every_enabled_webhook_source(
    landing: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a run that reads every source
    assert PUSHED
    monkeypatch.setattr(pipeline_run, "sandbox_sources", lambda crm: SOURCES)
    # when the sandbox environment is set up
    with pipeline_run.sandbox_environment(scale=0.05, seed=7):
        pass
    # then one line per pushed source says how many events went
    lines = [line for line in capsys.readouterr().out.splitlines() if "events delivered" in line]
    assert [line.split(":")[0] for line in lines] == [source.label for source in PUSHED]
    # and the receiver stopped cleanly: every segment closed, holding every post
    folders = [path for path in landing.iterdir() if path.is_dir()]
    assert folders and all(closed_segments(folder) for folder in folders)
    assert not list(landing.rglob("*.open"))
    counts = [re.search(r": (\d+) events delivered \((\d+) redelivered\)", line) for line in lines]
    posted = sum(int(found[1]) + int(found[2]) for found in counts if found)
    assert _landed_lines(landing) == posted > 0


def test_a_sandbox_run_lands_its_events_beside_its_own_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a run on a warehouse of its own and no landing folder configured
    monkeypatch.delenv("WEBHOOK_LANDING_DIR", raising=False)
    monkeypatch.setenv("DUCKDB_PATH", str(tmp_path / "w.duckdb"))
    monkeypatch.setattr(pipeline_run, "sandbox_sources", lambda crm: SOURCES)
    # when the sandbox environment is set up
    with pipeline_run.sandbox_environment(scale=0.05, seed=7):
        pass
    # then the events landed next to that warehouse, where its ingest will look
    assert "events delivered" in capsys.readouterr().out
    assert _landed_lines(tmp_path / "landing" / "webhooks") > 0
