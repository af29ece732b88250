"""Aircall connector configuration: a frozen value from the caller, never read from the env."""

from dataclasses import dataclass, field
from datetime import date

from connectors.transport import DEFAULT_TRANSPORT, Transport


@dataclass(frozen=True, slots=True)
class AircallConfig:
    """How to reach Aircall and how to window the calls.

    Attributes:
        api_id: API id of the Basic credentials (never shown by ``repr``).
        api_token: API token of the Basic credentials (never shown by ``repr``).
        base_url: API root without ``/v1``; the client appends it.
        start_date: first day read by a first run; None means ``history_days`` ago.
        trailing_hours: re-read window before the cursor, as calls change after they end.
        window_days: width of the first calls window of a run; later ones are sized from the
            calls per second the earlier ones held.
        result_cap: Aircall's limit on records reachable by one list query.
        reconciliation_days: how far before the cursor the calls count is checked against the
            vendor's; keep it inside the history Aircall keeps (about 6 months by default).
        transport: retry bounds, sleep and clock shared by every vendor (injected by tests).
    """

    api_id: str = field(repr=False)
    api_token: str = field(repr=False)
    base_url: str = "https://api.aircall.io"
    start_date: date | None = None
    history_days: int = 400
    trailing_hours: int = 48
    window_days: int = 7
    result_cap: int = 10_000
    reconciliation_days: int = 90
    per_page: int = 50
    transport: Transport = field(default=DEFAULT_TRANSPORT, compare=False)
