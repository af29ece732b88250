"""Render DuckDB values as Looker Studio CSV text (kpis.md format rules), deterministically."""

import csv
import io
import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal

# "\n" rather than csv's default "\r\n": same bytes as DuckDB's own COPY, accepted by Looker
# Studio, PostgreSQL COPY and spreadsheet tools alike.
LINE_TERMINATOR = "\n"


class FormatError(ValueError):
    """Raised for a value that has no faithful CSV rendering (NaN, infinity)."""


def format_value(value: object, zone: tzinfo) -> str:
    """Render one value following kpis.md's format rules.

    Args:
        value: a value as returned by DuckDB's Python client.
        zone: the reporting time zone; timestamps are written as local wall-clock time.

    Returns:
        The field text: empty for NULL, `YYYY-MM-DD` dates, `YYYY-MM-DD HH:MM:SS` timestamps,
        plain decimal numbers with `.` and no exponent or thousands separator.

    Raises:
        FormatError: for NaN or infinite floats, which Looker Studio cannot parse.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        # bool before int: True is an int, and "True" is not a number Looker Studio can sum.
        return "1" if value else "0"
    if isinstance(value, datetime):
        return _format_timestamp(value, zone)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        # Fixed-point keeps the column's scale (money reads "12.50", zero "0.00"), never "1E+1".
        return format(value, "f")
    if isinstance(value, float):
        return _format_float(value)
    return str(value)


def _format_timestamp(value: datetime, zone: tzinfo) -> str:
    # Warehouse timestamps are UTC; a naive one is taken as UTC, per the `<event>_at` convention.
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def _format_float(value: float) -> str:
    if not math.isfinite(value):
        raise FormatError(f"non-finite number {value!r} cannot be written to a CSV export")
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))  # "1" like an integer column, and -0.0 reads "0"
    text = repr(value)  # shortest text that round-trips, so identical values give identical bytes
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text


class CsvLineWriter:
    """Turns one row at a time into encoded CSV bytes (RFC 4180 quoting, UTF-8)."""

    __slots__ = ("_buffer", "_writer", "_zone")

    def __init__(self, zone: tzinfo) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(
            self._buffer, lineterminator=LINE_TERMINATOR, quoting=csv.QUOTE_MINIMAL
        )
        self._zone = zone

    def header(self, columns: Sequence[str]) -> bytes:
        """Return the encoded header line."""
        return self._encode(list(columns))

    def row(self, values: Sequence[object]) -> bytes:
        """Return one encoded data line; NULLs become empty fields."""
        return self._encode([format_value(value, self._zone) for value in values])

    def _encode(self, fields: list[str]) -> bytes:
        self._writer.writerow(fields)
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text.encode("utf-8")
