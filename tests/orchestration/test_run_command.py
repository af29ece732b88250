"""Even a crash of `kpi-pipeline run` ends in a few lines, with the traceback kept in the log."""

import argparse
import io
import sys

import pytest

from orchestration import pipeline_run
from orchestration.run_command import run_from_cli


def test_an_unexpected_error_is_reported_in_a_few_lines_and_logged_with_its_traceback(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a run whose pipeline breaks in a way nothing foresaw
    def broken(**_: object) -> None:
        raise RuntimeError("something nobody expected")

    monkeypatch.setattr(pipeline_run, "run_pipeline", broken)
    monkeypatch.setenv("RUN_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("ALERT_WEBHOOK_URL", "")
    args = argparse.Namespace(
        sandbox=True, scale=1.0, seed=None, full_refresh=False, deadline=None, crm="hubspot",
        verbose=False,
    )  # fmt: skip
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    # when
    result = run_from_cli(args)
    # then: exit 1, the error in one line, no traceback on the console, all of it in the log
    assert result.code == 1
    lines = err.getvalue().splitlines()
    assert lines[0] == "Run FAILED: an unexpected error (exit 1)"
    assert "  why:  RuntimeError: something nobody expected" in lines
    assert "Traceback" not in out.getvalue() + err.getvalue()
    (log,) = (tmp_path / "logs").iterdir()
    assert "Traceback (most recent call last)" in log.read_text()
