"""How `kpi-pipeline run` shows its progress: a live board in a terminal, plain lines elsewhere.

In a terminal, `rich` redraws one line per stream (records, pages, rate), the dbt build as one
bar (nodes done of total, the node running, failures so far) and the publication, in place; the
board is cleared when the run ends, so each figure appears once, in the summary printed next.

When stdout is not a terminal (cron, CI, a pipe) there is nothing to redraw: a line when dbt and
the publication start, then, while a step runs, a line saying where it stands every few seconds,
the gap growing with the run's age (5 s at first, at most a minute), so a nightly log stays
short whatever the run's length. No escape codes either way but the terminal's.
"""

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from orchestration.progress import listening
from orchestration.progress_board import BoardSnapshot, ProgressBoard, StreamRow, shorten

FIRST_INTERVAL_SECONDS = 5.0
LONGEST_INTERVAL_SECONDS = 60.0
LINES_PER_INTERVAL = 12  # the gap is the run's age over this: about 12 lines per doubling
REFRESHES_PER_SECOND = 4


def format_elapsed(seconds: float) -> str:
    """``0:07``, ``12:30``, ``1:02:03``."""
    minutes, second = divmod(int(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02d}:{second:02d}" if hours else f"{minute}:{second:02d}"


class PlainLines:
    """Periodic progress lines for logs and pipes."""

    def __init__(self, board: ProgressBoard, out: TextIO) -> None:
        self._board, self._out = board, out
        self._stop = threading.Event()
        self._announced: set[str] = set()
        self._next_tick = FIRST_INTERVAL_SECONDS
        self._last: tuple[str, float] = ("", 0.0)  # the last text printed, and when
        self._thread = threading.Thread(target=self._run, name="progress-lines", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._print_notices()

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            self.tick()

    def tick(self) -> None:
        """Print what is due now: notices, a phase that started, the periodic line."""
        self._print_notices()
        snapshot = self._board.snapshot()
        self._announce_phases(snapshot)
        if snapshot.elapsed_seconds >= self._next_tick:
            interval = snapshot.elapsed_seconds / LINES_PER_INTERVAL
            self._next_tick = snapshot.elapsed_seconds + min(
                max(interval, FIRST_INTERVAL_SECONDS), LONGEST_INTERVAL_SECONDS
            )
            activity = snapshot.activity()
            # The same words again say nothing new, unless a minute passed: then "still there".
            text, printed_at = self._last
            repeat = activity == text and snapshot.elapsed_seconds - printed_at < 60
            if activity and not repeat:
                self._print(snapshot.elapsed_seconds, activity)

    def _announce_phases(self, snapshot: BoardSnapshot) -> None:
        """One line as dbt and the publication start: a log then shows when each began."""
        if snapshot.dbt is not None and snapshot.dbt.total and "dbt" not in self._announced:
            self._announced.add("dbt")
            self._print(snapshot.elapsed_seconds, f"dbt build: {snapshot.dbt.total} nodes to run")
        if snapshot.publish is not None and "publish" not in self._announced:
            self._announced.add("publish")
            self._print(snapshot.elapsed_seconds, f"publish: to {snapshot.publish.detail}")

    def _print_notices(self) -> None:
        for notice in self._board.take_notices():
            self._out.write(f"note: {notice}\n")
            self._out.flush()

    def _print(self, elapsed: float, text: str) -> None:
        self._last = (text, elapsed)
        self._out.write(f"[{format_elapsed(elapsed)}] {text}\n")
        self._out.flush()


class LiveBoard:
    """The board redrawn in place, a few times a second; notices printed above it, to stay."""

    def __init__(self, board: ProgressBoard, console: Console) -> None:
        self._board = board
        self._spinner = Spinner("dots", style="cyan")
        self._live = Live(
            console=console,
            get_renderable=self._render,
            refresh_per_second=REFRESHES_PER_SECOND,
            transient=True,  # the summary follows with the final figures
            redirect_stdout=False,  # stdout already leads into the run log
            redirect_stderr=False,
        )
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="progress-notices", daemon=True)

    def start(self) -> None:
        self._live.start()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._live.stop()
        self._print_notices()

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            self._print_notices()

    def _print_notices(self) -> None:
        for notice in self._board.take_notices():
            self._live.console.print(Text(f"note: {notice}", style="yellow"))

    def _render(self) -> RenderableType:
        snapshot = self._board.snapshot()
        streams = Table.grid(padding=(0, 1))
        for justify in ("left", "left", "left", "right", "right", "right", "right", "left"):
            streams.add_column(justify=justify, no_wrap=True)  # type: ignore[arg-type]
        for row in snapshot.streams:
            streams.add_row(*self._stream_cells(row))
        dbt = Table.grid(padding=(0, 1))
        dbt.add_row(Text("dbt build", style="bold"), *self._dbt_cells(snapshot))
        publish = Text.assemble(("publish   ", "bold"), self._publish_text(snapshot))
        header = Text(f"kpi-pipeline run  {format_elapsed(snapshot.elapsed_seconds)}", "bold")
        return Group(header, Text("ingest", style="bold"), streams, dbt, publish)

    def _stream_cells(self, row: StreamRow) -> list[RenderableType]:
        marks = {"done": Text("✓", "green"), "failed": Text("✗", "red"), "waiting": Text("·")}
        mark = marks.get(row.state, self._spinner)
        if row.state == "waiting":
            return [" ", mark, Text(row.name, "dim"), Text("waiting", "dim"), "", "", "", ""]
        rate = f"{row.rate:,.0f}/s" if row.rate is not None else ""
        status = Text(row.detail[:80], "red") if row.state == "failed" else Text("")
        return [" ", mark, row.name, f"{row.records:,} records", f"{row.pages:,} pages", rate,
                f"{row.elapsed_seconds:.1f} s", status]  # fmt: skip

    def _dbt_cells(self, snapshot: BoardSnapshot) -> list[RenderableType]:
        progress = snapshot.dbt
        if progress is None:
            return [Text("waiting", "dim")]
        bar = ProgressBar(total=progress.total or None, completed=progress.done, width=32)
        if not progress.total:
            return [bar, Text("starting (dbt reads the project)", "dim")]
        failures = Text(f"{progress.failures} failures", "red" if progress.failures else "green")
        current = shorten(progress.current) if snapshot.dbt_running else ""
        return [
            bar,
            f"{progress.done}/{progress.total or '?'} nodes",
            failures,
            Text(current, "dim"),
        ]

    def _publish_text(self, snapshot: BoardSnapshot) -> Text:
        publish = snapshot.publish
        if publish is None:
            return Text("waiting", "dim")
        style = {"done": "green", "failed": "red"}.get(publish.state, "")
        prefix = {"running": "writing to ", "done": "done: ", "failed": "failed: "}[publish.state]
        return Text(prefix + publish.detail[:120], style)


@contextmanager
def showing_progress(
    stream_names: Sequence[str], out: TextIO, plain: bool = False
) -> Iterator[ProgressBoard]:
    """Draw the run's progress on ``out`` until the block ends.

    Args:
        stream_names: the streams the run syncs, in order (shown as waiting until they start).
        out: the real stdout (the run log holds ``sys.stdout`` meanwhile).
        plain: periodic lines even in a terminal (``--verbose``, whose log lines scroll).
    """
    board = ProgressBoard(stream_names)
    # The stream itself decides, not rich's guess: CI often sets FORCE_COLOR on a pipe.
    terminal = getattr(out, "isatty", lambda: False)()
    display = LiveBoard(board, Console(file=out)) if terminal and not plain else None
    display = display or PlainLines(board, out)
    with listening(board):
        display.start()
        try:
            yield board
        finally:
            display.stop()
