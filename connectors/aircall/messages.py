"""``aircall/messages``: the message events the webhook receiver landed, as a Stream.

The cursor says how far the landing area has been consumed: the closed segments read in full
(``done``) and the segment being read with the byte offset reached. It is committed with the
rows (``sync_stream``), so it never passes a line that did not land in raw. Segments named in
a *stored* cursor's ``done`` are committed, so that is the only moment they are deleted: a crash
between the commit and the delete just deletes them on the next run, and a segment read twice
(its delete failed) merges onto the same rows (raw ``id`` = message id).
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from connectors.aircall.webhooks import LANDING_SUBFOLDER, STORED_PREFIX
from connectors.errors import FatalError
from connectors.streams import CountScope, Page, RecordShape
from connectors.webhook_landing import (
    closed_segments,
    read_segment,
    recover_orphans,
    remove_segment,
)

STREAM_NAME = "aircall/messages"
PAGE_LINES = 2_000
# Events carry whole seconds; within one second a later lifecycle state wins over an earlier
# one, so a redelivered ``sent`` cannot overwrite the ``read`` that followed it.
STATUS_ORDER = {"received": 0, "sent": 0, "delivered": 1, "read": 2, "failed": 3}


@dataclass(frozen=True, slots=True)
class MessageShape(RecordShape):
    """A raw record is the event envelope (without token); its key is the message id."""

    def key(self, record: dict[str, Any]) -> str:
        """The message id: every event about one message (redelivered or not) lands on one row."""
        return str(record["data"]["id"])

    def modified_at(self, record: dict[str, Any]) -> datetime | None:
        """The event time (UNIX seconds), the status order as milliseconds to break ties."""
        timestamp = record.get("timestamp")
        if not isinstance(timestamp, int | float) or isinstance(timestamp, bool):
            return None
        rank = STATUS_ORDER.get(str(record["data"].get("status")), 0)
        return datetime.fromtimestamp(int(timestamp), tz=UTC) + timedelta(milliseconds=rank)


MESSAGE_SHAPE = MessageShape()


@dataclass(frozen=True, slots=True)
class LandingCursor:
    """Consumed segments and the position in the current one."""

    done: tuple[str, ...] = ()
    segment: str | None = None
    offset: int = 0

    @classmethod
    def parse(cls, text: str | None) -> "LandingCursor":
        if not text:
            return cls()
        value = json.loads(text)
        return cls(tuple(value.get("done", ())), value.get("segment"), int(value.get("offset", 0)))

    def dump(self) -> str:
        return json.dumps({"done": list(self.done), "segment": self.segment, "offset": self.offset})


def _records(lines: list[bytes], where: str) -> list[dict[str, Any]]:
    records = []
    for line in lines:
        try:
            event = json.loads(line)["event"]
        except (ValueError, KeyError, TypeError) as error:
            # The receiver writes only validated JSON: this is a damaged file, not a vendor quirk.
            raise FatalError(f"{STREAM_NAME}: unreadable line in {where}") from error
        if str(event.get("event", "")).startswith(STORED_PREFIX):
            records.append(event)
    return records


class MessagesStream:
    """Reads closed landing segments, oldest first, from the stored cursor."""

    def __init__(self, landing_dir: str | Path, page_lines: int = PAGE_LINES) -> None:
        self.name, self.source, self.table = STREAM_NAME, "aircall", "messages"
        self.shape = MESSAGE_SHAPE
        self.folder = Path(landing_dir) / LANDING_SUBFOLDER
        self._page_lines = page_lines

    def read(self, cursor: str | None) -> Iterator[Page]:
        """Yield one page per batch of lines; each carries the position just after it."""
        stored = LandingCursor.parse(cursor)
        for name in stored.done:
            remove_segment(self.folder, name)  # committed with their rows by the last run
        recover_orphans(self.folder)  # a receiver killed after answering 200: its lines count
        available = closed_segments(self.folder)
        # A delete that failed stays in ``done``: retried next run, never read again.
        done = [name for name in stored.done if name in available]
        for name in available:
            if name in done:
                continue
            offset = stored.offset if name == stored.segment else 0
            for lines, end in read_segment(self.folder, name, offset, self._page_lines):
                position = LandingCursor(tuple(done), name, end)
                yield Page(_records(lines, f"{name}@{end}"), position.dump())
            done.append(name)
        yield Page([], LandingCursor(tuple(done)).dump())

    def source_total(self) -> int | None:
        """No count exists: Aircall keeps no message history to ask."""
        return None

    def count_scope(self, cursor: str | None) -> CountScope:
        """Nothing to reconcile against: the landing area is the only copy of the events."""
        return CountScope(None, "false", "no vendor count: Aircall messages arrive by webhook only")
