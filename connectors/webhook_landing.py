"""A durable append-only landing area for webhook events: fsynced NDJSON segments, rotated.

Layout of one source's folder (``<WEBHOOK_LANDING_DIR>/<source>/``):

- ``<name>.new``: a segment just created, not yet locked (never read, never recovered);
- ``<name>.open``: the segment a live writer appends to; the writer holds an exclusive
  ``flock`` on it for as long as it lives, so a lock anyone else can take marks an orphan
  (its writer was killed) that ``recover_orphans`` closes;
- ``<name>.ndjson``: a closed segment: complete lines only, never written again. Only these are
  read by the ingest, so it never races the writer.

Every writer (one per receiver process: uvicorn workers each get their own) writes its own
segments, so lines from different processes never share a file, and one lock per writer
serialises its own appends. A line is acknowledged only after ``write`` + ``fdatasync`` returned.
"""

import fcntl
import os
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

NEW_SUFFIX = ".new"
OPEN_SUFFIX = ".open"
CLOSED_SUFFIX = ".ndjson"
DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024
DEFAULT_SEGMENT_SECONDS = 60.0
# ``.new`` files are empty (the writer renames them within microseconds); one older than this
# belonged to a writer killed between create and rename.
STALE_NEW_SECONDS = 3600.0


def _fsync_directory(folder: Path) -> None:
    """Make a create or rename in ``folder`` survive a power loss, not only a process crash."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _segment_name() -> str:
    """Sortable by creation time first; pid and random part keep concurrent writers apart."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{os.getpid()}-{secrets.token_hex(4)}"


@dataclass(slots=True)
class _OpenSegment:
    path: Path
    fd: int
    size: int
    opened_at: float


class SegmentWriter:
    """Appends lines to this process's open segment, fsyncing each batch before returning.

    Thread-safe: one lock serialises appends and rotation, so batches never interleave.

    Args:
        folder: the source's landing folder (created if missing).
        segment_bytes: rotate once the open segment reaches this size.
        segment_seconds: rotate once the open segment is this old (checked on every append and
            by ``rotate_if_due``, which the receiver calls periodically when idle).
    """

    def __init__(self, folder: Path, segment_bytes: int = DEFAULT_SEGMENT_BYTES,
                 segment_seconds: float = DEFAULT_SEGMENT_SECONDS) -> None:  # fmt: skip
        self.folder = folder
        self.segment_bytes, self.segment_seconds = segment_bytes, segment_seconds
        self._lock = threading.Lock()
        self._segment: _OpenSegment | None = None
        folder.mkdir(parents=True, exist_ok=True)

    def append(self, lines: list[bytes]) -> None:
        """Write complete lines (each ending in ``\\n``) in one write, then fdatasync.

        Raises:
            OSError: the disk refused; nothing may be acknowledged.
        """
        data = b"".join(lines)
        with self._lock:
            if self._segment is not None and self._due(self._segment):
                self._close()
            segment = self._segment or self._open()
            written = 0
            while written < len(data):  # os.write may write less than asked (signals, quotas)
                written += os.write(segment.fd, data[written:])
            os.fdatasync(segment.fd)
            segment.size += len(data)

    def rotate_if_due(self) -> None:
        """Close the open segment when it is old enough, so an idle receiver still hands over."""
        with self._lock:
            if self._segment is not None and self._due(self._segment):
                self._close()

    def close(self) -> None:
        """Close the open segment (receiver shutdown)."""
        with self._lock:
            if self._segment is not None:
                self._close()

    def _due(self, segment: _OpenSegment) -> bool:
        age = time.monotonic() - segment.opened_at
        return segment.size >= self.segment_bytes or age >= self.segment_seconds

    def _open(self) -> _OpenSegment:
        name = _segment_name()
        new_path = self.folder / f"{name}{NEW_SUFFIX}"
        fd = os.open(new_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
        # Lock before the file is visible as ``.open``: recovery must never see it unlocked.
        fcntl.flock(fd, fcntl.LOCK_EX)
        path = self.folder / f"{name}{OPEN_SUFFIX}"
        os.rename(new_path, path)
        _fsync_directory(self.folder)
        self._segment = _OpenSegment(path, fd, 0, time.monotonic())
        return self._segment

    def _close(self) -> None:
        segment = self._segment
        assert segment is not None
        self._segment = None
        if segment.size:
            os.rename(segment.path, segment.path.with_suffix(CLOSED_SUFFIX))
        else:
            segment.path.unlink()
        _fsync_directory(self.folder)
        os.close(segment.fd)  # releases the flock after the rename: never an unlocked ``.open``


def _close_orphan(path: Path) -> bool:
    """Close one ``.open`` segment if its writer is gone; True when it was an orphan."""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False  # its writer closed it meanwhile
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # a live writer holds it
        try:
            if os.stat(path).st_ino != os.fstat(fd).st_ino:
                return False
        except FileNotFoundError:
            return False  # closed by its writer (or another recoverer) before we locked it
        size = os.fstat(fd).st_size
        tail = os.pread(fd, min(size, 1 << 20), max(size - (1 << 20), 0)) if size else b""
        # A write cut by the kill was never acknowledged: drop everything after the last newline.
        complete = size - len(tail) + tail.rfind(b"\n") + 1 if b"\n" in tail else 0
        if complete < size:
            os.ftruncate(fd, complete)
            os.fsync(fd)
        if complete:
            os.rename(path, path.with_suffix(CLOSED_SUFFIX))
        else:
            path.unlink()
        _fsync_directory(path.parent)
        return True
    finally:
        os.close(fd)


def recover_orphans(folder: Path) -> int:
    """Close the segments of killed writers so their acknowledged lines can be ingested.

    Safe to call at any time from any process, while writers run: a live writer's segment is
    locked and skipped.

    Returns:
        How many orphaned segments were closed.
    """
    if not folder.is_dir():
        return 0
    recovered = sum(_close_orphan(path) for path in sorted(folder.glob(f"*{OPEN_SUFFIX}")))
    for path in folder.glob(f"*{NEW_SUFFIX}"):
        try:
            if time.time() - path.stat().st_mtime > STALE_NEW_SECONDS:
                path.unlink()
        except FileNotFoundError:
            pass
    return recovered


def closed_segments(folder: Path) -> list[str]:
    """Names (without suffix) of the closed segments, oldest first."""
    if not folder.is_dir():
        return []
    paths = folder.glob(f"*{CLOSED_SUFFIX}")
    return sorted(path.name.removesuffix(CLOSED_SUFFIX) for path in paths)


def read_segment(
    folder: Path, name: str, offset: int, max_lines: int
) -> Iterator[tuple[list[bytes], int]]:
    """Batches of complete lines of a closed segment from a byte offset.

    Yields:
        (lines without their newline, byte offset just after the batch).
    """
    with (folder / f"{name}{CLOSED_SUFFIX}").open("rb") as segment:
        segment.seek(offset)
        batch: list[bytes] = []
        for line in segment:
            if not line.endswith(b"\n"):
                break  # cannot happen in a closed segment; never move past an incomplete line
            offset += len(line)
            batch.append(line[:-1])
            if len(batch) >= max_lines:
                yield batch, offset
                batch = []
        if batch:
            yield batch, offset


def remove_segment(folder: Path, name: str) -> None:
    """Delete a consumed closed segment (missing is fine: an earlier run deleted it)."""
    (folder / f"{name}{CLOSED_SUFFIX}").unlink(missing_ok=True)
