"""The stream contract between vendor clients and the loader, and the values a sync reports."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol


def parse_timestamp(value: Any) -> datetime | None:
    """A vendor timestamp (ISO-8601 text or epoch milliseconds) as an aware UTC datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
    moment = datetime.fromisoformat(str(value))
    # A naive vendor time would be read in the server's zone; the vendors we read send UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def format_timestamp(moment: datetime) -> str:
    """An aware datetime as the ISO-8601 UTC text stored in cursors and landing files."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True, slots=True)
class RecordShape:
    """Where the raw-table columns live inside a vendor record.

    Attributes:
        modified_path: keys leading to the modified time (``("properties", "lastmodifieddate")``),
            None for vendors without one.
        archived_field: top-level boolean meaning soft-deleted, None when the stream has none.
    """

    modified_path: tuple[str, ...] | None = None
    archived_field: str | None = None

    def key(self, record: dict[str, Any]) -> str:
        """The primary key as text (some vendors send ints; text avoids 2^53 rounding)."""
        return str(record["id"])

    def modified_at(self, record: dict[str, Any]) -> datetime | None:
        """The vendor's modified time, or None."""
        if self.modified_path is None:
            return None
        value: Any = record
        for key in self.modified_path:
            value = value.get(key) if isinstance(value, dict) else None
        return parse_timestamp(value)

    def is_archived(self, record: dict[str, Any]) -> bool:
        """True when the vendor flags the record as archived (soft-deleted)."""
        return bool(self.archived_field and record.get(self.archived_field))


@dataclass(frozen=True, slots=True)
class Page:
    """Records read from the vendor in one go, and what may be committed after them.

    Attributes:
        records: vendor records, verbatim.
        cursor: the stream state that is safe to store once this page and every earlier one have
            landed; None when this page ends in the middle of something that cannot resume.
        checkpoint: a safe point to commit at even if the chunk is small (end of a window); the
            loader commits here when deletions are pending or a few seconds have passed since
            its last commit (``connectors.landing``), so tiny windows do not each pay a commit.
        gone: ids the vendor no longer holds (merged away): their raw rows get ``_deleted_at``.
        present: the complete set of ids the vendor still holds, from a full read that ended
            without error; every other raw row gets ``_deleted_at``, these rows lose it. None
            (the default) marks nothing: a partial or failed read never deletes anything.
    """

    records: list[dict[str, Any]]
    cursor: str | None = None
    checkpoint: bool = False
    gone: tuple[str, ...] = ()
    present: frozenset[str] | None = None


class RawIndex(Protocol):
    """Read-only questions a stream may ask about its own raw table (see ``Stream.repair``)."""

    def ids(self, where: str) -> set[str]:
        """Ids of the raw rows matching a SQL predicate."""
        ...

    def count(self, where: str) -> int:
        """Raw rows matching a SQL predicate."""
        ...


@dataclass(frozen=True, slots=True)
class CountScope:
    """One reconciliation: the vendor's count and the raw rows that must match it.

    Attributes:
        source_count: the vendor's figure; None when it reports none (nothing to compare).
        raw_filter: a SQL predicate over the raw table selecting the same records.
        description: what is counted, for check metadata and error messages.
    """

    source_count: int | None
    raw_filter: str
    description: str


# Raw rows the vendor still holds live: not archived, not found gone, not merged into another.
LIVE_ROWS = "not is_archived and _deleted_at is null"
MERGED_AWAY = (
    "id in (select trim(unnest(string_split(json_extract_string(survivor.record, "
    "'$.properties.hs_merged_object_ids'), ';'))) from {table} as survivor "
    "where survivor._deleted_at is null)"
)


class Stream(Protocol):
    """One vendor collection landing in one raw table (``raw_<source>.<table>``)."""

    name: str
    source: str
    table: str
    shape: RecordShape

    def read(self, cursor: str | None) -> Iterator[Page]:
        """Yield pages from the stored cursor (None on a first run) up to now."""
        ...

    def source_total(self) -> int | None:
        """The vendor's count of live records, for reconciliation; None if it has no count."""
        ...

    def count_scope(self, cursor: str | None) -> CountScope:
        """What to reconcile after a sync that stored ``cursor``: bounded so that records
        created or changed after the sync, or aged out of the vendor's history, never count."""
        ...


class RepairingStream(Stream, Protocol):
    """A stream with a second pass that needs its raw table (restores, key reconciliation)."""

    def repair(self, cursor: str | None, raw: RawIndex) -> Iterator[Page]:
        """Yield pages after ``read``'s pages have been committed (``cursor`` is now stored)."""
        ...


class UpdateCheckedStream(Stream, Protocol):
    """A stream that can tell lost updates from its modified times (see ``registry.reconcile``)."""

    def update_scope(self, cursor: str | None) -> CountScope | None:
        """Vendor's count of records modified in the settled part of the last window, and the
        raw filter of rows whose stored modified time is in it; None before a first window."""
        ...


@dataclass(frozen=True, slots=True)
class SyncProgress:
    """Reported to ``on_progress`` after each page and each checkpoint."""

    stream: str
    records: int
    pages: int
    elapsed_seconds: float
    checkpoint: bool = False
    inserted: int = 0
    updated: int = 0
    cursor: str | None = None

    def describe(self) -> str:
        """One human line: ``<vendor>/deals: 3 200 records, 17 pages, 2.1 s``."""
        records = f"{self.records:,}".replace(",", " ")
        return f"{self.stream}: {records} records, {self.pages} pages, {self.elapsed_seconds:.1f} s"


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What one stream run did: records read, rows inserted and updated, the cursor stored."""

    stream: str
    records: int
    pages: int
    inserted: int
    updated: int
    elapsed_seconds: float
    cursor: str | None
    checkpoints: int = 0
    landing_files: tuple[str, ...] = ()
