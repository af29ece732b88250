"""The source plug-ins: the one list a new vendor joins, and the rules over it.

Everything else (raw tables, Dagster assets and resources, settings, the sandbox environment, the
CLI) loops over ``SOURCES``; adding a vendor is its package plus one line here.

Typical use (orchestration)::

    streams = build_streams(environ)  # the caller passes its environment
    result = sync_stream(streams["pipedrive/deals"], "data/warehouse.duckdb", run_id)
"""

from collections.abc import Iterable, Mapping

from connectors.aircall.messages_source import AIRCALL_MESSAGES_SOURCE as AIRCALL_MESSAGES
from connectors.aircall.source import SOURCE as AIRCALL
from connectors.hubspot.source import SOURCE as HUBSPOT
from connectors.pipedrive.source import SOURCE as PIPEDRIVE
from connectors.sources import KINDS, SourceKind, SourcePlugin
from connectors.streams import Stream
from connectors.transport import DEFAULT_TRANSPORT, Transport
from connectors.twilio.source import SOURCE as TWILIO

# CRMs first, then telephony, then messaging: the order of raw tables, assets and summaries.
SOURCES: tuple[SourcePlugin, ...] = (HUBSPOT, PIPEDRIVE, AIRCALL, TWILIO, AIRCALL_MESSAGES)

# Names the enabled sources explicitly (comma-separated), instead of "every one with credentials".
SOURCES_VARIABLE = "SOURCES"


class SourceSelectionError(ValueError):
    """The enabled sources cannot make a run: unknown names, missing credentials, missing kind."""


def source_named(name: str) -> SourcePlugin:
    """The plug-in called ``name``.

    Raises:
        SourceSelectionError: no plug-in has that name (the message lists them).
    """
    for source in SOURCES:
        if source.name == name:
            return source
    known = ", ".join(source.name for source in SOURCES)
    raise SourceSelectionError(f"unknown source {name!r}; the registered sources are {known}")


def all_stream_names() -> tuple[str, ...]:
    """Every raw stream of every registered source (their tables exist even when disabled, so
    the dbt staging of every vendor compiles on any deployment)."""
    return tuple(name for source in SOURCES for name in source.stream_names)


def source_of_stream(stream_name: str) -> SourcePlugin:
    """The plug-in that lands ``stream_name``."""
    for source in SOURCES:
        if stream_name in source.stream_names:
            return source
    raise SourceSelectionError(f"no registered source lands the stream {stream_name!r}")


def named_sources(environ: Mapping[str, str]) -> list[str]:
    """The names listed in ``SOURCES`` (comma-separated, blanks ignored), unchecked."""
    return [name.strip() for name in environ.get(SOURCES_VARIABLE, "").split(",") if name.strip()]


def enabled_sources(environ: Mapping[str, str]) -> tuple[SourcePlugin, ...]:
    """The sources a run reads: those named in ``SOURCES`` (comma-separated), else every source
    whose credentials are all set. Registry order. ``environ`` comes from the caller: connectors
    never read the process environment."""
    if named := named_sources(environ):
        chosen = [source_named(name) for name in named]
        if waiting := [source.label for source in chosen if not source.models_ready]:
            raise SourceSelectionError(
                f"{', '.join(waiting)}: lands raw records, but its KPI models are not built yet; "
                "leave it out of SOURCES for now"
            )
        return tuple(source for source in SOURCES if source in chosen)
    return tuple(
        source for source in SOURCES if source.models_ready and source.has_credentials(environ)
    )


def kind_problems(sources: Iterable[SourcePlugin]) -> list[str]:
    """Why these sources cannot make a real run (empty when they can): it needs a CRM and at
    least one telephony or messaging source."""
    kinds = {source.kind for source in sources}
    problems = []
    if "crm" not in kinds:
        problems.append("no CRM source is enabled: " + _how_to_enable("crm"))
    if not kinds & {"telephony", "messaging"}:
        problems.append(
            "no telephony or messaging source is enabled: "
            + _how_to_enable("telephony")
            + "; or "
            + _how_to_enable("messaging")
        )
    return problems


def _how_to_enable(kind: SourceKind) -> str:
    options = [
        f"{source.label} ({', '.join(item.name for item in source.credentials)})"
        for source in SOURCES
        if source.kind == kind
    ]
    if not options:
        return f"no {kind} source is registered"
    return f"set the credentials of a {kind} source: " + " or ".join(options)


def build_streams(
    environ: Mapping[str, str],
    sources: Iterable[SourcePlugin] | None = None,
    transport: Transport = DEFAULT_TRANSPORT,
) -> dict[str, Stream]:
    """Every stream of the given sources (default: those ``environ`` enables), keyed like the raw
    tables. Building makes no network call.
    """
    chosen = enabled_sources(environ) if sources is None else tuple(sources)
    streams: dict[str, Stream] = {}
    for source in chosen:
        streams.update(source.streams(environ, transport))
    return streams


def raw_total_queries(sources: Iterable[SourcePlugin]) -> dict[str, list[str]]:
    """Per KPI measure, the raw counts of the given sources."""
    totals: dict[str, list[str]] = {}
    for source in sources:
        for measure, query in source.raw_totals.items():
            totals.setdefault(measure, []).append(query)
    return totals


def config_streams(*configs: object) -> dict[str, Stream]:
    """Streams from vendor configs built by hand (tests, benchmarks), in registry order."""
    takers = {source.config_type: source for source in SOURCES if source.config_type}
    if unknown := [config for config in configs if type(config) not in takers]:
        raise SourceSelectionError(f"no registered source takes a {type(unknown[0]).__name__}")
    streams: dict[str, Stream] = {}
    for source in SOURCES:  # registry order, whatever the order of the configs
        for config in configs:
            if type(config) is source.config_type and source.streams_from_config is not None:
                streams.update(source.streams_from_config(config))
    return streams


# The connectors' public entry points, re-exported so callers import one module.
from connectors.errors import (  # noqa: E402
    ConnectorError,
    FatalError,
    MalformedResponseError,
    PaginationLoopError,
    QuotaExhaustedError,
    RetriesExhaustedError,
)
from connectors.landing import sync_stream  # noqa: E402
from connectors.reconciliation import Reconciliation, reconcile, resync, source_total  # noqa: E402
from connectors.streams import CountScope, SyncProgress, SyncResult  # noqa: E402
from connectors.warehouse import (  # noqa: E402
    RAW_STREAMS,
    ensure_raw_schema,
    raw_row_count,
    raw_tables_exist,
    stream_cursor,
)

__all__ = [
    "KINDS",
    "RAW_STREAMS",
    "SOURCES",
    "ConnectorError",
    "CountScope",
    "FatalError",
    "MalformedResponseError",
    "PaginationLoopError",
    "QuotaExhaustedError",
    "Reconciliation",
    "RetriesExhaustedError",
    "SourcePlugin",
    "SourceSelectionError",
    "Stream",
    "SyncProgress",
    "SyncResult",
    "all_stream_names",
    "build_streams",
    "config_streams",
    "enabled_sources",
    "ensure_raw_schema",
    "kind_problems",
    "named_sources",
    "raw_row_count",
    "raw_tables_exist",
    "raw_total_queries",
    "reconcile",
    "resync",
    "source_named",
    "source_of_stream",
    "source_total",
    "stream_cursor",
    "sync_stream",
]
