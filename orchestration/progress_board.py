"""What a run is doing right now, gathered from its progress events for the displays to draw.

The steps report from the run's worker thread while the display reads from its own, so every
read takes a snapshot under the lock.
"""

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from orchestration.dbt_progress import DbtProgress
from orchestration.progress import Event, Notice, PublishProgress, StreamProgress

NODE_NAME_WIDTH = 48


@dataclass(frozen=True, slots=True)
class StreamRow:
    """One stream: waiting until its first page, then running, done or failed."""

    name: str
    records: int = 0
    pages: int = 0
    elapsed_seconds: float = 0.0
    state: str = "waiting"
    detail: str = ""

    @property
    def rate(self) -> float | None:
        """Records per second, once there is enough time to divide by."""
        if self.records == 0 or self.elapsed_seconds < 0.05:
            return None
        return self.records / self.elapsed_seconds

    def describe(self) -> str:
        """``<vendor>/calls: 20,300 records, 450 pages, 8,900 records/s``."""
        rate = f", {self.rate:,.0f} records/s" if self.rate is not None else ""
        return f"{self.name}: {self.records:,} records, {self.pages:,} pages{rate}"


@dataclass(frozen=True, slots=True)
class BoardSnapshot:
    """The board at one instant."""

    streams: tuple[StreamRow, ...]
    dbt: DbtProgress | None
    publish: PublishProgress | None
    elapsed_seconds: float

    @property
    def dbt_running(self) -> bool:
        finished = self.dbt is not None and self.dbt.total and self.dbt.done >= self.dbt.total
        return self.dbt is not None and not finished and self.publish is None

    def activity(self) -> str:
        """What is running now, in one line; empty between steps."""
        running = [row.describe() for row in self.streams if row.state == "running"]
        if running:
            return "ingest " + "; ".join(running)
        if self.dbt_running and self.dbt is not None:
            return describe_dbt(self.dbt)
        if self.publish is not None and self.publish.state == "running":
            return f"publish: to {self.publish.detail}"
        return ""


def describe_dbt(progress: DbtProgress) -> str:
    """``dbt build: 230/461 nodes, running int_x, 0 failures``."""
    if not progress.total:
        return "dbt build: starting (dbt reads the project)"
    total = progress.total
    running = f", running {shorten(progress.current)}" if progress.current else ""
    return f"dbt build: {progress.done}/{total} nodes{running}, {progress.failures} failures"


def shorten(name: str, width: int = NODE_NAME_WIDTH) -> str:
    """A dbt node name cut to ``width`` (test names run past 100 characters)."""
    return name if len(name) <= width else name[: width - 1] + "…"


@dataclass
class ProgressBoard:
    """The run's streams (known in advance, in run order), dbt build and publication."""

    stream_names: Sequence[str]
    started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._streams = {name: StreamRow(name) for name in self.stream_names}
        self._dbt: DbtProgress | None = None
        self._publish: PublishProgress | None = None
        self._notices: list[str] = []

    def __call__(self, event: Event) -> None:
        """Take one event (the board is a progress listener)."""
        with self._lock:
            if isinstance(event, StreamProgress):
                self._take_stream(event)
            elif isinstance(event, DbtProgress):
                self._dbt = event
            elif isinstance(event, PublishProgress):
                self._publish = event
            elif isinstance(event, Notice):
                self._notices.append(event.text)

    def _take_stream(self, event: StreamProgress) -> None:
        row = self._streams.get(event.stream, StreamRow(event.stream))
        if event.state == "failed":  # a failure knows no counts: keep the last ones
            row = replace(row, state="failed", detail=event.detail)
        else:
            row = StreamRow(event.stream, event.records, event.pages, event.elapsed_seconds,
                            event.state, event.detail)  # fmt: skip
        self._streams[event.stream] = row

    def snapshot(self) -> BoardSnapshot:
        """The board now."""
        with self._lock:
            return BoardSnapshot(
                tuple(self._streams.values()),
                self._dbt,
                self._publish,
                time.monotonic() - self.started,
            )

    def take_notices(self) -> list[str]:
        """The notices not yet shown, oldest first."""
        with self._lock:
            notices, self._notices = self._notices, []
        return notices
