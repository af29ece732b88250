"""Which conversations one run (re-)reads, and the watermark stored after them.

Twilio's conversation list filters only on creation date and state, with no updated-since filter
and no date filter on messages. So a run re-reads the conversations created in a trailing window
before the watermark, every conversation that is active now, and every one the last run saw
active (it may have closed since, after a last message we have not read).
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.errors import FatalError
from connectors.http import HttpClient
from connectors.streams import format_timestamp, parse_timestamp
from connectors.twilio.paging import list_records

CONVERSATIONS_PATH = "/v1/Conversations"


@dataclass(frozen=True, slots=True)
class TwilioOptions:
    """How far each run reads.

    Attributes:
        page_size: ``PageSize`` of every list (Twilio allows at most 100 [C]).
        trailing_days: re-read window before the watermark, on creation date.
        history_days: how far back a first run reads.
    """

    page_size: int = 100
    trailing_days: int = 7
    history_days: int = 400


@dataclass(frozen=True, slots=True)
class Watermark:
    """The stream cursor, stored as JSON.

    Attributes:
        through: start of the run that read every conversation created before it; None means
            nothing read yet (a first run).
        open: sids that run saw active, re-read by the next run even outside its window.
    """

    through: datetime | None = None
    open: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, cursor: str | None) -> "Watermark":
        """The watermark of a stored cursor (None: a first run)."""
        if not cursor:
            return cls()
        data = json.loads(cursor)
        return cls(parse_timestamp(data.get("through")), frozenset(data.get("open") or ()))

    def dump(self) -> str:
        """Compact, sorted JSON: the same state always stores the same text."""
        through = None if self.through is None else format_timestamp(self.through)
        payload = {"open": sorted(self.open), "through": through}
        return json.dumps(payload, separators=(",", ":"), sort_keys=True)


@dataclass(frozen=True, slots=True)
class Batch:
    """Conversations read together, and sids the vendor no longer holds."""

    conversations: list[dict[str, Any]]
    gone: tuple[str, ...] = ()


class ConversationScan:
    """One run's conversations: created in the window, active now, or active last time."""

    def __init__(self, client: HttpClient, options: TwilioOptions, cursor: str | None) -> None:
        self._client, self._options = client, options
        self.stored = Watermark.parse(cursor)
        self.started = datetime.fromtimestamp(client.clock(), tz=UTC)
        self._seen: set[str] = set()
        self._active: set[str] = set()

    @property
    def resume_cursor(self) -> str:
        """Safe to store mid-run: the stored watermark, so a crash re-reads all of this run."""
        return self.stored.dump()

    def next_cursor(self) -> str:
        """To store once every batch has landed."""
        return Watermark(self.started, frozenset(self._active)).dump()

    def window_start(self) -> datetime:
        """Midnight UTC of the first creation day read (Twilio's date filters are by day)."""
        if self.stored.through is None:
            start = self.started - timedelta(days=self._options.history_days)
        else:
            start = self.stored.through - timedelta(days=self._options.trailing_days)
        return start.replace(hour=0, minute=0, second=0, microsecond=0)

    def batches(self) -> Iterator[Batch]:
        """Yield conversations page by page, each sid once."""
        since = self.window_start().strftime("%Y-%m-%dT%H:%M:%SZ")
        for params in ({"StartDate": since}, {"State": "active"}):
            query = {**params, "PageSize": self._options.page_size}
            for records in list_records(self._client, CONVERSATIONS_PATH, "conversations", query):
                fresh = [self._note(r) for r in records if r["sid"] not in self._seen]
                if fresh:
                    yield Batch(fresh)
        for sid in sorted(self.stored.open - self._seen):
            yield self._recheck(sid)

    def _note(self, record: dict[str, Any]) -> dict[str, Any]:
        self._seen.add(record["sid"])
        if record.get("state") == "active":
            self._active.add(record["sid"])
        return record

    def _recheck(self, sid: str) -> Batch:
        """Re-read one conversation the last run saw active; a 404 means it was deleted."""
        try:
            record = self._client.get(f"{CONVERSATIONS_PATH}/{sid}")
        except FatalError as error:
            if error.status != 404:
                raise
            return Batch([], gone=(sid,))
        return Batch([self._note(record)])
