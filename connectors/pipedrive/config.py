"""Pipedrive connector settings: one frozen value passed in by the caller, never read from env."""

from dataclasses import dataclass, field

from connectors.transport import DEFAULT_TRANSPORT, Transport

PAGE_LIMIT_MAX = 500  # the v2 maximum of ``limit`` (source_apis.md §2.2)


@dataclass(frozen=True, slots=True)
class PipedriveConfig:
    """How to reach Pipedrive and how to read it incrementally.

    Attributes:
        api_token: the personal API token sent as ``x-api-token`` (never shown by ``repr``).
        base_url: the API root without ``/api/v2`` (``https://api.pipedrive.com`` or the
            company domain); the sandbox mount in tests.
        overlap_minutes: how far before the stored watermark each incremental read restarts;
            Pipedrive times have one-second resolution and are eventually consistent.
        page_limit: ``limit`` of cursor pages (at most 500).
        transport: retry bounds, sleep and clock shared by every source.
    """

    api_token: str = field(repr=False)
    base_url: str = "https://api.pipedrive.com"
    overlap_minutes: int = 10
    page_limit: int = PAGE_LIMIT_MAX
    transport: Transport = DEFAULT_TRANSPORT

    def __post_init__(self) -> None:
        if not 1 <= self.page_limit <= PAGE_LIMIT_MAX:
            raise ValueError(f"page_limit must be between 1 and {PAGE_LIMIT_MAX}")
        if self.overlap_minutes < 0:
            raise ValueError("overlap_minutes must not be negative")
