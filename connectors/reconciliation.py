"""Reconciliation: the vendor's counts against the raw rows, compared like with like.

Raw rows that are archived, found gone or merged away are left out as the vendor's counts leave
them out; a real mismatch says which ids differ and how to recover.
"""

from dataclasses import dataclass, replace
from pathlib import Path

from connectors.streams import CountScope, Stream
from connectors.warehouse import (
    RAW_STREAMS,
    raw_count_where,
    raw_ids_where,
    reset_cursor,
    stream_cursor,
)


def source_total(stream: Stream) -> int | None:
    """The vendor's count of live records for a stream, None if it has none."""
    return stream.source_total()


RECOVERY = (
    "To recover, re-read the stream from scratch with `kpi-pipeline resync {stream}` (rows are "
    "merged on their id: nothing is duplicated), then run the pipeline again."
)


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """The vendor's counts against the raw rows of the same scopes.

    Attributes:
        stream: the stream name.
        source_count: the vendor's count of live records in scope (None: it has none).
        raw_count: raw rows of the same scope (live, not found gone, not merged away).
        scope: what is counted.
        source_updates: the vendor's count of records modified in the settled part of the last
            window (None when the stream has no modified time or no window yet).
        raw_updates: raw rows whose stored modified time is in that range.
        gone_since: raw rows the vendor stopped serving after the sync (deleted, archived or
            merged since): left out of the comparison, marked by the next run.
        examples: a few ids that differ, for the message.
    """

    stream: str
    source_count: int | None
    raw_count: int
    scope: str
    source_updates: int | None = None
    raw_updates: int = 0
    update_scope: str = ""
    gone_since: int = 0
    examples: tuple[str, ...] = ()

    @property
    def rows_match(self) -> bool:
        """True when the live counts agree (or the vendor reports no count)."""
        return self.source_count is None or self.source_count == self.raw_count - self.gone_since

    @property
    def updates_match(self) -> bool:
        """False when the vendor holds more updates in the settled range than raw: lost updates."""
        return self.source_updates is None or self.source_updates <= self.raw_updates

    @property
    def matches(self) -> bool:
        """True when neither a record nor an update is missing from raw."""
        return self.rows_match and self.updates_match

    def message(self) -> str:
        """One paragraph: what was compared, what differs, how to recover."""
        if self.matches:
            gone = f"; {self.gone_since} gone at the vendor since" if self.gone_since else ""
            held = self.raw_count - self.gone_since
            return f"{self.stream}: {held} live raw rows match the vendor ({self.scope}){gone}"
        parts = []
        if not self.rows_match:
            held = self.raw_count - self.gone_since
            parts.append(f"the vendor counts {self.source_count} {self.scope}, raw holds {held}")
        if not self.updates_match:
            parts.append(
                f"the vendor counts {self.source_updates} {self.update_scope}, raw only "
                f"{self.raw_updates}: {self.source_updates - self.raw_updates} update(s) never "
                "landed (the search overlap may be shorter than the index lag)"
            )
        examples = f" (ids e.g. {', '.join(self.examples)})" if self.examples else ""
        recovery = RECOVERY.format(stream=self.stream)
        return f"{self.stream}: {'; '.join(parts)}{examples}. {recovery}"


def reconcile(stream: Stream, duckdb_path: str | Path) -> Reconciliation:
    """Compare, like with like, what the last sync should have landed with the vendor's counts.

    Raw rows that are archived, found gone (``_deleted_at``) or merged into another record are
    left out, as the vendor's counts leave them out. When raw holds more than the vendor counts
    and the stream can list its ids, those the vendor no longer serves (deleted or archived
    after the sync) are left out too, so a vendor delete never fails the check. Streams with a
    modified time also compare the settled part of the last window: a lost update leaves an
    older modified time in raw.

    Args:
        stream: a stream from ``registry.build_streams``.
        duckdb_path: the warehouse file.

    Returns:
        Both counts and what they cover; ``message()`` says what differs and how to recover.
    """
    cursor = stream_cursor(duckdb_path, stream.name)
    scope: CountScope = stream.count_scope(cursor)
    raw = raw_count_where(duckdb_path, stream.name, scope.raw_filter)
    result = Reconciliation(stream.name, scope.source_count, raw, scope.description)
    update_scope = getattr(stream, "update_scope", None)
    updates = update_scope(cursor) if update_scope is not None else None
    if updates is not None:
        result = replace(
            result, source_updates=updates.source_count, update_scope=updates.description,
            raw_updates=raw_count_where(duckdb_path, stream.name, updates.raw_filter),
        )  # fmt: skip
    if result.matches or scope.source_count is None:
        return result
    return _compare_keys(stream, duckdb_path, scope, result)


def _compare_keys(stream: Stream, duckdb_path: str | Path, scope: CountScope,
                  result: Reconciliation) -> Reconciliation:  # fmt: skip
    """On a count mismatch, compare ids with the vendor's key listing when the stream has one."""
    vendor_keys = getattr(stream, "vendor_keys", None)
    if vendor_keys is None:
        return result
    held = vendor_keys()
    raw_ids = raw_ids_where(duckdb_path, stream.name, scope.raw_filter)
    gone = raw_ids - held
    missing = held - raw_ids_where(duckdb_path, stream.name, "true")
    examples = sorted(missing or gone, key=lambda x: (len(x), x))[:5]
    return replace(result, gone_since=len(gone), examples=tuple(examples))


def resync(duckdb_path: str | Path, stream: str) -> bool:
    """Forget a stream's cursor so its next sync re-reads it from scratch (merged on key).

    Args:
        duckdb_path: the warehouse file.
        stream: a stream name such as ``<vendor>/contacts``.

    Returns:
        True when a cursor was stored and is now removed.
    """
    if stream not in RAW_STREAMS:
        raise ValueError(f"unknown stream {stream!r}; choose one of {', '.join(RAW_STREAMS)}")
    return reset_cursor(duckdb_path, stream)
