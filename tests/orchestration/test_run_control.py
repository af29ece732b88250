"""The stop token, signal handlers and no-retry mapping, in process (the CLI test is heavier)."""

import os
import signal

import dagster as dg
import pytest

from connectors.errors import FatalError, QuotaExhaustedError, RetriesExhaustedError, StopRequested
from connectors.stopping import StopToken
from orchestration import run_control


def test_stop_token_fires_at_its_deadline_with_a_reason():
    # given a token with a 2-minute deadline on a fake clock
    now = [100.0]
    token = StopToken(deadline_seconds=120, clock=lambda: now[0])
    # when / then
    assert not token()
    now[0] += 119
    assert not token()
    now[0] += 1
    assert token()
    assert token.reason == "run deadline of 2 minutes reached"
    assert run_control.stop_exit_code(token.reason) == 124


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_first_signal_requests_a_stop_instead_of_killing(signum, code):
    # given the run's handlers installed
    token = StopToken()
    before = signal.getsignal(signum)
    with run_control.stop_on_signals(token):
        # when the process receives the signal
        os.kill(os.getpid(), signum)
        # then the run is still alive, asked to stop, with the signal's exit code
        assert run_control.should_stop()
        assert run_control.stop_exit_code(token.reason) == code
    # and the handlers and token are restored afterwards
    assert not run_control.should_stop()
    assert signal.getsignal(signum) is before


@pytest.mark.parametrize(
    "error",
    [FatalError("401", 401), QuotaExhaustedError("daily"), StopRequested("stopped")],
)
def test_errors_that_fail_again_become_failures_never_retried(error):
    with pytest.raises(dg.Failure) as raised, run_control.fatal_errors_not_retried():
        raise error
    assert raised.value.allow_retries is False


def test_transient_errors_keep_the_retry_policy():
    with pytest.raises(RetriesExhaustedError), run_control.fatal_errors_not_retried():
        raise RetriesExhaustedError("503 six times")


def test_worker_thread_returns_the_value_or_raises_on_the_main_thread():
    assert run_control.run_on_worker_thread(lambda: 42, StopToken()) == 42
    with pytest.raises(ZeroDivisionError):
        run_control.run_on_worker_thread(lambda: 1 / 0, StopToken())


def test_stop_interrupts_a_running_subprocess_and_fails_the_step_without_retry():
    # given a long-running child standing in for `dbt build`, and the run's token
    import subprocess
    import sys
    import time

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    token = StopToken()
    started = time.monotonic()
    # when a stop is requested while the step waits on the child
    with (
        run_control.stop_on_signals(token),
        pytest.raises(dg.Failure) as raised,
        run_control.interrupt_process_on_stop(child, "dbt build"),
    ):
        token.request("SIGTERM received")
        if child.wait(timeout=30) != 0:
            raise RuntimeError("dbt exited non-zero")  # what dagster-dbt's stream() raises
    # then the child got SIGINT within a second, and the step fails naming the stop
    assert child.returncode != 0
    assert time.monotonic() - started < 5
    assert "dbt build: interrupted, the run is stopping (SIGTERM received)" in str(raised.value)
    assert raised.value.allow_retries is False
