"""Render DuckDB values as Looker Studio CSV text (kpis.md format rules), deterministically."""

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal

# "\n" rather than csv's default "\r\n": same bytes as DuckDB's own COPY, accepted by Looker
# Studio, PostgreSQL COPY and spreadsheet tools alike.
LINE_TERMINATOR = "\n"
QUOTE_TRIGGERS = (",", '"', "\r", "\n")
SQL_FORMATTED_PREFIXES = (
    "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
    "UINTEGER", "UBIGINT", "UHUGEINT", "DECIMAL",
)  # fmt: skip


MONEY_SCALE = 2


def decimal_scale(data_type: str) -> int:
    """The scale of a `DECIMAL(p,s)` type name (0 when it has none)."""
    inside = data_type.partition("(")[2].rstrip(")")
    return int(inside.split(",")[1]) if "," in inside else 0


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
        # kpis.md: a zero measure is written "0". Otherwise fixed-point, never "1E+1": money
        # keeps its cents ("12.50"); finer scales (credit shares) drop trailing zeros.
        if value == 0:
            return "0"
        text = format(value, "f")
        if -value.as_tuple().exponent > MONEY_SCALE:
            text = text.rstrip("0").rstrip(".")
        return text
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


def quote_field(text: str) -> str:
    """Quote a field as RFC 4180 does: only when it holds a separator, quote or line break."""
    if any(character in text for character in QUOTE_TRIGGERS):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(fields: Sequence[str]) -> bytes:
    """Join already formatted (and quoted) fields into one encoded CSV line."""
    return (",".join(fields) + LINE_TERMINATOR).encode("utf-8")


def select_expression(column: str, data_type: str) -> str:
    """Return SQL that formats `column` in DuckDB when its text is already the contract's.

    DuckDB renders DATE as `YYYY-MM-DD`, integers plainly and DECIMAL at its fixed scale with `.`,
    exactly as format_value would, and doing it in SQL is several times faster than in Python.
    Text is quoted in SQL too. Other types (DOUBLE, timestamps, booleans) are left for
    format_value, whose rules DuckDB's casts do not follow (`1e-07`, `+00` offsets).
    """
    quoted = '"' + column.replace('"', '""') + '"'
    if data_type == "VARCHAR":
        return (
            f"CASE WHEN regexp_matches({quoted}, '[,\"\\r\\n]') "
            f"THEN '\"' || replace({quoted}, '\"', '\"\"') || '\"' ELSE {quoted} END"
        )
    if data_type.startswith("DECIMAL"):
        # Same rules as format_value: zero is written "0", not "0.00"; beyond cents (credit
        # shares at 12 decimals), trailing zeros go: "1", "0.333333333333", not "1.000000000000".
        text = f"CAST({quoted} AS VARCHAR)"
        if decimal_scale(data_type) > MONEY_SCALE:
            text = f"rtrim(rtrim({text}, '0'), '.')"
        return f"CASE WHEN {quoted} = 0 THEN '0' ELSE {text} END"
    if data_type == "DATE" or data_type.startswith(SQL_FORMATTED_PREFIXES):
        return f"CAST({quoted} AS VARCHAR)"
    return quoted


def is_formatted_in_sql(data_type: str) -> bool:
    """True when select_expression already returns the final field text for this type."""
    return data_type in ("VARCHAR", "DATE") or data_type.startswith(SQL_FORMATTED_PREFIXES)
