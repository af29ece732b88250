"""The run's progress: a live board in a terminal, plain periodic lines in a pipe."""

import io
import re
import time

from rich.console import Console

from orchestration.dbt_progress import DbtProgress
from orchestration.progress import Notice, PublishProgress, StreamProgress, report
from orchestration.progress_board import ProgressBoard
from orchestration.run_display import LiveBoard, PlainLines, showing_progress

ESCAPE = re.compile(r"\x1b\[")
STREAMS = ["vendor/calls", "vendor/users"]


def test_the_board_follows_streams_dbt_and_the_publication():
    # given a board of two streams
    board = ProgressBoard(STREAMS)
    # when the first stream reads pages, then fails, and the second has not started
    board(StreamProgress("vendor/calls", 2_000, 40, 2.0))
    board(StreamProgress("vendor/calls", 0, 0, 0.0, "failed", "HTTP 503 after 6 attempts"))
    snapshot = board.snapshot()
    calls, users = snapshot.streams
    # then the failure keeps the counts seen, and the other stream waits
    assert (calls.records, calls.pages, calls.state) == (2_000, 40, "failed")
    assert calls.rate == 1_000.0
    assert users.state == "waiting" and users.rate is None
    # when dbt runs, then the publication starts
    board(DbtProgress(10, 461, "int_calls_" + "x" * 80, 1))
    assert board.snapshot().activity().startswith("dbt build: 10/461 nodes, running int_calls_")
    assert len(board.snapshot().activity()) < 100  # a test name cut, not a line that wraps
    board(PublishProgress("running", "CSV folder /x/current"))
    assert board.snapshot().activity() == "publish: to CSV folder /x/current"


def test_plain_lines_are_periodic_announce_phases_and_carry_no_escape_codes():
    # given a run that started 6 s ago, reading a stream
    out = io.StringIO()
    board = ProgressBoard(STREAMS, started=time.monotonic() - 6)
    display = PlainLines(board, out)
    board(StreamProgress("vendor/calls", 20_300, 450, 2.3))
    board(Notice("SIGTERM received: stopping at the next safe point"))
    # when the display ticks, then dbt starts and it ticks twice more
    display.tick()
    board(StreamProgress("vendor/calls", 20_300, 450, 2.3, "done"))
    board(DbtProgress(0, 461, "stg_calls", 0))
    display.tick()
    display.tick()
    lines = out.getvalue().splitlines()
    # then: the notice, one line for the stream, one as dbt starts; no second periodic line yet
    assert lines[0] == "note: SIGTERM received: stopping at the next safe point"
    assert lines[1] == "[0:06] ingest vendor/calls: 20,300 records, 450 pages, 8,826 records/s"
    assert lines[2] == "[0:06] dbt build: 461 nodes to run"
    assert len(lines) == 3
    assert not ESCAPE.search(out.getvalue())


def test_the_gap_between_plain_lines_grows_with_the_run_age():
    # given a run that is ten minutes old and busy in dbt
    out = io.StringIO()
    board = ProgressBoard(STREAMS, started=time.monotonic() - 600)
    board(DbtProgress(100, 461, "kpi_calls_daily", 0))
    display = PlainLines(board, out)
    # when it ticks once
    display.tick()
    # then it printed, and the next line is due no sooner than 600/12 = 50 s later
    assert out.getvalue().splitlines()[-1].startswith("[10:00] dbt build: 100/461 nodes")
    assert display._next_tick >= 600 + 50


def test_the_live_board_draws_one_line_per_stream_the_dbt_bar_and_the_publication():
    # given a board mid-run
    board = ProgressBoard(STREAMS)
    board(StreamProgress("vendor/calls", 20_300, 450, 2.3))
    board(DbtProgress(230, 461, "int_phone_numbers_normalised", 2))
    console = Console(file=io.StringIO(), width=140, force_terminal=True, color_system=None)
    # when it renders
    console.print(LiveBoard(board, console)._render())
    text = console.file.getvalue()
    # then
    assert re.search(r"vendor/calls +20,300 records +450 pages +8,826/s +2\.3 s", text), text
    assert re.search(r"vendor/users +waiting", text)
    assert "230/461 nodes" in text and "2 failures" in text
    assert "int_phone_numbers_normalised" in text
    assert "publish   waiting" in text


def test_a_pipe_gets_plain_lines_and_reports_reach_the_display_only_while_it_shows():
    # given stdout is a pipe (not a terminal)
    out = io.StringIO()
    with showing_progress(STREAMS, out) as board:
        report(Notice("schema drift on vendor/calls"))
        time.sleep(0.5)
    report(Notice("after the run: nobody listens"))
    # then
    assert out.getvalue() == "note: schema drift on vendor/calls\n"
    assert board.take_notices() == []


def test_a_state_that_did_not_move_is_not_printed_again_within_a_minute():
    # given the publication has just started (announced once)
    out = io.StringIO()
    board = ProgressBoard(STREAMS, started=time.monotonic() - 45)
    board(PublishProgress("running", "CSV folder /x/current"))
    display = PlainLines(board, out)
    # when the periodic line falls due at once, and again later with nothing new
    display.tick()
    display._next_tick = 0
    display.tick()
    # then the words are printed once
    assert out.getvalue() == "[0:45] publish: to CSV folder /x/current\n"
