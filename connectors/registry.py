"""The public entry point of connectors/: configure, list the streams, sync one, reconcile counts.

Typical use (orchestration)::

    streams = build_streams(HubSpotConfig(token), AircallConfig(api_id, api_token))
    result = sync_stream(streams["hubspot/deals"], "data/warehouse.duckdb", run_id)
    assert source_total(streams["hubspot/deals"]) == raw_row_count(path, "hubspot/deals")
"""

from dataclasses import dataclass
from pathlib import Path

from connectors.aircall.streams import build_aircall_streams
from connectors.config import AircallConfig, HubSpotConfig
from connectors.errors import (
    ConnectorError,
    FatalError,
    MalformedResponseError,
    PaginationLoopError,
    QuotaExhaustedError,
    RetriesExhaustedError,
)
from connectors.http import RetryPolicy
from connectors.hubspot.streams import build_hubspot_streams
from connectors.landing import sync_stream
from connectors.streams import CountScope, Stream, SyncProgress, SyncResult
from connectors.warehouse import (
    RAW_STREAMS,
    ensure_raw_schema,
    raw_count_where,
    raw_row_count,
    raw_tables_exist,
    stream_cursor,
)

__all__ = [
    "RAW_STREAMS",
    "AircallConfig",
    "ConnectorError",
    "CountScope",
    "FatalError",
    "HubSpotConfig",
    "MalformedResponseError",
    "PaginationLoopError",
    "QuotaExhaustedError",
    "Reconciliation",
    "RetriesExhaustedError",
    "RetryPolicy",
    "Stream",
    "SyncProgress",
    "SyncResult",
    "build_streams",
    "ensure_raw_schema",
    "raw_row_count",
    "raw_tables_exist",
    "reconcile",
    "source_total",
    "stream_cursor",
    "sync_stream",
]


def build_streams(hubspot: HubSpotConfig, aircall: AircallConfig) -> dict[str, Stream]:
    """Every stream, keyed ``<source>/<table>`` like the raw tables (``hubspot/deals``).

    Args:
        hubspot: HubSpot credentials and options.
        aircall: Aircall credentials and options.

    Returns:
        Streams in a stable order: HubSpot first, then Aircall. Building makes no network call.
    """
    return {**build_hubspot_streams(hubspot), **build_aircall_streams(aircall)}


def source_total(stream: Stream) -> int | None:
    """The vendor's count of live records for a stream, for reconciliation with ``raw_row_count``.

    Args:
        stream: a stream from ``build_streams``.

    Returns:
        HubSpot: the unfiltered search ``total`` (non-archived records) or a full count for small
        collections; Aircall: ``meta.total`` (calls over the first-run range). None if unknown.
    """
    return stream.source_total()


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """The vendor's count against the raw rows of the same scope."""

    stream: str
    source_count: int | None
    raw_count: int
    scope: str

    @property
    def matches(self) -> bool:
        """True when they agree, or when the vendor reports no count."""
        return self.source_count is None or self.source_count == self.raw_count


def reconcile(stream: Stream, duckdb_path: str | Path) -> Reconciliation:
    """Count what the last sync should have landed, at the vendor and in raw, over one scope.

    Args:
        stream: a stream from ``build_streams``.
        duckdb_path: the warehouse file.

    Returns:
        Both counts and what they cover; catches pagination loss and dropped pages.
    """
    scope: CountScope = stream.count_scope(stream_cursor(duckdb_path, stream.name))
    raw = raw_count_where(duckdb_path, stream.name, scope.raw_filter)
    return Reconciliation(stream.name, scope.source_count, raw, scope.description)
