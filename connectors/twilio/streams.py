"""Twilio Conversations streams: conversations, then their participants and messages."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from connectors.errors import FatalError
from connectors.http import HttpClient
from connectors.streams import CountScope, Page, RecordShape, Stream
from connectors.twilio.paging import list_records
from connectors.twilio.scan import CONVERSATIONS_PATH, ConversationScan, TwilioOptions

NO_COUNT = CountScope(None, "_deleted_at is null", "nothing: Twilio Conversations has no counts")


@dataclass(frozen=True, slots=True)
class SidShape(RecordShape):
    """Twilio resources are keyed by their ``sid`` (CH…, MB…, IM…), not an ``id``."""

    def key(self, record: dict[str, Any]) -> str:
        """The resource sid."""
        return str(record["sid"])


# date_updated moves when a message's delivery or a conversation's state changes: the newer wins.
TWILIO_SHAPE = SidShape(modified_path=("date_updated",))


class ConversationsStream:
    """Conversations created in the window, active now or active last time (see scan.py)."""

    def __init__(self, client: HttpClient, options: TwilioOptions) -> None:
        self.name, self.source, self.table = "twilio/conversations", "twilio", "conversations"
        self.shape = TWILIO_SHAPE
        self._client, self._options = client, options

    def read(self, cursor: str | None) -> Iterator[Page]:
        """Yield each batch; the new watermark comes last, once everything has been read."""
        scan = ConversationScan(self._client, self._options, cursor)
        for batch in scan.batches():
            yield Page(batch.conversations, scan.resume_cursor, gone=batch.gone)
        yield Page([], scan.next_cursor(), checkpoint=True)

    def source_total(self) -> int | None:
        """None: Twilio lists carry no total."""
        return None

    def count_scope(self, cursor: str | None) -> CountScope:
        """Nothing to compare: the vendor reports no count."""
        return NO_COUNT


class ConversationChildStream:
    """Participants or messages of the conversations the scan re-reads, read in full each time.

    Messages have no date filter, so an old active conversation is re-read whole; rows merge on
    their sid, so re-reading lands no duplicate.
    """

    def __init__(self, table: str, client: HttpClient, options: TwilioOptions) -> None:
        self.name, self.source, self.table = f"twilio/{table}", "twilio", table
        self.shape = TWILIO_SHAPE
        self._client, self._options = client, options
        self._resource = table.capitalize()  # Participants, Messages

    def read(self, cursor: str | None) -> Iterator[Page]:
        """Yield the children page by page; the new watermark comes last."""
        scan = ConversationScan(self._client, self._options, cursor)
        for batch in scan.batches():
            for conversation in batch.conversations:
                for records in self._children(conversation["sid"]):
                    yield Page(records, scan.resume_cursor)
        yield Page([], scan.next_cursor(), checkpoint=True)

    def source_total(self) -> int | None:
        """None: Twilio lists carry no total."""
        return None

    def count_scope(self, cursor: str | None) -> CountScope:
        """Nothing to compare: the vendor reports no count."""
        return NO_COUNT

    def _children(self, sid: str) -> Iterator[list[dict[str, Any]]]:
        path = f"{CONVERSATIONS_PATH}/{sid}/{self._resource}"
        params: dict[str, Any] = {"PageSize": self._options.page_size}
        if self.table == "messages":
            params["Order"] = "asc"
        try:
            yield from list_records(self._client, path, self.table, params)
        except FatalError as error:
            if error.status != 404:  # deleted between the listing and now: nothing to read
                raise


def build_twilio_streams(client: HttpClient, options: TwilioOptions) -> dict[str, Stream]:
    """The three streams in sync order, sharing one client; building makes no network call."""
    streams: list[Stream] = [ConversationsStream(client, options)]
    for table in ("participants", "messages"):
        streams.append(ConversationChildStream(table, client, options))
    return {stream.name: stream for stream in streams}
